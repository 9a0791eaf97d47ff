import Foundation

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Capture-to-acknowledgement latency at a steady rate through a real agent's `file_drop` input
/// (inventory receipts; columns `time,item,qty`): every `rows / rate` seconds a CSV of `--rows`
/// rows (`D-n`) is written to `--staging` and renamed into `--folder`, paced from the start. The
/// agent journals and forwards; `AckWatcher` sees each seq acknowledged in the journal. Latency of
/// row n = when its seq was first seen acknowledged − when its file was renamed in. An upper bound
/// of the hub's 200 reaching the agent: it includes the agent's durable commit of the
/// acknowledgement and up to 1 ms of polling.
let benchDropLatency = Subcommand(
    name: "bench-drop-latency",
    usage: "--folder DIR --staging DIR --journal PATH --pid AGENT_PID [--rate 5000] [--seconds 20] [--rows 100] "
        + "[--warmup 2]"
) { arguments in
    let folder = try arguments.string("folder")
    let staging = try arguments.string("staging")
    let journal = try arguments.string("journal")
    let pid = Int32(try arguments.int("pid"))
    let rate = Double(try arguments.int("rate", default: 5_000))
    let seconds = Double(try arguments.int("seconds", default: 20))
    let rows = try arguments.int("rows", default: 100)
    let warmup = Double(try arguments.int("warmup", default: 2))
    let files = Int(rate * seconds) / rows
    let total = files * rows
    let interval = Double(rows) / rate

    let watcher = AckWatcher(journal: journal, stream: "inventory", expected: total)
    watcher.start(deadline: monotonicSeconds() + seconds + 120)
    var renamedAt = [UInt64](repeating: 0, count: files)
    var lastRSS = 0
    var peakRSS = 0
    var sampledAt = 0.0
    let start = monotonicSeconds()
    for file in 0..<files {
        while monotonicSeconds() < start + Double(file) * interval { usleep(200) }
        var text = "time,item,qty\n"
        for row in 1...rows { text += "2026-11-22T14:00:00Z,D-\(file * rows + row),1\n" }
        let name = String(format: "d-%07d.csv", file)
        try text.write(toFile: staging + "/" + name, atomically: false, encoding: .utf8)
        guard rename(staging + "/" + name, folder + "/" + name) == 0 else {
            throw LoopbackSockets.Failure(description: "rename into \(folder): \(errnoText())")
        }
        renamedAt[file] = monotonicNanoseconds()
        let elapsed = monotonicSeconds() - start
        if elapsed - sampledAt >= 0.5 {
            sampledAt = elapsed
            lastRSS = residentKilobytes(pid: pid).now
            peakRSS = max(peakRSS, lastRSS)
        }
    }
    let sendSeconds = monotonicSeconds() - start
    let ackedAt = watcher.wait()
    let numbers = try AckWatcher.numbers(journal: journal, stream: "inventory", key: "item", prefix: "D-")

    var latencies: [Double] = []
    var missing = 0
    let firstMeasured = Int(rate * warmup)
    for (seq, number) in numbers where number > firstMeasured && number <= total && seq <= total {
        guard ackedAt[seq] != 0 else {
            missing += 1
            continue
        }
        latencies.append(Double(ackedAt[seq] &- renamedAt[(number - 1) / rows]) / 1e6)
    }
    missing += max(0, (total - firstMeasured) - numbers.count { $0.value > firstMeasured && $0.value <= total })
    latencies.sort()
    let memory = residentKilobytes(pid: pid)
    Output.line(
        "bench-drop-latency rate=\(Int(rate)) rows_per_file=\(rows) events=\(total) "
            + "send_seconds=\(String(format: "%.2f", sendSeconds)) measured=\(latencies.count) missing=\(missing) "
            + "p50_ms=\(String(format: "%.2f", quantile(latencies, 0.5))) "
            + "p99_ms=\(String(format: "%.2f", quantile(latencies, 0.99))) "
            + "p999_ms=\(String(format: "%.2f", quantile(latencies, 0.999))) "
            + "max_ms=\(String(format: "%.2f", latencies.last ?? 0)) agent_rss_kb=\(lastRSS) "
            + "agent_rss_sampled_max_kb=\(peakRSS) agent_hwm_kb=\(memory.peak)")
    return missing == 0 ? 0 : 1
}
