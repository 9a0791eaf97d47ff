import Foundation
import PlantCapture
import PlantModel
import Testing

/// A journal that refuses at the k-th chunk stands in for a kill -9 before that commit: a fresh `DropFolder`
/// (the restarted agent) must resume from the checkpoint, journal every good row exactly once and leave
/// the same rejects file as an undisturbed run.
@Suite("FileDrop crash and resume")
struct FileDropCrashResumeTests {
    /// 95 rows, 10 per chunk (10 chunks), a reject every 13th row, spread over several chunks.
    static func content() -> String {
        var text = FileDropIngestionTests.header
        for row in 1...95 {
            let quantity = row % 13 == 0 ? "viel" : "\(row)"
            text += "2026-11-22T14:15:00Z;receipt;M-\(row);\(quantity);PCE;WE01\n"
        }
        return text
    }

    static let goodRows = (1...95).filter { $0 % 13 != 0 }

    private func run(crashAt: Int?, stopAfterChunk: Bool = false) throws -> (events: [String], rejects: String?) {
        let folder = try DropTestFolder()
        defer { folder.cleanUp() }
        let configuration = FileDropIngestionTests.configuration(folder, chunkRows: 10)
        try folder.write("big.csv", Self.content())
        let sink = DropRecordingSink(crashAt: crashAt)
        if crashAt != nil {
            let crashed = DropFolder(input: "erp", configuration: configuration, sink: sink)
            #expect(crashed.process(movedIn: ["big.csv"], now: 0).isEmpty)
            #expect(folder.names()?.contains("big.csv") == true)  // never archived before its last chunk
            #expect(
                crashed.statistics.lastError == "big.csv: journal refused (test crash point); the file stays and "
                    + "is tried again, later files wait behind it")
            sink.crash(atCall: nil)
        }
        var asked = 0
        let restarted = DropFolder(input: "erp", configuration: configuration, sink: sink)
        var reports = restarted.process(movedIn: ["big.csv"], now: 0) {
            // Asked before the file and after each chunk handed over: stop after the 4th, as `stop()` would.
            asked += 1
            return stopAfterChunk && asked == 5
        }
        if stopAfterChunk {
            #expect(reports.isEmpty)
            #expect(sink.journalCalls == 4)  // the chunks handed over are journaled before the stop returns
            #expect(sink.events.count == 37)  // rows 1-40 without 13, 26 and 39
            reports = DropFolder(input: "erp", configuration: configuration, sink: sink)
                .process(movedIn: ["big.csv"], now: 0)
        }
        #expect(reports.map(\.name) == ["big.csv"])
        #expect(reports.first?.rows == 95)
        #expect(reports.first?.rejected == 7)
        #expect(reports.first?.duplicates == 0)
        #expect(folder.names() == ["archive", "quarantine"])
        #expect(folder.names("quarantine") == ["big.csv.rejects.csv"])
        return (sink.events.map(\.id.rawValue), folder.read("quarantine/big.csv.rejects.csv"))
    }

    @Test func undisturbedRun() throws {
        let (events, rejects) = try run(crashAt: nil)
        #expect(events.map { Int($0.split(separator: "/").last!)! } == Self.goodRows)
        let expected =
            ["line,reason,record"]
            + (1...95).filter { $0 % 13 == 0 }.map {
                "\($0 + 1),\"quantity (column \"\"Menge\"\"): expected a decimal number like 1234,5 or 1.234,5, found "
                    + "\"\"viel\"\"\",\"2026-11-22T14:15:00Z;receipt;M-\($0);viel;PCE;WE01\""
            }
        #expect(rejects == expected.joined(separator: "\n") + "\n")
    }

    @Test(arguments: 1...10) func crashBeforeChunkCommitThenResume(chunk: Int) throws {
        let reference = try run(crashAt: nil)
        let resumed = try run(crashAt: chunk)
        #expect(resumed.events == reference.events)  // every good row once, in file order
        #expect(Set(resumed.events).count == Self.goodRows.count)
        #expect(resumed.rejects == reference.rejects)
    }

    @Test func stopBetweenChunksThenResume() throws {
        let reference = try run(crashAt: nil)
        let resumed = try run(crashAt: nil, stopAfterChunk: true)
        #expect(resumed.events == reference.events)
        #expect(resumed.rejects == reference.rejects)
    }

    @Test func crashAfterTheLastCommitBeforeArchivingPublishesAndArchivesWithoutEvents() throws {
        let folder = try DropTestFolder()
        defer { folder.cleanUp() }
        let configuration = FileDropIngestionTests.configuration(folder, chunkRows: 10)
        try folder.write("big.csv", Self.content())
        let sink = DropRecordingSink()
        let report = try #require(
            DropFolder(input: "erp", configuration: configuration, sink: sink)
                .process(movedIn: ["big.csv"], now: 0).first)
        // Put the world back as a crash right after the last commit would leave it: the file still in the
        // folder and its rejects file not yet published.
        let tag = String(report.digest.prefix(12))
        #expect(rename(folder.file("archive/big.csv"), folder.file("big.csv")) == 0)
        #expect(
            rename(
                folder.file("quarantine/big.csv.rejects.csv"),
                folder.file("quarantine/.big.csv.\(tag).rejects.partial")) == 0)
        let again = try #require(
            DropFolder(input: "erp", configuration: configuration, sink: sink)
                .process(movedIn: ["big.csv"], now: 0).first)
        #expect(again.alreadyIngested)
        #expect(again.journaled == 0)
        #expect(again.rejectsFile == "big.csv.rejects.csv")
        #expect(sink.events.count == Self.goodRows.count)
        #expect(folder.names() == ["archive", "quarantine"])
        #expect(folder.names("quarantine") == ["big.csv.rejects.csv"])
        // Reported again rather than lost: the first report may not have been made before the crash.
        #expect(sink.problems.count == 2)
    }
}
