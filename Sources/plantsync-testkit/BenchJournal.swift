import Foundation
import PlantJournal

/// Appends `count` events in calls of `batch` records, durability full by default. With
/// `--callers N`, N threads append concurrently (each its own share of ids), showing group commit.
let benchJournal = Subcommand(
    name: "bench-journal",
    usage: "--db PATH --batch N --count M [--callers 1] [--body-bytes 256] [--durability full|normal] "
        + "[--reserve BYTES]"
) { arguments in
    let path = try arguments.string("db")
    let batch = try arguments.int("batch")
    let count = try arguments.int("count")
    let callers = max(1, try arguments.int("callers", default: 1))
    let body = BenchRows.body(bytes: try arguments.int("body-bytes", default: 256))
    var options = JournalOptions()
    options.durability = arguments.string("durability", default: "full") == "normal" ? .normal : .full
    options.reserve = Int64(try arguments.int("reserve", default: Int(options.reserve)))
    let journal = try Journal.open(path: path, options: options)
    defer { journal.close() }

    let failure = NSLock()
    nonisolated(unsafe) var firstError: (any Error)?  // guarded by `failure`
    let done = DispatchGroup()
    let start = monotonicSeconds()
    for caller in 0..<callers {
        // Caller c appends ids c+1, c+1+callers, …: disjoint, and all of 1…count in total.
        done.enter()
        Thread {
            defer { done.leave() }
            var number = caller + 1
            while number <= count {
                var records: [JournalRecord] = []
                records.reserveCapacity(batch)
                while records.count < batch, number <= count {
                    records.append(
                        JournalRecord(
                            stream: BenchRows.stream, id: BenchRows.id(number), type: BenchRows.type,
                            occurredAt: 1_700_000_000_000 + Int64(number), body: body))
                    number += callers
                }
                do {
                    try journal.append(records)
                } catch {
                    failure.lock()
                    firstError = firstError ?? error
                    failure.unlock()
                    return
                }
            }
        }.start()
    }
    done.wait()
    let seconds = monotonicSeconds() - start
    if let firstError { throw firstError }
    reportBench("bench-journal", batch: batch, count: count, seconds: seconds)
    return 0
}
