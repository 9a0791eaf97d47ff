// Bytes -> lines. Pure and streaming: any split of the byte stream gives the same frames. An overlong
// line is reported once, as soon as it passes the limit, and the rest of it is skipped up to the next
// newline, so a feed that sends megabytes of noise without a newline costs one report and no memory.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits a byte stream into lines ended by LF (a CR before the LF is removed). Blank lines are skipped.
///
/// Use it the STYLE way: `while let frame = framer.decode(&input) { … }` for every chunk read, then
/// `decodeLast()` when the stream ends.
public struct LineFramer: Sendable {
    /// What came out of the stream.
    public enum Frame: Sendable, Hashable {
        /// A complete line, without its terminator; never empty.
        case line([UInt8])
        /// A line longer than `maxLineBytes`: its first `min(excerptBytes, maxLineBytes)` bytes, for the
        /// quarantine record (the same however the stream was split). The rest of the line, up to the next
        /// newline, is dropped.
        case overlong(excerpt: [UInt8])
        /// The stream ended inside a line: the bytes received of it (the line is dropped).
        case truncated([UInt8])
    }

    /// How much of an overlong line is kept as its excerpt.
    public static let excerptBytes = 256

    /// Longest line accepted, terminator not counted.
    public let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var discarding = false
    /// Newlines seen so far.
    private var newlines = 0
    /// The 1-based line of the stream the last frame came from (blank lines counted).
    public private(set) var lineNumber = 0

    public init(maxLineBytes: Int) {
        precondition(maxLineBytes > 0, "maxLineBytes must be positive")
        self.maxLineBytes = maxLineBytes
    }

    /// True while a line has started but not ended (including an overlong line being skipped).
    public var hasPartialLine: Bool { !pending.isEmpty || discarding }

    /// The next frame from `input` (consuming the bytes it used), or nil when `input` is used up and
    /// more bytes are needed. Bytes of an unfinished line are kept for the next call.
    public mutating func decode(_ input: inout ArraySlice<UInt8>) -> Frame? {
        while !input.isEmpty {
            let newline = Self.firstNewline(in: input)
            if discarding {
                guard let newline else {
                    input = input[input.endIndex...]
                    return nil
                }
                input = input[(newline + 1)...]
                newlines += 1
                discarding = false
                continue
            }
            guard let newline else {
                pending.append(contentsOf: input)
                input = input[input.endIndex...]
                // One byte of slack: a CR at the very end may be the first half of CR LF.
                if pending.count > maxLineBytes + 1 || (pending.count == maxLineBytes + 1 && pending.last != 0x0D) {
                    return overlong()
                }
                return nil
            }
            var line: [UInt8]
            if pending.isEmpty {
                line = Array(input[input.startIndex..<newline])
            } else {
                line = pending
                line.append(contentsOf: input[input.startIndex..<newline])
                pending.removeAll(keepingCapacity: pending.capacity <= 4096)
            }
            input = input[(newline + 1)...]
            newlines += 1
            if line.last == 0x0D { line.removeLast() }
            if line.isEmpty { continue }
            lineNumber = newlines
            if line.count > maxLineBytes {
                return .overlong(excerpt: Array(line.prefix(excerptLength)))
            }
            return .line(line)
        }
        return nil
    }

    /// At the end of the stream: the unfinished line, if any, as `.truncated`; then nil. An overlong line
    /// being skipped was reported already and gives nothing more.
    public mutating func decodeLast() -> Frame? {
        var rest = pending
        let wasDiscarding = discarding
        pending = []
        discarding = false
        if rest.last == 0x0D { rest.removeLast() }
        guard !wasDiscarding, !rest.isEmpty else { return nil }
        newlines += 1
        lineNumber = newlines
        return .truncated(rest)
    }

    private var excerptLength: Int { min(Self.excerptBytes, maxLineBytes) }

    private mutating func overlong() -> Frame {
        let excerpt = Array(pending.prefix(excerptLength))
        pending = []
        discarding = true
        lineNumber = newlines + 1
        return .overlong(excerpt: excerpt)
    }

    /// memchr: the hot loop of every feed.
    private static func firstNewline(in input: ArraySlice<UInt8>) -> Int? {
        input.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress, let found = memchr(base, 0x0A, raw.count) else { return nil }
            return input.startIndex + (UnsafeRawPointer(found) - base)
        }
    }
}
