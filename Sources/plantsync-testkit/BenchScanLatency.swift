import Foundation
import PlantJournal

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Capture-to-acknowledgement latency at a steady rate, through a real agent: connects to the
/// agent's `scanner_tcp` input (server mode, a receipt station with a fixed to-location, so scan n
/// is event seq n of stream `inventory` in a fresh journal), sends `MAT-n` scans at `--rate` per
/// second for `--seconds`, and watches the journal's `acked_seq` every millisecond from a read-only
/// connection. Latency of scan n = when the journal first showed it acknowledged − when it was
/// written to the socket. That is an upper bound of the hub's 200 reaching the agent: it includes
/// the agent's durable commit of the acknowledgement, and up to 1 ms of polling.
let benchScanLatency = Subcommand(
    name: "bench-scan-latency",
    usage: "--scanner-port P --journal PATH --pid AGENT_PID [--rate 5000] [--seconds 20] [--warmup 2]"
) { arguments in
    let port = try arguments.int("scanner-port")
    let path = try arguments.string("journal")
    let pid = Int32(try arguments.int("pid"))
    let rate = Double(try arguments.int("rate", default: 5_000))
    let seconds = Double(try arguments.int("seconds", default: 20))
    let warmup = Double(try arguments.int("warmup", default: 2))
    let total = Int(rate * seconds)
    var sentAt = [UInt64](repeating: 0, count: total + 1)
    let startingAcked = try ackedSeq(path: path)
    guard startingAcked == 0 else {
        throw LoopbackSockets.Failure(
            description: "the journal must be fresh (inventory acked through \(startingAcked))")
    }
    let watcher = AckWatcher(journal: path, stream: "inventory", expected: total)
    watcher.start(deadline: monotonicSeconds() + seconds + 60)

    // The scanner: due scans written every millisecond, paced from the start, not from the last write.
    let fd = try LoopbackSockets.connect(port: port)
    defer { close(fd) }
    let start = monotonicNanoseconds()
    var sent = 0
    var peakRSS = 0
    var lastRSS = 0
    var sampledAt = 0.0
    while sent < total {
        let elapsed = Double(monotonicNanoseconds() - start) / 1e9
        let due = min(total, Int(elapsed * rate))
        if due > sent {
            var lines = ""
            for number in (sent + 1)...due { lines += "MAT-\(number)\n" }
            let now = monotonicNanoseconds()
            for number in (sent + 1)...due { sentAt[number] = now }
            guard LoopbackSockets.writeAll(fd, Array(lines.utf8)) else {
                throw LoopbackSockets.Failure(description: "the agent closed the scanner connection")
            }
            sent = due
        }
        if elapsed - sampledAt >= 0.5 {
            sampledAt = elapsed
            let memory = residentKilobytes(pid: pid)
            peakRSS = max(peakRSS, memory.now)
            lastRSS = memory.now
        }
        usleep(1_000)
    }
    let ackedAt = watcher.wait()
    let memory = residentKilobytes(pid: pid)

    var latencies: [Double] = []
    var missing = 0
    let first = Int(rate * warmup) + 1
    for number in first...total {
        guard ackedAt[number] != 0 else {
            missing += 1
            continue
        }
        latencies.append(Double(ackedAt[number] &- sentAt[number]) / 1e6)
    }
    latencies.sort()
    Output.line(
        "bench-scan-latency rate=\(Int(rate)) events=\(total) measured=\(latencies.count) missing=\(missing) "
            + "p50_ms=\(String(format: "%.2f", quantile(latencies, 0.5))) "
            + "p99_ms=\(String(format: "%.2f", quantile(latencies, 0.99))) "
            + "p999_ms=\(String(format: "%.2f", quantile(latencies, 0.999))) "
            + "max_ms=\(String(format: "%.2f", latencies.last ?? 0)) agent_rss_kb=\(lastRSS) "
            + "agent_rss_sampled_max_kb=\(peakRSS) agent_hwm_kb=\(memory.peak)")
    return missing == 0 ? 0 : 1
}

private func ackedSeq(path: String) throws -> Int64 {
    let db = try Connection(path: path, mode: .readOnly)
    return try db.withCachedStatement("SELECT acked_seq FROM streams WHERE name = 'inventory'") { statement in
        try statement.step() ? statement.int64(at: 0) : 0
    }
}
