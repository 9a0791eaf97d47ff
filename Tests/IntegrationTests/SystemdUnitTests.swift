import Foundation
import Testing

/// The shipped systemd units stay hardened: `systemd-analyze security --offline=yes` rates each at an
/// exposure of 2.5 or less. Skipped where systemd-analyze is not installed.
@Suite struct SystemdUnitTests {
    static let units = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Packaging/systemd").path
    static let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(
        .enabled(if: analyze != nil, "systemd-analyze is not installed"),
        arguments: ["plantsync-agent.service", "plantsync-hub.service"])
    func exposureIsAtMostTwoPointFive(unit: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.analyze))
        process.arguments = ["security", "--offline=yes", "--no-pager", Self.units + "/" + unit]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // "→ Overall exposure level for plantsync-agent.service: 1.7 OK"
        let line = try #require(text.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(text)")
        let figure = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) })
        #expect(figure <= 2.5, "\(line)")
    }
}
