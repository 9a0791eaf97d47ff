import Glibc
import PlantNet

// The few file system calls the drop folder needs, through Glibc: blocking, so only ever called from the
// input's own thread. Renames are followed by an fsync of both directories, so an archived file stays
// archived after a power cut.

/// A failed file system call: which, on what, and the system's words.
public struct DropFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32

    public init(operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
}

/// One entry of the watched folder.
public struct DropFileInfo: Sendable, Hashable {
    public var name: String
    public var size: Int64
    /// Modification time in nanoseconds since the epoch.
    public var modified: Int64

    public init(name: String, size: Int64, modified: Int64) {
        self.name = name
        self.size = size
        self.modified = modified
    }
}

enum DropFileSystem {
    /// Regular files directly in `directory` (no subfolders, no hidden files).
    static func list(_ directory: String) throws(DropFileError) -> [DropFileInfo] {
        guard let handle = opendir(directory) else {
            throw DropFileError(operation: "list", path: directory, code: errno)
        }
        defer { closedir(handle) }
        var files: [DropFileInfo] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            guard let info = try? stat(directory + "/" + name), info.isRegular else { continue }
            files.append(DropFileInfo(name: name, size: info.size, modified: info.modified))
        }
        return files.sorted { $0.name < $1.name }
    }

    struct Status {
        var size: Int64
        var modified: Int64
        var isRegular: Bool
    }

    static func stat(_ path: String) throws(DropFileError) -> Status {
        var info = Glibc.stat()
        guard fstatat(AT_FDCWD, path, &info, 0) == 0 else {
            throw DropFileError(operation: "stat", path: path, code: errno)
        }
        return Status(
            size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            isRegular: (info.st_mode & S_IFMT) == S_IFREG)
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Creates `path` (and missing parents) with mode 0750.
    static func makeDirectory(_ path: String) throws(DropFileError) {
        if exists(path) { return }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectory(String(path[..<slash]))
        }
        if mkdir(path, 0o750) != 0 && errno != EEXIST {
            throw DropFileError(operation: "create directory", path: path, code: errno)
        }
    }

    /// Renames `source` to `target` (same file system), then makes both directory entries durable.
    static func move(_ source: String, to target: String) throws(DropFileError) {
        guard rename(source, target) == 0 else { throw DropFileError(operation: "move", path: source, code: errno) }
        try syncDirectory(of: target)
        try syncDirectory(of: source)
    }

    static func remove(_ path: String) throws(DropFileError) {
        if unlink(path) != 0 && errno != ENOENT { throw DropFileError(operation: "remove", path: path, code: errno) }
    }

    static func syncDirectory(of path: String) throws(DropFileError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw DropFileError(operation: "open directory", path: directory, code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw DropFileError(operation: "sync directory", path: directory, code: errno) }
    }

    /// Streaming SHA-256 of the file's contents, lowercase hex, and the size it had.
    static func digest(_ path: String) throws(DropFileError) -> (hex: String, size: Int64) {
        let file = try DropFileReader(path: path)
        let hasher = SHA256Hasher()
        var size: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: DropFileReader.chunkSize)
        while true {
            let count = try file.read(into: &buffer)
            if count == 0 { break }
            size += Int64(count)
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return (Hex.encode(hasher.finalize()), size)
    }
}

/// Sequential reads of one file from a given offset.
final class DropFileReader {
    static let chunkSize = 256 * 1024

    let path: String
    private let fd: Int32

    init(path: String, offset: Int64 = 0) throws(DropFileError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DropFileError(operation: "open", path: path, code: errno) }
        if offset > 0, lseek(fd, off_t(offset), SEEK_SET) < 0 {
            let code = errno
            close(fd)
            throw DropFileError(operation: "seek in", path: path, code: code)
        }
    }

    deinit { close(fd) }

    /// Fills `buffer` from its start; returns how many bytes were read, 0 at the end of the file.
    func read(into buffer: inout [UInt8]) throws(DropFileError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw DropFileError(operation: "read", path: path, code: errno)
        }
    }
}

/// The rejects file of one dropped file: CSV with `line,reason,record`, appended per chunk and synced
/// before the chunk is journaled.
final class RejectsFile {
    let path: String
    private var fd: Int32 = -1
    private(set) var length: Int64 = 0

    init(path: String) {
        self.path = path
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    static let header = Array("line,reason,record\n".utf8)

    /// Opens (creating with the header row) and cuts the file back to `length` bytes; 0 means fresh.
    func open(truncatingTo length: Int64) throws(DropFileError) {
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw DropFileError(operation: "open", path: path, code: errno) }
        guard ftruncate(fd, off_t(length)) == 0 else {
            throw DropFileError(operation: "truncate", path: path, code: errno)
        }
        self.length = length
        guard lseek(fd, off_t(length), SEEK_SET) >= 0 else {
            throw DropFileError(operation: "seek in", path: path, code: errno)
        }
        if length == 0 { try append(Self.header) }
    }

    var isOpen: Bool { fd >= 0 }

    /// One reject row: the line, the reason and the record's bytes, CSV-quoted.
    static func row(line: Int, reason: String, record: [UInt8]) -> [UInt8] {
        var bytes = Array(String(line).utf8)
        bytes.append(UInt8(ascii: ","))
        quote(Array(reason.utf8), into: &bytes)
        bytes.append(UInt8(ascii: ","))
        quote(record, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    private static func quote(_ field: [UInt8], into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in field {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    func append(_ bytes: [UInt8]) throws(DropFileError) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw DropFileError(operation: "write", path: path, code: errno)
            }
            written += count
        }
        length += Int64(bytes.count)
    }

    func sync() throws(DropFileError) {
        guard fsync(fd) == 0 else { throw DropFileError(operation: "sync", path: path, code: errno) }
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}
