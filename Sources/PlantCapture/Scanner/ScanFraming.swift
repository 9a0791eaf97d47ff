// Scanner bytes -> one frame per scan. Pure and streaming: feed any split of the byte stream and the
// frames come out the same. A bad frame is returned as a rejection (with its raw bytes) and decoding goes on,
// so one burst of line noise never stops the input.

/// How a scanner ends and wraps each scan.
public struct ScanFramingConfiguration: Sendable, Hashable {
    /// The byte sequence that ends a scan.
    public enum Terminator: String, Sendable, Hashable, CaseIterable {
        case cr, lf, crlf
        /// CR, LF or CRLF, whichever arrives (CRLF counts once).
        case any
    }

    public static let defaultMaxLength = 65_536

    public var terminator: Terminator
    /// Bytes the scanner sends before each scan (e.g. STX); removed when present.
    public var prefix: [UInt8]
    /// Bytes the scanner sends after each scan, before the terminator (e.g. ETX); removed when present.
    public var suffix: [UInt8]
    /// Longest frame (bytes between terminators, prefix and suffix included) accepted.
    public var maxLength: Int

    public init(
        terminator: Terminator = .any, prefix: [UInt8] = [], suffix: [UInt8] = [],
        maxLength: Int = ScanFramingConfiguration.defaultMaxLength
    ) {
        self.terminator = terminator
        self.prefix = prefix
        self.suffix = suffix
        self.maxLength = maxLength
    }

    /// Every problem with these settings (empty when valid), checked without I/O.
    public func problems() -> [String] {
        var problems: [String] = []
        if !(1...16_777_216).contains(maxLength) {
            problems.append("max length: expected 1 to 16777216 bytes, found \(maxLength)")
        }
        for (name, bytes) in [("prefix", prefix), ("suffix", suffix)]
        where bytes.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
            problems.append("\(name): must not contain CR or LF, which end a scan")
        }
        if prefix.count + suffix.count >= maxLength {
            problems.append(
                "prefix and suffix: together \(prefix.count + suffix.count) bytes, expected fewer than "
                    + "the max length \(maxLength)")
        }
        return problems
    }
}

/// One scan as framed: the payload with terminator, prefix and suffix removed.
public struct FramedScan: Sendable, Hashable {
    /// What ended the frame.
    public enum Ending: Sendable, Hashable {
        case terminator
        /// No terminator came and the line went quiet (`ScanFrameDecoder.idleElapsed()`).
        case idle
        /// The stream ended (`decodeLast`), e.g. the device went away.
        case endOfStream
    }

    /// The payload bytes (valid UTF-8).
    public let bytes: [UInt8]
    public let text: String
    public let ending: Ending

    public init(bytes: [UInt8], ending: Ending) {
        self.bytes = bytes
        self.text = String(decoding: bytes, as: UTF8.self)
        self.ending = ending
    }
}

/// A frame that is not a usable scan. `raw` keeps its bytes for the dead-letter record (for an overlong
/// frame only its first 64 bytes).
public struct RejectedScan: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// More than `limit` bytes without a terminator; the rest up to the next terminator was discarded.
        case tooLong(limit: Int)
        /// Not UTF-8 from the 1-based byte `position` of the frame on.
        case invalidUTF8(position: Int)
        /// A control byte other than HT, EOT, FS, GS or RS at the 1-based byte `position` of the frame.
        case controlCharacter(byte: UInt8, position: Int)
    }

    public let reason: Reason
    public let raw: [UInt8]

    public init(reason: Reason, raw: [UInt8]) {
        self.reason = reason
        self.raw = raw
    }

    public var message: String {
        switch reason {
        case .tooLong(let limit):
            return "scan longer than \(limit) bytes without a terminator: discarded up to the next terminator "
                + "(check the scanner's terminator setting)"
        case .invalidUTF8(let position):
            return "scan is not valid UTF-8 at byte \(position) (0x\(Self.hex(raw[position - 1]))): binary noise "
                + "or a scanner code page other than UTF-8/ASCII"
        case .controlCharacter(let byte, let position):
            let hint =
                byte == 0x0D || byte == 0x0A
                ? "the scanner's terminator differs from the configured one"
                : "binary noise on the line"
            return "scan holds control byte 0x\(Self.hex(byte)) at byte \(position): \(hint)"
        }
    }

    public var description: String { message }

    private static func hex(_ byte: UInt8) -> String {
        (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }
}

/// What the decoder hands out: a scan, or a rejected frame.
public enum ScanFrame: Sendable, Hashable {
    case scan(FramedScan)
    case rejected(RejectedScan)
}

/// Streaming decoder of scanner bytes into frames. Not thread-safe; one per input.
public struct ScanFrameDecoder: Sendable {
    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A
    private static let keptOfOverlong = 64

    public let configuration: ScanFramingConfiguration
    private var frame: [UInt8] = []
    /// After an overlong frame was reported: dropping bytes until the next terminator.
    private var discarding = false
    /// `.crlf`: a CR arrived; the next byte decides whether it was the terminator.
    private var pendingCR = false

    public init(configuration: ScanFramingConfiguration) {
        self.configuration = configuration
    }

    /// Bytes are held that an idle flush or end of stream would turn into a frame or resync.
    public var hasPendingData: Bool { !frame.isEmpty || pendingCR || discarding }

    /// Consumes bytes from the front of `bytes` until one frame is complete and returns it; nil when all bytes
    /// are consumed and no frame is complete yet. Call again until nil.
    public mutating func decode(_ bytes: inout ArraySlice<UInt8>) -> ScanFrame? {
        while let byte = bytes.popFirst() {
            if let frame = consume(byte) { return frame }
        }
        return nil
    }

    /// As `decode`, then at the end of the stream the unterminated rest becomes a frame. Call until nil.
    public mutating func decodeLast(_ bytes: inout ArraySlice<UInt8>) -> ScanFrame? {
        if let frame = decode(&bytes) { return frame }
        return flush(.endOfStream)
    }

    /// The line has been quiet for the configured idle time: a pending unterminated frame is complete (for
    /// scanners that send no terminator), and an overlong frame being discarded ends (resync).
    public mutating func idleElapsed() -> ScanFrame? { flush(.idle) }

    private mutating func consume(_ byte: UInt8) -> ScanFrame? {
        switch configuration.terminator {
        case .cr:
            return byte == Self.cr ? endFrame(.terminator) : append(byte)
        case .lf:
            return byte == Self.lf ? endFrame(.terminator) : append(byte)
        case .any:
            // The LF of a CRLF ends an empty frame, and empty frames are skipped: CRLF counts once.
            return byte == Self.cr || byte == Self.lf ? endFrame(.terminator) : append(byte)
        case .crlf:
            if pendingCR {
                pendingCR = false
                if byte == Self.lf { return endFrame(.terminator) }
                let rejected = append(Self.cr)  // a lone CR is data
                if byte == Self.cr {
                    pendingCR = true
                    return rejected
                }
                // Once `append` reports an overlong frame it discards, so at most one of these is a frame.
                let next = append(byte)
                return rejected ?? next
            }
            if byte == Self.cr {
                pendingCR = true
                return nil
            }
            return append(byte)
        }
    }

    private mutating func append(_ byte: UInt8) -> ScanFrame? {
        if discarding { return nil }
        if frame.count == configuration.maxLength {
            let head = Array(frame.prefix(Self.keptOfOverlong))
            frame.removeAll(keepingCapacity: false)
            discarding = true
            return .rejected(RejectedScan(reason: .tooLong(limit: configuration.maxLength), raw: head))
        }
        frame.append(byte)
        return nil
    }

    private mutating func endFrame(_ ending: FramedScan.Ending) -> ScanFrame? {
        if discarding {
            discarding = false
            return nil
        }
        let raw = frame
        frame.removeAll(keepingCapacity: true)
        return Self.finish(raw, ending: ending, configuration: configuration)
    }

    private mutating func flush(_ ending: FramedScan.Ending) -> ScanFrame? {
        pendingCR = false  // a CR alone at the end: the scanner sends CR only; it was the terminator
        if discarding {
            discarding = false
            frame.removeAll(keepingCapacity: false)
            return nil
        }
        return endFrame(ending)
    }

    /// Strips prefix and suffix and checks the payload. Empty frames (blank lines, prefix + suffix only) are
    /// not scans and yield nil.
    private static func finish(
        _ raw: [UInt8], ending: FramedScan.Ending, configuration: ScanFramingConfiguration
    ) -> ScanFrame? {
        var start = 0
        var end = raw.count
        if !configuration.prefix.isEmpty, raw.starts(with: configuration.prefix) { start = configuration.prefix.count }
        if !configuration.suffix.isEmpty, end - start >= configuration.suffix.count,
            raw[(end - configuration.suffix.count)..<end].elementsEqual(configuration.suffix)
        {
            end -= configuration.suffix.count
        }
        guard start < end else { return nil }
        let payload = raw[start..<end]
        if let reason = problem(in: payload) { return .rejected(RejectedScan(reason: reason, raw: raw)) }
        return .scan(FramedScan(bytes: Array(payload), ending: ending))
    }

    /// The first invalid UTF-8 sequence or disallowed control byte; positions count from the frame's start.
    private static func problem(in payload: ArraySlice<UInt8>) -> RejectedScan.Reason? {
        var iterator = payload.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var index = payload.startIndex
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1, let byte = encoded.first, isDisallowedControl(byte) {
                    return .controlCharacter(byte: byte, position: index + 1)
                }
                index += encoded.count
            case .error:
                return .invalidUTF8(position: index + 1)
            case .emptyInput:
                return nil
            }
        }
    }

    private static func isDisallowedControl(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x04, 0x09, 0x1C, 0x1D, 0x1E: return false  // EOT, HT, FS, GS, RS: used by GS1 and ISO/IEC 15434
        case 0x00...0x1F, 0x7F: return true
        default: return false
        }
    }
}
