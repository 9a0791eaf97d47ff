#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Wall and CPU time of one benchmark run. On a shared, loaded box the wall rate says what the pipeline
/// did here and now; the CPU rate (items per CPU second) says what it costs, which load does not change.
struct BenchMeasurement {
    /// Which CPU clock: the calling thread's (single-threaded loops) or the whole process's (pipelines
    /// with reader, committer or writer threads).
    enum CPUClock {
        case thread
        case process

        var id: clockid_t { self == .thread ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID }
    }

    var items: Int
    var wallSeconds: Double
    var cpuSeconds: Double

    var rate: Double { wallSeconds > 0 ? Double(items) / wallSeconds : 0 }
    var cpuRate: Double { cpuSeconds > 0 ? Double(items) / cpuSeconds : 0 }

    /// Times `body`, which returns how many items it handled.
    static func run(_ clock: CPUClock, _ body: () throws -> Int) rethrows -> BenchMeasurement {
        let cpuStart = cpuSeconds(clock)
        let wallStart = monotonicSeconds()
        let items = try body()
        let wall = monotonicSeconds() - wallStart
        return BenchMeasurement(items: items, wallSeconds: wall, cpuSeconds: cpuSeconds(clock) - cpuStart)
    }

    /// The run with the best wall rate of `repeats` (the box is shared: the best is the least disturbed).
    static func best(of repeats: Int, _ clock: CPUClock, _ body: () throws -> Int) rethrows -> BenchMeasurement {
        var best: BenchMeasurement?
        for _ in 0..<max(1, repeats) {
            let measured = try run(clock, body)
            if best == nil || measured.rate > best!.rate { best = measured }
        }
        return best!
    }

    static func cpuSeconds(_ clock: CPUClock) -> Double {
        var now = timespec()
        clock_gettime(clock.id, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// One machine-readable line for Scripts/bench:
    /// `result bench=… row=… items=… wall_s=… cpu_s=… per_s=… per_cpu_s=…`.
    func report(bench: String, row: String) {
        Output.line(
            "result bench=\(bench) row=\(row) items=\(items) wall_s=\(Self.fixed(wallSeconds)) "
                + "cpu_s=\(Self.fixed(cpuSeconds)) per_s=\(Int(rate)) per_cpu_s=\(Int(cpuRate))")
    }

    /// `value` with three decimals, without Foundation's formatter.
    static func fixed(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
