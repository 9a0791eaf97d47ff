import Foundation

/// A copy of the agent's state record in `<data_dir>/agent.state`, for when the journal cannot take it.
///
/// The record normally lives in the journal (`agent/state`), but a full disk is exactly when the
/// journal refuses writes and an operator runs `plantsync status`. This file is allocated once, at
/// start, and then only overwritten in place: rewriting allocated blocks needs no free space, so it
/// still works on a full disk. A length and checksum header lets a reader skip a torn write.
final class StateSideFile: Sendable {
    static let capacity = 64 << 10
    private static let headerSize = 8

    let path: String
    private let fd: Int32

    static func path(dataDirectory: String) -> String {
        (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + "agent.state"
    }

    /// Opens and allocates the file; nil when that fails (the journal record still works).
    init?(dataDirectory: String) {
        path = Self.path(dataDirectory: dataDirectory)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return nil }
        guard posix_fallocate(fd, 0, off_t(Self.capacity)) == 0 else {
            close(fd)
            return nil
        }
    }

    deinit { close(fd) }

    /// Overwrites the copy; false when the record is too large or the write failed.
    @discardableResult
    func write(_ record: [UInt8]) -> Bool {
        guard record.count <= Self.capacity - Self.headerSize else { return false }
        var bytes = Self.header(for: record)
        bytes += record
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return written == bytes.count
    }

    /// The last record written, or nil (no file, empty, torn).
    static func read(dataDirectory: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path(dataDirectory: dataDirectory)),
            data.count >= headerSize
        else { return nil }
        let bytes = [UInt8](data)
        let length = Int(UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        guard length > 0, headerSize + length <= bytes.count else { return nil }
        let record = Array(bytes[headerSize..<headerSize + length])
        return header(for: record) == Array(bytes[0..<headerSize]) ? record : nil
    }

    /// Length and FNV-1a checksum, little endian.
    private static func header(for record: [UInt8]) -> [UInt8] {
        var hash: UInt32 = 0x811C_9DC5
        for byte in record { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let length = UInt32(record.count)
        return [length, hash].flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    }
}
