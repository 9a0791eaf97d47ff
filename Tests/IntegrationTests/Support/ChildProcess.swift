import Foundation

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// A child process for integration tests (Linux, posix_spawn): stdin and stdout are pipes, stderr
/// goes to a temporary file (so a chatty child can never block on it). Read stdout line by line
/// with deadlines, send signals, wait with a deadline.
///
/// Cleanup is guaranteed: `ChildProcess.run` kills (SIGKILL) and reaps the child and removes its
/// files when the body returns or throws, and `deinit` does the same for a child created directly.
final class ChildProcess {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// How the child ended.
    enum Exit: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        var description: String {
            switch self {
            case let .exited(code): "exited with status \(code)"
            case let .signaled(signal): "killed by signal \(signal)"
            }
        }
    }

    let pid: pid_t
    let executable: String
    let arguments: [String]
    /// File receiving the child's stderr.
    let stderrPath: String
    private var stdoutFD: Int32
    private var stdinFD: Int32
    private var buffer: [UInt8] = []
    private var sawEOF = false
    private(set) var exit: Exit?

    /// Starts `executable` with `arguments`. `environment` replaces the parent's when given.
    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        self.executable = executable
        self.arguments = arguments
        self.stderrPath = NSTemporaryDirectory() + "child-stderr-" + UUID().uuidString
        // Tests run in parallel: another child spawned between pipe() and FD_CLOEXEC would inherit
        // our pipe ends and keep them open (no EOF ever). One lock around pipe, flag and spawn.
        spawnLock.lock()
        defer { spawnLock.unlock() }
        var stdoutPipe: [Int32] = [-1, -1]
        var stdinPipe: [Int32] = [-1, -1]
        guard pipe(&stdoutPipe) == 0 else { throw Failure(description: "pipe: \(errnoText())") }
        guard pipe(&stdinPipe) == 0 else {
            close(stdoutPipe[0])
            close(stdoutPipe[1])
            throw Failure(description: "pipe: \(errnoText())")
        }
        for fd in stdoutPipe + stdinPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        defer {
            close(stdoutPipe[1])
            close(stdinPipe[0])
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envStrings = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        let envp = envStrings.map { $0.map { strdup($0) } + [nil] }
        defer { envp?.forEach { free($0) } }

        var pid: pid_t = 0
        let rc: Int32
        if let envp {
            rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        } else {
            rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        }
        guard rc == 0 else {
            close(stdoutPipe[0])
            close(stdinPipe[1])
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        self.stdoutFD = stdoutPipe[0]
        self.stdinFD = stdinPipe[1]
    }

    deinit { cleanUp() }

    /// Starts a child, runs `body`, and always kills, reaps and cleans up after it.
    static func run<T>(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        _ body: (ChildProcess) throws -> T
    ) throws -> T {
        let child = try ChildProcess(executable, arguments, environment: environment)
        defer { child.cleanUp() }
        return try body(child)
    }

    // MARK: Output

    /// The next complete stdout line (without its newline), or nil at end of output. A last line
    /// cut short by the child's death is not returned (see `unterminatedTail`).
    /// Throws when no line arrives before `timeout`.
    func readLine(timeout: Duration) throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            if sawEOF { return nil }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw Failure(description: "no line from \(name) within \(timeout); stderr: \(stderrText)")
            }
            var poller = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: remaining.components.seconds * 1_000 + 1)
            let ready = poll(&poller, 1, min(milliseconds, 1_000))
            if ready < 0, errno != EINTR { throw Failure(description: "poll: \(errnoText())") }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failure(description: "read: \(errnoText())")
            }
            if count == 0 {
                sawEOF = true
            } else {
                buffer.append(contentsOf: chunk[..<count])
            }
        }
    }

    /// Reads lines until one satisfies `matches`, returning it; lines before it are handed to
    /// `skipped`. Throws at end of output or when `timeout` passes.
    @discardableResult
    func waitForLine(timeout: Duration, skipped: (String) -> Void = { _ in }, _ matches: (String) -> Bool)
        throws -> String
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let line = try readLine(timeout: deadline - ContinuousClock.now) else {
                throw Failure(description: "\(name) ended output before the expected line; stderr: \(stderrText)")
            }
            if matches(line) { return line }
            skipped(line)
        }
    }

    /// Bytes after the last newline once output ended (a line the child did not finish).
    var unterminatedTail: String { sawEOF ? String(decoding: buffer, as: UTF8.self) : "" }

    /// What the child wrote to stderr so far.
    var stderrText: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    // MARK: Input

    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(stdinFD, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "write to \(name): \(errnoText())")
                }
                offset += written
            }
        }
    }

    func closeInput() {
        if stdinFD >= 0 { close(stdinFD) }
        stdinFD = -1
    }

    // MARK: Ending

    /// Sends `signal` (SIGKILL by default) unless the child was already reaped.
    func kill(_ signal: Int32 = SIGKILL) {
        if exit == nil { _ = Glibc.kill(pid, signal) }
    }

    /// Waits for the child to end (reaping it). Throws when it is still running after `timeout`.
    @discardableResult
    func wait(timeout: Duration) throws -> Exit {
        if let exit { return exit }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let exit = try reap(blocking: false) { return exit }
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "\(name) still running after \(timeout)")
            }
            usleep(2_000)  // polling waitpid with a deadline; no child-exit notification to wait on
        }
    }

    /// Kills, reaps and closes everything. Idempotent.
    func cleanUp() {
        if exit == nil {
            _ = Glibc.kill(pid, SIGKILL)
            _ = try? reap(blocking: true)
        }
        if stdoutFD >= 0 { close(stdoutFD) }
        stdoutFD = -1
        closeInput()
        unlink(stderrPath)
    }

    private func reap(blocking: Bool) throws -> Exit? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == 0 { return nil }
            if result < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "waitpid \(pid): \(errnoText())")
            }
            break
        }
        // WIFEXITED / WTERMSIG are macros Swift cannot import.
        let ended: Exit = (status & 0x7F) == 0 ? .exited((status >> 8) & 0xFF) : .signaled(status & 0x7F)
        exit = ended
        return ended
    }

    private var name: String { "\(URL(fileURLWithPath: executable).lastPathComponent) (pid \(pid))" }
}

private let spawnLock = NSLock()

private func errnoText() -> String { String(cString: strerror(errno)) }
