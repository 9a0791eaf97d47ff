#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where configuration loading reads files: the configuration itself and the files its `*_file`
/// keys name. Injected so decoding is testable without touching the disk.
public protocol ConfigFileReader: Sendable {
    func status(ofPath path: String) throws(ConfigFileFailure) -> ConfigFileStatus
    func contents(ofPath path: String) throws(ConfigFileFailure) -> [UInt8]
}

public struct ConfigFileStatus: Sendable, Hashable {
    public var isRegularFile: Bool
    /// Permission bits, e.g. `0o640`.
    public var permissions: UInt32

    public init(isRegularFile: Bool, permissions: UInt32) {
        self.isRegularFile = isRegularFile
        self.permissions = permissions
    }
}

public enum ConfigFileFailure: Error, Sendable, Hashable {
    case notFound
    /// Any other reason, as the system words it ("Permission denied").
    case failed(String)
}

/// The real file system, through plain POSIX calls.
public struct SystemConfigFiles: ConfigFileReader {
    /// Configuration and secret files are small; anything larger is a mistake (a log, a device).
    public static let maximumFileSize = 4 << 20

    public init() {}

    public func status(ofPath path: String) throws(ConfigFileFailure) -> ConfigFileStatus {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Self.failure(errno) }
        return ConfigFileStatus(
            isRegularFile: (info.st_mode & S_IFMT) == S_IFREG, permissions: UInt32(info.st_mode & 0o7777))
    }

    public func contents(ofPath path: String) throws(ConfigFileFailure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.failure(errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Self.failure(errno)
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            if bytes.count > Self.maximumFileSize {
                throw .failed("larger than \(ByteSize(bytes: Self.maximumFileSize))")
            }
        }
    }

    private static func failure(_ code: Int32) -> ConfigFileFailure {
        if code == ENOENT || code == ENOTDIR { return .notFound }
        return .failed(String(cString: strerror(code)))
    }
}

/// A secret read from a `*_file` key: the file's text without its trailing line break. Its
/// description shows only the path, so logging a configuration never prints the secret.
public struct SecretFile: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let path: String
    public let value: String

    public init(path: String, value: String) {
        self.path = path
        self.value = value
    }

    public var description: String { "secret from \(path)" }
    public var debugDescription: String { description }
}

extension ConfigConversion where Value == SecretFile {
    /// An absolute path to a secret: the file must exist, be a regular file, not be readable or
    /// writable by other users, and hold non-empty UTF-8 text; trailing line breaks are trimmed.
    public static var secretFile: ConfigConversion<SecretFile> {
        ConfigConversion(expecting: "an absolute path") { path, context in
            if let problem = FileChecks.problem(path, kind: "secret file", protected: true, files: context.files) {
                return .failure(problem)
            }
            let bytes: [UInt8]
            do throws(ConfigFileFailure) {
                bytes = try context.files.contents(ofPath: path)
            } catch {
                return .failure(FileChecks.message(error, kind: "secret file", path: path))
            }
            guard var text = String(validating: bytes, as: UTF8.self) else {
                return .failure(ConfigConversionFailure("secret file \(path) is not UTF-8 text"))
            }
            while text.hasSuffix("\n") || text.hasSuffix("\r") || text.hasSuffix("\r\n") { text.removeLast() }
            guard !text.isEmpty else { return .failure(ConfigConversionFailure("secret file \(path) is empty")) }
            return .success(SecretFile(path: path, value: text))
        }
    }
}

extension ConfigConversion where Value == String {
    /// An absolute path to a private file another component reads (a TLS private key): checked like
    /// `secretFile` (exists, regular, not accessible by other users) but not read.
    public static var privateFilePath: ConfigConversion<String> {
        ConfigConversion(expecting: "an absolute path") { path, context in
            if let problem = FileChecks.problem(path, kind: "private key file", protected: true, files: context.files) {
                return .failure(problem)
            }
            return .success(path)
        }
    }

    /// An absolute path to an existing regular file (a certificate, a CA bundle); not read.
    public static var existingFilePath: ConfigConversion<String> {
        ConfigConversion(expecting: "an absolute path") { path, context in
            if let problem = FileChecks.problem(path, kind: "file", protected: false, files: context.files) {
                return .failure(problem)
            }
            return .success(path)
        }
    }
}

enum FileChecks {
    static func problem(
        _ path: String, kind: String, protected: Bool, files: any ConfigFileReader
    ) -> ConfigConversionFailure? {
        guard path.hasPrefix("/") else { return .expected("an absolute path", found: path) }
        let status: ConfigFileStatus
        do {
            status = try files.status(ofPath: path)
        } catch {
            return message(error, kind: kind, path: path)
        }
        guard status.isRegularFile else { return ConfigConversionFailure("\(kind) \(path) is not a regular file") }
        guard protected else { return nil }
        let mode =
            "mode " + String(repeating: "0", count: 4 - String(status.permissions, radix: 8).count)
            + String(status.permissions, radix: 8)
        if status.permissions & 0o004 != 0 {
            return ConfigConversionFailure(
                "\(kind) \(path) is readable by other users (\(mode)); run: chmod o-rwx \(path)")
        }
        if status.permissions & 0o002 != 0 {
            return ConfigConversionFailure(
                "\(kind) \(path) is writable by other users (\(mode)); run: chmod o-rwx \(path)")
        }
        return nil
    }

    static func message(_ failure: ConfigFileFailure, kind: String, path: String) -> ConfigConversionFailure {
        switch failure {
        case .notFound: ConfigConversionFailure("\(kind) \(path) does not exist")
        case .failed(let reason): ConfigConversionFailure("cannot read \(kind) \(path): \(reason)")
        }
    }
}
