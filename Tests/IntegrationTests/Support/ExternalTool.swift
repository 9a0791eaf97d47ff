import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a system tool (`openssl`, found on PATH) to completion: optional stdin bytes, stdout as
/// bytes, stderr as text, exit status, and a deadline after which the tool is killed.
struct ExternalTool {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let status: Int32
    let stdout: [UInt8]
    let stderr: String

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// The absolute path of `name` on PATH, or a failure naming what is missing.
    static func locate(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Failure(description: "\(name) not found on PATH (\(path)); install it (apt-get install \(name))")
    }

    /// Runs `name arguments…`; throws when it does not finish within `timeout`.
    static func run(
        _ name: String, _ arguments: [String], input: [UInt8] = [], timeout: Duration = .seconds(30)
    ) throws -> ExternalTool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate(name))
        process.arguments = arguments
        let inPipe = Pipe()
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        // Drain both pipes while feeding stdin, so a chatty tool never blocks on a full pipe.
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { outData = outPipe.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = errPipe.fileHandleForReading.readDataToEndOfFile() }
        let writer = inPipe.fileHandleForWriting
        if !input.isEmpty { try? writer.write(contentsOf: Data(input)) }
        try? writer.close()
        if finished.wait(timeout: .now() + Double(timeout.components.seconds)) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
            group.wait()
            throw Failure(description: "\(name) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        group.wait()
        return ExternalTool(
            status: process.terminationStatus, stdout: Array(outData), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Like `run`, but a non-zero exit is a failure carrying the tool's stderr.
    @discardableResult
    static func succeed(_ name: String, _ arguments: [String], input: [UInt8] = []) throws -> ExternalTool {
        let result = try run(name, arguments, input: input)
        guard result.status == 0 else {
            throw Failure(
                description:
                    "\(name) \(arguments.joined(separator: " ")) exited with \(result.status): \(result.stderr)")
        }
        return result
    }
}
