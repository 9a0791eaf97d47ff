import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real trytond 8.2 for the Tryton tests (PlantHubTests' live tests, IntegrationTests' end-to-end test):
/// installed by Scripts/erp.d/tryton-install into a cached venv, the database prepared by tryton-setup (which
/// also installs and activates the `plantsync` module) and cached; each server runs on a copy of that
/// database, on a free 127.0.0.1 port, and is killed by `stop()` (or when released).
public final class TrytonServer {
    public static let version = "8.2"
    public static let cache =
        ProcessInfo.processInfo.environment["PLANTSYNC_TRYTON_CACHE"]
        ?? "/var/cache/plantsync-tests/tryton-\(version)"
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    /// Draft production orders of the prepared database: reference, product code, planned quantity.
    public static let orders = "WO-4711:FG-100:100,WO-4712:FG-100:50,WO-4713:FG-100:10"
    public static let database = "plantsync"
    public static let user = "admin"

    /// The server's own directory: the database copy, trytond.conf, admin.password, trytond.log.
    public let directory: String
    public let port: Int
    private let process: Process

    /// A started trytond, or nil (with the reason printed, naming `suite`) when Tryton cannot be installed
    /// here (no PyPI). Any other setup failure throws.
    public static func start(for suite: String) throws -> TrytonServer? {
        let venv = cache + "/venv"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let install = try run(repository + "/Scripts/erp.d/tryton-install", [venv])
        if install.status == 2 {
            print(
                "\(suite) skipped: pip cannot install trytond \(version) here "
                    + "(Scripts/erp.d/tryton-install exit 2: no PyPI)")
            return nil
        }
        guard install.status == 0 else {
            throw TrytonServerError("Scripts/erp.d/tryton-install \(venv) exited \(install.status): \(install.stderr)")
        }
        let prepared = cache + "/db"
        let setup = try run(repository + "/Scripts/erp.d/tryton-setup", [venv, prepared, "--orders", orders])
        guard setup.status == 0 else {
            throw TrytonServerError("Scripts/erp.d/tryton-setup exited \(setup.status): \(setup.stderr)")
        }
        return try TrytonServer(venv: venv, prepared: prepared)
    }

    private init(venv: String, prepared: String) throws {
        var template = Array((NSTemporaryDirectory() + "plantsync-tryton-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TrytonServerError("mkdtemp: \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
        for name in ["plantsync.sqlite", "admin.password"] {
            try FileManager.default.copyItem(atPath: "\(prepared)/\(name)", toPath: "\(directory)/\(name)")
        }
        port = try Self.freePort()
        try "[database]\nuri = sqlite://\npath = \(directory)\n[web]\nlisten = 127.0.0.1:\(port)\n"
            .write(toFile: directory + "/trytond.conf", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: venv + "/bin/trytond")
        process.arguments = ["-c", directory + "/trytond.conf", "-d", Self.database]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        _ = FileManager.default.createFile(atPath: directory + "/trytond.log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: directory + "/trytond.log")
        try process.run()
    }

    deinit { stop() }

    /// The admin password file (mode 0600), for a hub.yaml's `password_file`.
    public var passwordFile: String { directory + "/admin.password" }

    public var password: String {
        ((try? String(contentsOfFile: passwordFile, encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What trytond logged so far.
    public var log: String { (try? String(contentsOfFile: directory + "/trytond.log", encoding: .utf8)) ?? "" }

    /// A JSON-RPC client for this server, logged in as admin.
    public func client() -> TrytonRPCClient {
        TrytonRPCClient(port: port, database: Self.database, user: Self.user, password: password)
    }

    /// Waits until trytond answers a login (it takes a second or two to start); throws with its log when
    /// it does not within `timeout` or exits.
    public func waitUntilServing(timeout: Duration = .seconds(60)) throws {
        let deadline = ContinuousClock.now + timeout
        let client = client()
        while true {
            do {
                try client.login()
                return
            } catch {
                guard process.isRunning else {
                    throw TrytonServerError("trytond exited (\(process.terminationStatus)) at start; log:\n\(log)")
                }
                guard ContinuousClock.now < deadline else {
                    throw TrytonServerError("trytond did not answer within \(timeout): \(error); log:\n\(log)")
                }
                usleep(100_000)  // polling a starting server, with a deadline
            }
        }
    }

    /// Kills trytond and removes its directory. Idempotent.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
    }

    /// A port the system has just handed out on 127.0.0.1 (bound and released).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw TrytonServerError("no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct TrytonServerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
