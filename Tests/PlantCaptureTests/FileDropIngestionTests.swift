import Foundation
import PlantCapture
import PlantModel
import Testing

/// Real folders, a journal double: pickup rules, archive and quarantine, rejects files, exactly once.
@Suite("FileDrop ingestion")
struct FileDropIngestionTests {
    static let header = "Zeit;Art;Material;Menge;ME;Lager\n"

    static func configuration(
        _ folder: DropTestFolder, onError: FileDrop.Configuration.OnError = .rejectRows, chunkRows: Int = 5_000,
        requireDoneMarker: Bool = false, maxLineBytes: Int = 65_536
    ) -> FileDrop.Configuration {
        FileDrop.Configuration(
            directory: folder.path, event: .inventoryMovement,
            columns: [
                .occurredAt: .column("Zeit"), .kind: .column("Art"), .plant: .constant("P100"),
                .item: .column("Material"), .quantity: .column("Menge"), .unit: .column("ME"),
                .toLocation: .column("Lager"),
            ],
            delimiter: UInt8(ascii: ";"), decimalComma: true, settleTime: .seconds(5),
            requireDoneMarker: requireDoneMarker, maxLineBytes: maxLineBytes, onError: onError, chunkRows: chunkRows)
    }

    /// `count` good rows, numbered from `first`.
    static func rows(_ count: Int, first: Int = 1) -> String {
        (first..<(first + count)).map { "2026-11-22T14:15:00Z;receipt;M-\($0);\($0),5;PCE;WE01\n" }.joined()
    }

    private func withFolder(_ body: (DropTestFolder) throws -> Void) throws {
        let folder = try DropTestFolder()
        defer { folder.cleanUp() }
        try body(folder)
    }

    @Test func renamedInFileIsTakenAtOnce() throws {
        try withFolder { folder in
            let sink = DropRecordingSink()
            let drop = DropFolder(input: "erp", configuration: Self.configuration(folder), sink: sink)
            try folder.write("in.csv.tmp", Self.header + Self.rows(3))
            #expect(drop.process(now: 0).isEmpty)  // a temporary name is never taken
            #expect(rename(folder.file("in.csv.tmp"), folder.file("in.csv")) == 0)
            let reports = drop.process(movedIn: ["in.csv"], now: 1)
            #expect(reports.map(\.name) == ["in.csv"])
            #expect(reports.first?.journaled == 3)
            #expect(reports.first?.movedTo == "in.csv")
            #expect(sink.events.map(\.id.rawValue) == (1...3).map { "file/erp/\(reports[0].digest)/\($0)" })
            #expect(folder.names() == ["archive"])
            #expect(folder.names("archive") == ["in.csv"])
            #expect(sink.logs == ["info erp: in.csv: 3 rows, 3 journaled; archived as in.csv"])
            #expect(drop.statistics.filesArchived == 1)
            #expect(drop.statistics.rows == 3)
            #expect(drop.statistics.lastFile == "in.csv")
        }
    }

    /// While the journal refuses a file (disk full), files dropped after it wait: none overtakes it.
    @Test func laterFilesWaitBehindAFileTheJournalRefused() throws {
        try withFolder { folder in
            let sink = DropRecordingSink()
            let drop = DropFolder(input: "erp", configuration: Self.configuration(folder), sink: sink)
            try folder.write("a.csv", Self.header + Self.rows(2))
            try folder.write("b.csv", Self.header + Self.rows(2, first: 3))
            sink.crash(atCall: 1)
            #expect(drop.process(movedIn: ["a.csv", "b.csv"], now: 1).isEmpty)
            #expect(sink.events.isEmpty)
            #expect(sink.journalCalls == 1)  // b.csv was not tried
            sink.crash(atCall: nil)
            let reports = drop.process(movedIn: ["a.csv", "b.csv"], now: 2)
            #expect(reports.map(\.name) == ["a.csv", "b.csv"])
            #expect(
                sink.events.compactMap { event -> String? in
                    if case .inventoryMovement(let movement) = event.payload { return movement.item }
                    return nil
                } == ["M-1", "M-2", "M-3", "M-4"])
        }
    }

    @Test func doneMarkerCompletesAFileAndIsRemoved() throws {
        try withFolder { folder in
            let sink = DropRecordingSink()
            let drop = DropFolder(
                input: "erp", configuration: Self.configuration(folder, requireDoneMarker: true), sink: sink)
            try folder.write("a.csv", Self.header + Self.rows(2))
            try folder.write("b.csv", Self.header + Self.rows(2, first: 10))
            #expect(drop.process(now: 0).isEmpty)
            #expect(drop.process(now: 3_600_000).isEmpty)  // settling is not enough with require_done_marker
            try folder.write("b.csv.done", "")
            #expect(drop.process(now: 3_600_001).map(\.name) == ["b.csv"])
            #expect(folder.names() == ["a.csv", "archive"])
            #expect(sink.events.count == 2)
        }
    }

    @Test func fileWrittenInPlaceWaitsForTheSettleTime() throws {
        try withFolder { folder in
            let sink = DropRecordingSink()
            let drop = DropFolder(input: "erp", configuration: Self.configuration(folder), sink: sink)
            try folder.write("slow.csv", Self.header + Self.rows(1))
            #expect(drop.process(now: 1_000).isEmpty)
            #expect(drop.process(now: 5_999).isEmpty)
            // The writer adds a row: the file must settle again from now.
            try folder.write("slow.csv", Self.header + Self.rows(2))
            #expect(drop.process(now: 6_000).isEmpty)
            #expect(drop.process(now: 10_999).isEmpty)
            #expect(drop.process(now: 11_000).map(\.rows) == [2])
            #expect(sink.events.count == 2)
        }
    }

    @Test func alreadyIngestedDigestIsArchivedWithoutEvents() throws {
        try withFolder { folder in
            let sink = DropRecordingSink()
            let drop = DropFolder(input: "erp", configuration: Self.configuration(folder), sink: sink)
            let content = Self.header + Self.rows(4)
            try folder.write("day.csv", content)
            let first = drop.process(movedIn: ["day.csv"], now: 0)
            #expect(first.first?.journaled == 4)
            // The same content again, once under another name and once under the same name.
            try folder.write("copy.csv", content)
            try folder.write("day.csv", content)
            let again = drop.process(movedIn: ["copy.csv", "day.csv"], now: 1)
            let tag = String(first[0].digest.prefix(12))
            #expect(again.map(\.alreadyIngested) == [true, true])
            #expect(again.map(\.journaled) == [0, 0])
            #expect(again.map(\.movedTo) == ["copy.csv", "day.\(tag).csv"])
            #expect(sink.events.count == 4)
            #expect(sink.journalCalls == 1)
            #expect(folder.names("archive") == ["copy.csv", "day.\(tag).csv", "day.csv"])
            #expect(
                sink.logs.last == "info erp: day.csv: already ingested (digest \(tag)…); archived as "
                    + "day.\(tag).csv without new events")
        }
    }

    @Test func rejectedRowsGoToTheRejectsFileWhileGoodRowsProceed() throws {
        try withFolder { folder in
            let sink = DropRecordingSink()
            let drop = DropFolder(
                input: "erp", configuration: Self.configuration(folder, maxLineBytes: 1_024), sink: sink)
            var content = Array((Self.header + Self.rows(1)).utf8)
            content += Array("2026-11-22T14:16:00Z;receipt;M-2;zwei;PCE;WE01\n".utf8)  // line 3
            content += Array("2026-11-22T14:17:00Z;receipt;M-3;3\n".utf8)  // line 4: missing columns
            content += Array("2026-11-22T14:18:00Z;receipt;M-\"4\";4;PCE;".utf8) + [0xFF, 0x0A]  // line 5
            content += Array((String(repeating: "x", count: 2_000) + "\n").utf8)  // line 6
            content += Array(Self.rows(1, first: 7).utf8)  // line 7
            content += Array("2026-11-22T14:19:00Z;receipt;\"M-8;8;PCE;WE01\n".utf8)  // line 8: never closed
            try folder.write("mixed.csv", content)
            let report = try #require(drop.process(movedIn: ["mixed.csv"], now: 0).first)
            #expect(report.rows == 7)
            #expect(report.journaled == 2)
            #expect(report.rejected == 5)
            #expect(report.disposition == .archived)
            #expect(report.rejectsFile == "mixed.csv.rejects.csv")
            #expect(sink.events.map(\.id.rawValue).map { $0.split(separator: "/").last! } == ["1", "6"])
            let rejects = try #require(folder.read("quarantine/mixed.csv.rejects.csv"))
            #expect(
                rejects == #"""
                    line,reason,record
                    3,"quantity (column ""Menge""): expected a decimal number like 1234,5 or 1.234,5, found ""zwei""",\#
                    "2026-11-22T14:16:00Z;receipt;M-2;zwei;PCE;WE01"
                    4,"expected 6 fields as in the header, found 4","2026-11-22T14:17:00Z;receipt;M-3;3"
                    5,"invalid UTF-8 in field 6 at byte 1 of the field; expected UTF-8 text",\#
                    "2026-11-22T14:18:00Z;receipt;M-""4"";4;PCE;\#u{FFFD}"
                    6,"line longer than 1024 bytes (max_line_bytes); skipped to the next line",\#
                    "\#(String(repeating: "x", count: 256))"
                    8,"quoted field opened on line 8 is not closed at the end of the file",\#
                    "2026-11-22T14:19:00Z;receipt;""M-8;8;PCE;WE01
                    "

                    """#)
            #expect(sink.problems.count == 1)
            #expect(
                sink.problems.first?.reason
                    == "mixed.csv: 5 of 7 rows rejected (see mixed.csv.rejects.csv in \(folder.path)/quarantine); first "
                    + "on line 3: quantity (column \"Menge\"): expected a decimal number like 1234,5 or 1.234,5, "
                    + "found \"zwei\"")
            #expect(sink.problems.first?.location == "mixed.csv:3")
            #expect(folder.names("quarantine") == ["mixed.csv.rejects.csv"])
            #expect(folder.names("archive") == ["mixed.csv"])
            #expect(drop.statistics.rejected == 5)
        }
    }

    @Test func rejectFileModeQuarantinesTheWholeFileWithoutEvents() throws {
        try withFolder { folder in
            let sink = DropRecordingSink()
            let drop = DropFolder(
                input: "erp", configuration: Self.configuration(folder, onError: .rejectFile, chunkRows: 2), sink: sink)
            let content = Self.header + Self.rows(3) + "2026-11-22T14:16:00Z;receipt;M-4;;PCE;WE01\n" + Self.rows(2)
            try folder.write("strict.csv", content)
            try folder.write("fine.csv", Self.header + Self.rows(5))
            let reports = drop.process(movedIn: ["strict.csv", "fine.csv"], now: 0)
            #expect(reports.map(\.name) == ["fine.csv", "strict.csv"])
            #expect(reports[0].journaled == 5)
            #expect(
                reports[1].disposition
                    == .quarantined(
                        reason:
                            "strict.csv: file refused, no events journaled; line 5: quantity: required when unit is "
                            + "given"))
            #expect(sink.events.count == 5)
            #expect(folder.names("quarantine") == ["strict.csv", "strict.csv.rejects.csv"])
            #expect(
                folder.read("quarantine/strict.csv.rejects.csv") == #"""
                    line,reason,record
                    5,"quantity: required when unit is given","2026-11-22T14:16:00Z;receipt;M-4;;PCE;WE01"

                    """#)
            #expect(drop.statistics.filesQuarantined == 1)
            #expect(drop.statistics.filesArchived == 1)
        }
    }

    @Test func missingColumnOrNoiseRefusesTheFile() throws {
        try withFolder { folder in
            let sink = DropRecordingSink()
            let drop = DropFolder(input: "erp", configuration: Self.configuration(folder), sink: sink)
            try folder.write("short.csv", "Zeit;Art;Material;ME;Lager\n" + "2026-11-22T14:15:00Z;receipt;M-1;PCE;W\n")
            var random = DropTestRandom(state: 3)
            try folder.write("noise.csv", (0..<3_000).map { _ in UInt8.random(in: 0...255, using: &random) })
            try folder.write("empty.csv", "")
            let reports = drop.process(movedIn: ["short.csv", "noise.csv", "empty.csv"], now: 0)
            #expect(reports.map(\.name) == ["empty.csv", "noise.csv", "short.csv"])
            #expect(
                reports[0].disposition
                    == .quarantined(
                        reason: "empty.csv: file refused, no events journaled; line 1: empty file; expected "
                            + "a header row"))
            if case .quarantined(let reason) = reports[1].disposition {
                #expect(reason.hasPrefix("noise.csv: file refused, no events journaled; line 1: "))
            } else {
                Issue.record("noise.csv was not quarantined")
            }
            #expect(
                folder.read("quarantine/short.csv.rejects.csv") == #"""
                    line,reason,record
                    1,"header has no column ""Menge"" (for quantity); found ""Zeit"", ""Art"", ""Material"", ""ME"", ""Lager""",\#
                    "Zeit;Art;Material;ME;Lager"

                    """#)
            #expect(sink.events.isEmpty)
            #expect(sink.problems.count == 3)
            #expect(folder.names() == ["quarantine"])
        }
    }

    @Test func jsonLinesFileWithABadLine() throws {
        try withFolder { folder in
            let sink = DropRecordingSink()
            let configuration = FileDrop.Configuration(
                directory: folder.path, format: .jsonl, event: .qualityHold,
                columns: [
                    .occurredAt: .column("ts"), .plant: .constant("P100"), .lot: .column("lot"),
                    .reason: .column("why"),
                ],
                timestampFormat: .epochMilliseconds)
            let drop = DropFolder(input: "qm", configuration: configuration, sink: sink)
            try folder.write(
                "holds.jsonl",
                """
                {"ts":1795356900000,"lot":"B1","why":"QN-1"}
                {"ts":1795356900000,"lot":["B2"],"why":"QN-2"}

                not json
                {"ts":1795356900000,"lot":"B3","why":"QN-3"}
                """)
            let report = try #require(drop.process(movedIn: ["holds.jsonl"], now: 0).first)
            #expect(report.journaled == 2)
            #expect(
                folder.read("quarantine/holds.jsonl.rejects.csv") == #"""
                    line,reason,record
                    2,"key ""lot"": expected a string, number, boolean or null, found an object or array",\#
                    "{""ts"":1795356900000,""lot"":[""B2""],""why"":""QN-2""}"
                    4,"JSON error at byte 1: expected 'null' (started at byte 0), found 'o'","not json"

                    """#)
        }
    }
}
