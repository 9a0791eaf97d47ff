/// Writes requests and responses as HTTP/1.1 bytes. Framing headers are ours: any
/// Content-Length / Transfer-Encoding the caller set is replaced by the body's real length, so
/// a handler can never produce a message two parsers would frame differently. Header names and
/// values are validated (no CR/LF injection) and a bad one throws `HTTPParseError`.
public struct HTTPRequestEncoder: Sendable {
    public init() {}

    /// Request line, headers and Content-Length (omitted for an empty GET/HEAD/DELETE/OPTIONS).
    public func encodeHead(_ request: HTTPRequest, into out: inout [UInt8]) throws {
        guard request.method.utf8.allSatisfy(HTTPBytes.isToken), !request.method.isEmpty,
            !request.target.isEmpty, request.target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw HTTPParseError.malformedRequestLine }
        out.append(contentsOf: request.method.utf8)
        out.append(0x20)
        out.append(contentsOf: request.target.utf8)
        out.append(contentsOf: " \(request.version)\r\n".utf8)
        try HTTPFieldWriter.write(request.headers, into: &out)
        let bodiless = ["GET", "HEAD", "DELETE", "OPTIONS"].contains(request.method)
        if !(request.body.isEmpty && bodiless) { HTTPFieldWriter.writeContentLength(request.body.count, into: &out) }
        out.append(contentsOf: [HTTPBytes.cr, HTTPBytes.lf])
    }

    public func encode(_ request: HTTPRequest, into out: inout [UInt8]) throws {
        try encodeHead(request, into: &out)
        out.append(contentsOf: request.body)
    }
}

public struct HTTPResponseEncoder: Sendable {
    public init() {}

    /// Status line, headers and Content-Length (none for 1xx, 204, 304).
    public func encodeHead(_ response: HTTPResponse, into out: inout [UInt8]) throws {
        guard (100...999).contains(response.status), response.reason.utf8.allSatisfy(HTTPBytes.isFieldValue) else {
            throw HTTPParseError.malformedStatusLine
        }
        out.append(contentsOf: "\(response.version) \(response.status) \(response.reason)\r\n".utf8)
        try HTTPFieldWriter.write(response.headers, into: &out)
        if response.status >= 200 && response.status != 204 && response.status != 304 {
            HTTPFieldWriter.writeContentLength(response.body.count, into: &out)
        }
        out.append(contentsOf: [HTTPBytes.cr, HTTPBytes.lf])
    }

    public func encode(_ response: HTTPResponse, into out: inout [UInt8]) throws {
        try encodeHead(response, into: &out)
        out.append(contentsOf: response.body)
    }
}

enum HTTPFieldWriter {
    static func write(_ headers: HTTPHeaders, into out: inout [UInt8]) throws {
        for field in headers {
            if HTTPHeaders.namesEqual(field.name, "Content-Length")
                || HTTPHeaders.namesEqual(field.name, "Transfer-Encoding")
            {
                continue
            }
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(HTTPBytes.isToken) else {
                throw HTTPParseError.invalidHeaderName(field.name)
            }
            guard field.value.utf8.allSatisfy(HTTPBytes.isFieldValue) else {
                throw HTTPParseError.invalidHeaderValue(name: field.name)
            }
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: [UInt8(ascii: ":"), 0x20])
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: [HTTPBytes.cr, HTTPBytes.lf])
        }
    }

    static func writeContentLength(_ length: Int, into out: inout [UInt8]) {
        out.append(contentsOf: "Content-Length: \(length)\r\n".utf8)
    }
}
