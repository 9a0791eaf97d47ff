import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `plantsync hub` or `plantsync agent` run as a user would, that the test can kill (SIGKILL),
/// stop (SIGTERM) and start again. Its log (stderr) is kept across runs for assertions and
/// failure messages.
final class ServiceProcess {
    let name: String
    private let arguments: [String]
    /// A log line that says the service is up.
    private let readyLine: String
    private(set) var child: ChildProcess?
    private var earlierLogs = ""
    private(set) var starts = 0

    /// `plantsync hub --config PATH`: ready at `hub listening`.
    static func hub(config: String) -> ServiceProcess {
        ServiceProcess(name: "hub", arguments: ["hub", "--config", config], readyLine: "msg=\"hub listening\"")
    }

    /// `plantsync agent --config PATH`: ready at its `running` line.
    static func agent(config: String) -> ServiceProcess {
        ServiceProcess(
            name: "agent", arguments: ["agent", "--config", config], readyLine: "component=agent msg=running")
    }

    private init(name: String, arguments: [String], readyLine: String) {
        self.name = name
        self.arguments = arguments
        self.readyLine = readyLine
    }

    deinit { child?.cleanUp() }

    /// Every log line of every run so far.
    var log: String { earlierLogs + (child?.stderrText ?? "") }

    /// The current run's log.
    var currentLog: String { child?.stderrText ?? "" }

    /// Starts a run and waits for its ready line; returns that line.
    @discardableResult
    func start(timeout: Duration = .seconds(30)) throws -> String {
        precondition(child == nil, "\(name) already running")
        let child = try ChildProcess(try Binaries.path("plantsync"), arguments)
        child.closeInput()
        self.child = child
        starts += 1
        return try waitForLog(timeout: timeout) { $0.contains(self.readyLine) }
    }

    /// Waits until a line of the current run satisfies `matches`; fails when the process ends first
    /// or `timeout` passes.
    @discardableResult
    func waitForLog(timeout: Duration, _ matches: (String) -> Bool) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let child else { throw ChildProcess.Failure(description: "\(name) is not running") }
            let text = child.stderrText
            if let line = text.split(separator: "\n").first(where: { matches(String($0)) }) { return String(line) }
            if let exit = try? child.wait(timeout: .zero) {
                throw ChildProcess.Failure(description: "\(name) \(exit) before the expected log line; log:\n\(log)")
            }
            guard ContinuousClock.now < deadline else {
                throw ChildProcess.Failure(
                    description: "\(name): expected log line not seen within \(timeout); log:\n\(log)")
            }
            usleep(20_000)  // polling the log file for a condition, with a deadline
        }
    }

    /// SIGKILL, reaped; the run's log is kept.
    func kill() throws {
        guard let child else { return }
        child.kill(SIGKILL)
        let exit = try child.wait(timeout: .seconds(30))
        finish(child, note: "killed (\(exit))")
    }

    /// SIGTERM and wait for a graceful exit; returns how it ended.
    @discardableResult
    func stop(timeout: Duration = .seconds(30)) throws -> ChildProcess.Exit? {
        guard let child else { return nil }
        child.kill(SIGTERM)
        let exit = try child.wait(timeout: timeout)
        finish(child, note: "stopped (\(exit))")
        return exit
    }

    private func finish(_ child: ChildProcess, note: String) {
        earlierLogs += child.stderrText + "--- \(name) run \(starts) \(note) ---\n"
        child.cleanUp()
        self.child = nil
    }

    /// The port in the hub's `hub listening address=127.0.0.1:PORT` line.
    static func listeningPort(_ line: String) throws -> UInt16 {
        guard let range = line.range(of: "address=127.0.0.1:"),
            let port = UInt16(line[range.upperBound...].prefix(while: \.isNumber))
        else { throw ChildProcess.Failure(description: "no port in \"\(line)\"") }
        return port
    }
}
