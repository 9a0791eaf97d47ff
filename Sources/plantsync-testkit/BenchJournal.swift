import PlantJournal

/// Appends `count` events in calls of `batch` records from one thread, durability full by default.
let benchJournal = Subcommand(
    name: "bench-journal",
    usage: "--db PATH --batch N --count M [--body-bytes 256] [--durability full|normal] [--reserve BYTES]"
) { arguments in
    let path = try arguments.string("db")
    let batch = try arguments.int("batch")
    let count = try arguments.int("count")
    let body = BenchRows.body(bytes: try arguments.int("body-bytes", default: 256))
    var options = JournalOptions()
    options.durability = arguments.string("durability", default: "full") == "normal" ? .normal : .full
    options.reserve = Int64(try arguments.int("reserve", default: Int(options.reserve)))
    let journal = try Journal.open(path: path, options: options)
    defer { journal.close() }
    let start = monotonicSeconds()
    var number = 0
    while number < count {
        let size = min(batch, count - number)
        var records: [JournalRecord] = []
        records.reserveCapacity(size)
        for _ in 0..<size {
            number += 1
            records.append(
                JournalRecord(
                    stream: BenchRows.stream, id: BenchRows.id(number), type: BenchRows.type,
                    occurredAt: 1_700_000_000_000 + Int64(number), body: body))
        }
        try journal.append(records)
    }
    reportBench("bench-journal", batch: batch, count: count, seconds: monotonicSeconds() - start)
    return 0
}
