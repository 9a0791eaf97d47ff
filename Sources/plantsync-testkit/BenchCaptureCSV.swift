import Foundation
import PlantCapture
import PlantJournal
import PlantModel

/// CSV rows per second from a dropped file into a real journal (durability full), through `DropFolder` as
/// the agent runs it: read, decode, map, make events, journal each chunk with its progress checkpoint on
/// the committer thread, archive. Baseline: the journal's raw append rate for the same events, replaying
/// exactly the drop's appends (same chunks, same checkpoints) into a fresh journal.
let benchCaptureCSV = Subcommand(
    name: "bench-capture-csv",
    usage: "--dir DIR [--rows 500000] [--chunk-rows 5000] [--repeats 3]"
) { arguments in
    let base = try arguments.string("dir")
    let rows = try arguments.int("rows", default: 500_000)
    let chunkRows = try arguments.int("chunk-rows", default: 5_000)
    let repeats = try arguments.int("repeats", default: 3)
    let file = Array(receiptsCSV(rows: rows).utf8)
    let configuration = FileDrop.Configuration(
        directory: base + "/in", event: .inventoryMovement,
        columns: [
            .occurredAt: .column("Zeit"), .kind: .column("Art"), .plant: .constant("P100"),
            .item: .column("Material"), .lot: .column("Charge"), .quantity: .column("Menge"),
            .unit: .column("ME"), .toLocation: .column("Lager"),
        ],
        delimiter: UInt8(ascii: ";"), decimalComma: true, settleTime: .zero, chunkRows: chunkRows)

    /// A fresh folder with the file in it, and a fresh journal.
    func prepare() throws -> Journal {
        try? FileManager.default.removeItem(atPath: base)
        try FileManager.default.createDirectory(atPath: base + "/in", withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: base + "/in/receipts.csv", contents: Data(file)) else {
            throw Arguments.Problem(description: "cannot write \(base)/in/receipts.csv")
        }
        var options = JournalOptions()
        options.durability = .full
        return try Journal.open(path: base + "/journal.sqlite", options: options)
    }
    defer { try? FileManager.default.removeItem(atPath: base) }

    var appends: [(records: [JournalRecord], checkpoints: [String: [UInt8]])] = []
    let drop = try BenchMeasurement.best(of: repeats, .process) {
        let journal = try prepare()
        defer { journal.close() }
        let sink = JournalingSink(journal: journal)
        let folder = DropFolder(input: "erp", configuration: configuration, sink: sink)
        let reports = folder.process(now: 0)
        guard folder.statistics.journaled == rows, reports.count == 1 else {
            throw Arguments.Problem(
                description: "journaled \(folder.statistics.journaled) of \(rows) rows; \(reports)")
        }
        appends = sink.appends
        return rows
    }
    drop.report(bench: "capture", row: "csv-drop-journal")

    let raw = try BenchMeasurement.best(of: repeats, .process) {
        let journal = try prepare()
        defer { journal.close() }
        var appended = 0
        for append in appends {
            appended += try journal.append(append.records, checkpoints: append.checkpoints).count
        }
        return appended
    }
    raw.report(bench: "capture", row: "journal-append-same-events")
    Output.line("info bench=capture csv_bytes=\(file.count) chunks=\(appends.count)")
    return 0
}

/// Goods receipts as an ERP exports them, about 75 bytes a row (the FileDrop helper's benchmark file).
private func receiptsCSV(rows: Int) -> String {
    var text = "Zeit;Art;Material;Charge;Menge;ME;Lager\n"
    text.reserveCapacity(rows * 80)
    for row in 1...rows {
        text +=
            "2026-11-22T14:\(10 + row % 50):\(10 + row % 50)Z;receipt;MAT-\(100_000 + row % 9_000);L\(row % 977);"
        text += "\(row % 500),\(row % 10);KG;WE\(row % 20)\n"
    }
    return text
}

/// The agent's capture sink reduced to journaling: canonical JSON with the checkpoints, one transaction
/// per call, as `AgentCaptureSink` does. Keeps each call's records for the baseline.
private final class JournalingSink: CaptureSink, @unchecked Sendable {
    // @unchecked: `appends` is only touched under `lock` (the drop's committer thread appends).
    let journal: Journal
    private let lock = NSLock()
    private var kept: [(records: [JournalRecord], checkpoints: [String: [UInt8]])] = []

    init(journal: Journal) { self.journal = journal }

    var appends: [(records: [JournalRecord], checkpoints: [String: [UInt8]])] { lock.withLock { kept } }

    func journal(_ events: [Event], checkpoints: [String: [UInt8]]) throws -> [JournalOutcome] {
        let records = events.map {
            JournalRecord(
                stream: $0.stream, id: $0.id.rawValue, type: $0.type.rawValue,
                occurredAt: $0.occurredAt.millisecondsSinceEpoch, body: $0.canonicalJSON())
        }
        let outcomes = try journal.append(records, checkpoints: checkpoints).map { outcome -> JournalOutcome in
            switch outcome {
            case .appended(let seq): .appended(seq: seq)
            case .duplicate: .duplicate
            }
        }
        lock.withLock { kept.append((records, checkpoints)) }
        return outcomes
    }

    func deliver(_ samples: [TelemetrySample], from input: String) {}
    func quarantine(_ problem: InputProblem) {}
    func checkpoint(_ key: String) -> [UInt8]? { try? journal.checkpoint(key) }
    func log(_ level: LogLevel, _ message: String, input: String) {}
}
