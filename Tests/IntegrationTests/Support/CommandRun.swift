import Foundation

/// Runs a built executable to completion, capturing stdout, stderr and the exit status.
struct CommandRun {
    let status: Int32
    let stdout: String
    let stderr: String

    struct TimedOut: Error, CustomStringConvertible {
        let command: String
        var description: String { "\(command) did not finish in time" }
    }

    /// Runs `plantsync` (or another product) with `arguments`; kills it if it outlives `timeout`.
    static func run(
        _ arguments: [String], product: String = "plantsync", environment: [String: String]? = nil,
        timeout: Duration = .seconds(30)
    ) throws -> CommandRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Binaries.path(product))
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
        nonisolated(unsafe) var stdoutData = Data()
        nonisolated(unsafe) var stderrData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stdoutData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { stderrData = err.fileHandleForReading.readDataToEndOfFile() }
        let seconds = Double(timeout.components.seconds)
        if finished.wait(timeout: .now() + seconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
            throw TimedOut(command: "\(product) \(arguments.joined(separator: " "))")
        }
        group.wait()
        return CommandRun(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
