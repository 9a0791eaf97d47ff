import Foundation
import PlantJournal

/// Appends forever from one thread per stream, printing `ok <stream> <seq> <id>` for every record
/// of an append once that append has returned (so a parent that kills us knows what was durable).
/// With --checkpoints, each append also sets `last/<stream>` to the id of its last record of that
/// stream, in the same transaction.
let journalAppendLoop = Subcommand(
    name: "journal-append-loop",
    usage: "--db PATH --streams N [--checkpoints] [--max-batch 40] [--appends N (default: forever)]"
) { arguments in
    let path = try arguments.string("db")
    let streamCount = try arguments.int("streams")
    let maxBatch = try arguments.int("max-batch", default: 40)
    let appendsPerThread = try arguments.int("appends", default: Int.max)
    let withCheckpoints = arguments.flag("checkpoints")
    let journal = try Journal.open(path: path)
    var generator = SystemRandomNumberGenerator()
    let run = String(generator.next() as UInt32, radix: 16)
    Output.line("ready \(journal.epoch) \(run)")
    let printLock = NSLock()
    let done = DispatchGroup()
    for index in 0..<streamCount {
        done.enter()
        Thread {
            defer { done.leave() }
            let stream = "stream-\(index)"
            var random = SystemRandomNumberGenerator()
            var counter = 0
            var appends = 0
            while appends < appendsPerThread {
                let size = Int.random(in: 1...maxBatch, using: &random)
                var records: [JournalRecord] = []
                records.reserveCapacity(size)
                for _ in 0..<size {
                    counter += 1
                    let id = "\(run)-\(index)-\(counter)"
                    let body = Array("{\"stream\":\"\(stream)\",\"n\":\(counter)}".utf8)
                    records.append(JournalRecord(stream: stream, id: id, type: "test", occurredAt: 0, body: body))
                }
                let checkpoints = withCheckpoints ? ["last/\(stream)": Array(records.last!.id.utf8)] : [:]
                do {
                    let outcomes = try journal.append(records, checkpoints: checkpoints)
                    var text = ""
                    for (record, outcome) in zip(records, outcomes) {
                        text += "ok \(stream) \(outcome.seq) \(record.id)\n"
                    }
                    printLock.lock()
                    Output.write(1, text)
                    printLock.unlock()
                } catch {
                    Output.error("append failed: \(error)\n")
                    exit(1)
                }
                appends += 1
            }
        }.start()
    }
    done.wait()
    journal.close()
    return 0
}
