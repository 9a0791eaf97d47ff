import Foundation

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// `VmHWM` and `VmRSS` (kB) of process `pid`, from /proc/<pid>/status; 0 when unreadable.
func residentKilobytes(pid: Int32) -> (peak: Int, now: Int) {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
    var peak = 0
    var now = 0
    for line in text.split(separator: "\n") {
        let value = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        if line.hasPrefix("VmHWM:") { peak = value }
        if line.hasPrefix("VmRSS:") { now = value }
    }
    return (peak, now)
}

/// CPU time (user + system, seconds) process `pid` used so far, from /proc/<pid>/stat; 0 when unreadable.
func cpuSeconds(pid: Int32) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
    else { return 0 }
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
