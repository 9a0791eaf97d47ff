/// A connected, bidirectional byte stream: plain TCP or TLS. HTTP code is written against this
/// so it does not care which transport it runs on.
///
/// Streams block the calling thread (use dedicated threads, never the cooperative pool) and are
/// used from one thread at a time. Timeouts and the optional `stop` signal bound every wait.
public protocol ByteStream: AnyObject {
    /// The remote address, `host:port`.
    var peer: String { get }
    /// Longest wait for any progress in `read`; `nil` = forever.
    var readTimeout: Duration? { get set }
    /// Longest wait for any progress in `write`; `nil` = forever.
    var writeTimeout: Duration? { get set }
    /// When fired, pending and future I/O waits end with `SocketError` code `ECANCELED`.
    var stop: StopSignal? { get set }

    /// Reads at most `buffer.count` bytes; returns 0 at a clean end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Writes all bytes or throws.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Waits until input is available (without consuming it), the timeout passes or `signal` fires.
    /// Used for idle keep-alive waits that a server stop must be able to end at once.
    func waitForInput(timeout: Duration?, unless signal: StopSignal?) throws -> SocketWait
    /// Closes the stream (TLS: sends close_notify first). Idempotent.
    func close()
    /// Half-closes, discards what the peer still sends until it closes or `timeout` passes, then
    /// closes: a response written just before is then not destroyed by a TCP reset (closing a
    /// socket with unread input resets the connection).
    func closeLingering(timeout: Duration)
}

extension ByteStream {
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Reads into the writable tail of `buffer`; returns the byte count (0 = end of stream).
    @discardableResult
    public func read(into buffer: inout ByteBuffer, atMost: Int = 64 * 1024) throws -> Int {
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: atMost) { try read(into: $0) }
    }
}
