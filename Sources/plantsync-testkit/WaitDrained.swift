import Foundation
import PlantJournal

/// For the drain benchmark: polls an agent's journal (read-only, every 20 ms) until `--count`
/// events are acknowledged in all, then prints when the last acknowledgement was recorded
/// (`acked_at`, ms since the Unix epoch, from the journal itself, so the polling interval does not
/// blur it), the agent's peak and current resident memory, and the CPU time agent and hub used.
let waitDrained = Subcommand(
    name: "wait-drained", usage: "--journal PATH --count N --pid AGENT_PID [--hub-pid PID] [--timeout-s 600]"
) { arguments in
    let path = try arguments.string("journal")
    let count = Int64(try arguments.int("count"))
    let pid = Int32(try arguments.int("pid"))
    let hubPID = Int32(try arguments.int("hub-pid", default: 0))
    let deadline = monotonicSeconds() + Double(try arguments.int("timeout-s", default: 600))
    var reader: JournalStatusReader?
    var peakDuring = 0
    while true {
        reader = try reader ?? JournalStatusReader(path: path)
        let streams = try reader!.backlog()
        peakDuring = max(peakDuring, residentKilobytes(pid: pid).now)
        let acked = streams.reduce(0) { $0 + $1.acknowledgedSeq }
        if acked >= count {
            let memory = residentKilobytes(pid: pid)
            let last = streams.compactMap(\.acknowledgedAt).max() ?? 0
            Output.line(
                "wait-drained acked=\(acked) last_acked_at_ms=\(last) agent_hwm_kb=\(memory.peak) "
                    + "agent_rss_kb=\(memory.now) agent_rss_sampled_max_kb=\(peakDuring) "
                    + "agent_cpu_s=\(String(format: "%.2f", cpuSeconds(pid: pid))) "
                    + "hub_cpu_s=\(String(format: "%.2f", hubPID > 0 ? cpuSeconds(pid: hubPID) : 0)) "
                    + "hub_hwm_kb=\(hubPID > 0 ? residentKilobytes(pid: hubPID).peak : 0)")
            return 0
        }
        guard monotonicSeconds() < deadline else {
            Output.line("wait-drained timeout acked=\(acked) of \(count)")
            return 1
        }
        usleep(20_000)
    }
}
