import Glibc

/// A growable byte buffer with a reader index, for streaming decoders.
///
/// Readable bytes are `storage[readerIndex..<writerIndex]`. Reads from a socket land directly in
/// the writable tail (no intermediate copy); consumed space is reclaimed when the buffer empties
/// or when room is needed.
public struct ByteBuffer: Sendable, Equatable {
    @usableFromInline var storage: [UInt8]
    @usableFromInline var readerIndex: Int
    @usableFromInline var writerIndex: Int

    public init(capacity: Int = 0) {
        storage = [UInt8](unsafeUninitializedCapacity: capacity) { _, initialized in initialized = capacity }
        readerIndex = 0
        writerIndex = 0
    }

    public init(_ bytes: [UInt8]) {
        storage = bytes
        readerIndex = 0
        writerIndex = bytes.count
    }

    public init(_ text: String) {
        self.init(Array(text.utf8))
    }

    @inlinable public var readableBytes: Int { writerIndex - readerIndex }
    @inlinable public var isEmpty: Bool { readerIndex == writerIndex }

    /// A copy of the readable bytes.
    public var readableBytesArray: [UInt8] { Array(storage[readerIndex..<writerIndex]) }

    public static func == (lhs: ByteBuffer, rhs: ByteBuffer) -> Bool {
        lhs.storage[lhs.readerIndex..<lhs.writerIndex] == rhs.storage[rhs.readerIndex..<rhs.writerIndex]
    }

    /// Ensures at least `count` writable bytes after `writerIndex`, compacting or growing.
    @usableFromInline mutating func reserveWritable(_ count: Int) {
        if readerIndex == writerIndex {
            readerIndex = 0
            writerIndex = 0
        }
        if storage.count - writerIndex >= count { return }
        if readerIndex > 0 {
            // Move the live part to the front before growing; amortised by the bytes consumed.
            let live = readableBytes
            storage.withUnsafeMutableBytes { raw in
                let base = raw.baseAddress!
                memmove(base, base + readerIndex, live)
            }
            readerIndex = 0
            writerIndex = live
            if storage.count - writerIndex >= count { return }
        }
        let needed = writerIndex + count
        var newCount = Swift.max(storage.count * 2, 4096)
        while newCount < needed { newCount *= 2 }
        // Grow without zero-filling the new space: it is always written before it is read.
        let live = writerIndex
        let old = storage
        storage = [UInt8](unsafeUninitializedCapacity: newCount) { raw, initialized in
            old.withUnsafeBufferPointer { source in
                if live > 0 { raw.baseAddress!.update(from: source.baseAddress!, count: live) }
            }
            initialized = newCount
        }
    }

    /// Bytes allocated (readable + consumed + writable).
    public var capacity: Int { storage.count }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        reserveWritable(bytes.count)
        storage.withUnsafeMutableBytes { raw in
            (raw.baseAddress! + writerIndex).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
        writerIndex += bytes.count
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    public mutating func append(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { append($0) }
    }

    public mutating func append(_ text: String) {
        append(Array(text.utf8))
    }

    /// Lets `body` write into at least `minimumWritableBytes` of tail space; `body` returns how
    /// many bytes it wrote.
    @discardableResult
    public mutating func writeWithUnsafeMutableBytes(
        minimumWritableBytes: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows -> Int {
        reserveWritable(minimumWritableBytes)
        let start = writerIndex
        let written = try storage.withUnsafeMutableBytes { raw in
            try body(UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
        }
        precondition(written >= 0 && written <= storage.count - start, "wrote outside the buffer")
        writerIndex += written
        return written
    }

    public func withUnsafeReadableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[readerIndex..<writerIndex]))
        }
    }

    /// The byte `offset` bytes past the reader index.
    @inlinable public func byte(at offset: Int) -> UInt8 { storage[readerIndex + offset] }

    public mutating func moveReaderIndex(forwardBy count: Int) {
        precondition(count >= 0 && count <= readableBytes, "consumed more than readable")
        readerIndex += count
        if readerIndex == writerIndex {
            readerIndex = 0
            writerIndex = 0
        }
    }

    /// Removes and returns the next `count` bytes (one copy).
    public mutating func readBytes(_ count: Int) -> [UInt8] {
        let bytes = Array(storage[readerIndex..<(readerIndex + count)])
        moveReaderIndex(forwardBy: count)
        return bytes
    }

    public mutating func clear() {
        readerIndex = 0
        writerIndex = 0
    }
}
