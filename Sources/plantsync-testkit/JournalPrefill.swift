import Foundation
import PlantJournal

/// Journals `count` synthetic events (`SyncBenchEvents`) into an agent's data directory before the
/// agent starts, as if they had been captured while the hub was down; the agent's forwarder then
/// drains them. The journal is created if needed (it gets its epoch here).
let journalPrefill = Subcommand(
    name: "journal-prefill",
    usage: "--data-dir DIR --plant ID --count N [--batch 5000]"
) { arguments in
    let directory = try arguments.string("data-dir")
    let plant = try arguments.string("plant")
    let count = try arguments.int("count")
    let batch = try arguments.int("batch", default: 5_000)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var options = JournalOptions()
    options.durability = .normal  // the fill is set-up, not measured; the agent reopens it with its own setting
    let journal = try Journal.open(path: directory + "/journal.sqlite", options: options)
    defer { journal.close() }
    let start = monotonicSeconds()
    var bytes = 0
    var number = 1
    while number <= count {
        var records: [JournalRecord] = []
        records.reserveCapacity(batch)
        while records.count < batch, number <= count {
            let record = try SyncBenchEvents.record(number, plant: plant)
            bytes += record.body.count
            records.append(record)
            number += 1
        }
        try journal.append(records)
    }
    let seconds = monotonicSeconds() - start
    Output.line(
        "journal-prefill count=\(count) epoch=\(journal.epoch) mean_body_bytes=\(bytes / max(1, count)) "
            + "seconds=\(String(format: "%.2f", seconds))")
    return 0
}
