import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The short chaos suite (issue 7) inside `swift test`, so it runs in Scripts/test and CI: `Scripts/chaos`
/// with the `plantsync` this build made — a few agent kills, a few hub kills, a fault proxy cutting requests
/// and losing responses, packet loss and a slow link in network namespaces, a full disk (tmpfs), fsync
/// failing (strace) — each end state judged by the independent checker `Scripts/chaos.d/check.py`.
///
/// It needs root (network namespaces, mounts, `strace -p`), as CI and the development box have; elsewhere
/// it is skipped. The full suite: `Scripts/chaos --full` (release build, about 25 minutes).
@Suite(.serialized) struct ChaosShortTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    @Test(.enabled(if: getuid() == 0, "needs root: network namespaces, tmpfs, strace -p"), .timeLimit(.minutes(10)))
    func shortSuitePassesTheChecker() throws {
        let plantsync = try Binaries.path("plantsync")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.repository + "/Scripts/chaos", "--binary", plantsync]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let started = ContinuousClock.now
        try process.run()
        // Read while it runs so a full pipe never blocks the script.
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - started
        let table = text.split(separator: "\n").filter { $0.hasPrefix("|") || $0.hasPrefix("total ") }
        print("ChaosShortTests (\(elapsed)):\n" + table.joined(separator: "\n"))
        #expect(
            process.terminationStatus == 0, "Scripts/chaos exited \(process.terminationStatus):\n\(text.suffix(12_000))"
        )
        // Every scenario of the short suite ran and passed: none skipped, none missing from the table.
        for scenario in ["2 agent SIGKILL", "3 hub SIGKILL", "4 network faults", "5 disk full", "6 fsync failure"] {
            let row = table.first { $0.contains("| \(scenario) ") }
            #expect(row?.contains("| PASS ") == true, "\(scenario): \(row.map(String.init) ?? "no row")")
        }
    }
}
