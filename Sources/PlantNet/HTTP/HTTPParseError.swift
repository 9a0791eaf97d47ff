/// Why bytes are not an acceptable HTTP/1.1 message. A closed set: callers switch on it, and
/// a server answers `status` and closes the connection.
public enum HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request line is longer than `HTTPLimits.maxRequestLineBytes`.
    case requestLineTooLong(limit: Int)
    /// Start line plus header fields exceed `HTTPLimits.maxHeadBytes` (trailers count too).
    case headTooLarge(limit: Int)
    case tooManyHeaders(limit: Int)
    /// Content-Length or the chunked body exceeds `HTTPLimits.maxBodyBytes`.
    case bodyTooLarge(limit: Int)
    case malformedRequestLine
    case malformedStatusLine
    case unsupportedVersion(String)
    case invalidHeaderName(String)
    case invalidHeaderValue(name: String)
    /// A header line starting with space or tab (obsolete line folding, RFC 9112 §5.2).
    case obsoleteLineFolding
    /// A line ending in LF without CR. We reject it rather than guess (see HTTPLimits docs).
    case bareLineFeed
    /// A CR not followed by LF.
    case bareCarriageReturn
    case missingHost
    case multipleHost
    case invalidContentLength(String)
    /// Several Content-Length values that differ.
    case conflictingContentLength
    /// Both Content-Length and Transfer-Encoding: the classic request smuggling shape.
    case contentLengthWithTransferEncoding
    /// A transfer coding other than `chunked` (gzip, deflate, ...).
    case unsupportedTransferCoding(String)
    /// `chunked` missing as the final coding, or listed twice.
    case invalidTransferEncoding(String)
    case invalidChunkSize(String)
    case chunkLineTooLong(limit: Int)
    /// Chunk data not followed by CRLF.
    case invalidChunkTerminator
    /// The stream ended inside a message.
    case truncatedMessage

    /// The status a server answers with before closing the connection.
    public var status: Int {
        switch self {
        case .requestLineTooLong: 414
        case .headTooLarge, .tooManyHeaders: 431
        case .bodyTooLarge: 413
        case .unsupportedTransferCoding: 501
        case .unsupportedVersion: 505
        default: 400
        }
    }

    public var description: String {
        switch self {
        case .requestLineTooLong(let limit): "request line longer than \(limit) bytes"
        case .headTooLarge(let limit): "header section larger than \(limit) bytes"
        case .tooManyHeaders(let limit): "more than \(limit) header fields"
        case .bodyTooLarge(let limit): "body larger than \(limit) bytes"
        case .malformedRequestLine: "malformed request line: expected METHOD SP target SP HTTP/1.x"
        case .malformedStatusLine: "malformed status line: expected HTTP/1.x SP 3-digit status SP reason"
        case .unsupportedVersion(let version): "unsupported HTTP version \"\(version)\": expected HTTP/1.0 or HTTP/1.1"
        case .invalidHeaderName(let name): "invalid header field name \"\(name)\""
        case .invalidHeaderValue(let name): "invalid characters in the value of header field \"\(name)\""
        case .obsoleteLineFolding: "obsolete line folding (a header line starting with whitespace) is not accepted"
        case .bareLineFeed: "line ends with LF without CR: lines must end with CRLF"
        case .bareCarriageReturn: "CR not followed by LF"
        case .missingHost: "HTTP/1.1 request without a Host header"
        case .multipleHost: "more than one Host header"
        case .invalidContentLength(let value): "invalid Content-Length \"\(value)\": expected decimal digits"
        case .conflictingContentLength: "several different Content-Length values"
        case .contentLengthWithTransferEncoding: "both Content-Length and Transfer-Encoding present"
        case .unsupportedTransferCoding(let coding):
            "unsupported transfer coding \"\(coding)\": only chunked is implemented"
        case .invalidTransferEncoding(let value):
            "invalid Transfer-Encoding \"\(value)\": chunked must be last and only once"
        case .invalidChunkSize(let line): "invalid chunk size line \"\(line)\""
        case .chunkLineTooLong(let limit): "chunk size line longer than \(limit) bytes"
        case .invalidChunkTerminator: "chunk data not followed by CRLF"
        case .truncatedMessage: "connection ended inside a message"
        }
    }
}

/// Size limits for decoding; every input has one (DESIGN.md, Security).
///
/// Line endings: lines must end with CRLF. A bare LF or a lone CR anywhere in the head, the
/// chunk framing or the trailers is an error (400), not a line end: RFC 9112 allows a recipient
/// to accept bare LF, but intermediaries disagree about it and that disagreement is what request
/// smuggling exploits. Up to `maxLeadingEmptyLines` CRLFs before a request line are skipped.
public struct HTTPLimits: Sendable, Equatable {
    public var maxRequestLineBytes: Int = 8 * 1024
    /// Start line + header fields (+ CRLFs); also bounds chunked trailers.
    public var maxHeadBytes: Int = 32 * 1024
    public var maxHeaderCount: Int = 100
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    public var maxChunkLineBytes: Int = 1024
    public var maxLeadingEmptyLines: Int = 8

    public init(
        maxRequestLineBytes: Int = 8 * 1024, maxHeadBytes: Int = 32 * 1024, maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 16 * 1024 * 1024
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}
