import Foundation
import Glibc
import PlantConfig
import PlantHub
import PlantModel

/// A real trytond 8.2 for the Tryton connector's tests: installed by Scripts/erp.d/tryton-install into a
/// cached venv, with the database prepared once by tryton-setup (+ the plantsync module) and cached by
/// version; each test copies the database and runs its own trytond on a free 127.0.0.1 port.
final class TrytonServer {
    static let version = "8.2"
    static let cache =
        ProcessInfo.processInfo.environment["PLANTSYNC_TRYTON_CACHE"]
        ?? "/var/cache/plantsync-tests/tryton-\(version)"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let orders = "WO-4711:FG-100:100,WO-4712:FG-100:50,WO-4713:FG-100:10"

    let directory: TemporaryDirectory
    let port: Int
    let process: Process

    /// nil (with the reason printed) when Tryton cannot be installed here.
    static func start() throws -> TrytonServer? {
        let venv = cache + "/venv"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let install = try run(repository + "/Scripts/erp.d/tryton-install", [venv])
        if install == 2 {
            print(
                "ERPTrytonLiveTests skipped: pip cannot install trytond \(version) (Scripts/erp.d/tryton-install exit 2)"
            )
            return nil
        }
        guard install == 0 else { throw TrytonServerError("tryton-install exit \(install)") }
        let site = try FileManager.default.contentsOfDirectory(atPath: venv + "/lib").first { $0.hasPrefix("python3") }!
        let module = "\(venv)/lib/\(site)/site-packages/trytond/modules/plantsync"
        // A copy, not a link: the venv is shared by checkouts, the module is this checkout's.
        try? FileManager.default.removeItem(atPath: module)
        try FileManager.default.copyItem(atPath: repository + "/Scripts/erp.d/tryton-module/plantsync", toPath: module)
        let prepared = cache + "/db"
        if !FileManager.default.fileExists(atPath: prepared + "/ready") {
            try? FileManager.default.removeItem(atPath: prepared)
            guard try run(repository + "/Scripts/erp.d/tryton-setup", [venv, prepared, "--orders", orders]) == 0 else {
                throw TrytonServerError("tryton-setup failed")
            }
            setenv("TRYTONPASSFILE", prepared + "/admin.password", 1)
            guard
                try run(
                    venv + "/bin/trytond-admin",
                    [
                        "-c", prepared + "/trytond.conf", "-d", "plantsync",
                        "-u", "plantsync", "--activate-dependencies",
                    ]) == 0
            else { throw TrytonServerError("activating the plantsync module failed") }
            _ = FileManager.default.createFile(atPath: prepared + "/ready", contents: Data())
        }
        return try TrytonServer(venv: venv, prepared: prepared)
    }

    private init(venv: String, prepared: String) throws {
        directory = try TemporaryDirectory()
        for name in ["plantsync.sqlite", "admin.password"] {
            try FileManager.default.copyItem(atPath: "\(prepared)/\(name)", toPath: "\(directory.path)/\(name)")
        }
        port = try Self.freePort()
        try "[database]\nuri = sqlite://\npath = \(directory.path)\n[web]\nlisten = 127.0.0.1:\(port)\n"
            .write(toFile: directory.path + "/trytond.conf", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: venv + "/bin/trytond")
        process.arguments = ["-c", directory.path + "/trytond.conf", "-d", "plantsync"]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        _ = FileManager.default.createFile(atPath: directory.path + "/trytond.log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: directory.path + "/trytond.log")
        try process.run()
    }

    var password: String {
        (try? String(contentsOfFile: directory.path + "/admin.password", encoding: .utf8))!
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        directory.remove()
    }

    func settings(scrap: String? = nil) -> TrytonSettings {
        TrytonSettings(
            url: HTTPURL(scheme: .http, host: "127.0.0.1", port: port, path: ""), allowPlainHTTP: true,
            database: "plantsync", user: "admin", password: SecretFile(path: "/test/tryton.password", value: password),
            plants: [.init(plant: "P100", company: 1, warehouse: "WH")],
            products: ["MAT-200": "RM-200", "04012345678901": "RM-200"],
            locations: ["A-01-02": "A-01", "B-07": "B-07"],
            units: ["PCE": "u", "KG": "kg"], scrapLocation: nil, requestTimeout: .seconds(30))
    }

    private static func run(_ path: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    private static func freePort() throws -> Int {
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
        guard bound else { throw TrytonServerError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct TrytonServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
