import Foundation
import PlantModel

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a test's trytond over JSON-RPC, as an auditor would: independent of the hub's Tryton client, over
/// plain HTTP/1.0 on loopback with one connection per call, blocking, with a timeout.
public final class TrytonRPCClient {
    /// A call that did not return a result: Tryton's error member, an HTTP status, or no answer.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// Worth asking again: no answer, 5xx (a locked SQLite database is 503), a concurrent update.
        public var isTransient: Bool
    }

    public let port: Int
    public let database: String
    private let user: String
    private let password: String
    private var session: String?
    private var nextID: Int64 = 1

    public init(port: Int, database: String, user: String, password: String) {
        self.port = port
        self.database = database
        self.user = user
        self.password = password
    }

    public func login() throws {
        let result = try send("common.db.login", [.string(user), ["password": .string(password)], "en"])
        guard let parts = result.arrayValue, parts.count >= 2, let uid = parts[0].numberValue?.int64Value,
            let token = parts[1].stringValue
        else { throw Failure(description: "common.db.login answered \(result)", isTransient: false) }
        session = "Session " + Data("\(user):\(uid):\(token)".utf8).base64EncodedString()
    }

    /// `model.<model>.<method>` with the company context last; logs in first when needed.
    public func model(_ model: String, _ method: String, _ params: [JSONValue], company: Int = 1) throws -> JSONValue {
        if session == nil { try login() }
        return try send("model.\(model).\(method)", params + [["company": .integer(Int64(company))]])
    }

    /// `search_read(domain, 0, null, null, fields)` as objects.
    public func searchRead(_ model: String, _ domain: [JSONValue], fields: [String], company: Int = 1) throws
        -> [JSONObject]
    {
        let rows = try self.model(
            model, "search_read", [.array(domain), 0, .null, .null, .array(fields.map { .string($0) })],
            company: company)
        return (rows.arrayValue ?? []).compactMap(\.objectValue)
    }

    /// Like `searchRead`, asking again while Tryton is busy (its SQLite database is locked while the hub
    /// writes), until `timeout`.
    public func searchReadPatiently(
        _ model: String, _ domain: [JSONValue], fields: [String], timeout: Duration = .seconds(30)
    ) throws -> [JSONObject] {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try searchRead(model, domain, fields: fields)
            } catch let failure as Failure where failure.isTransient && ContinuousClock.now < deadline {
                usleep(50_000)  // Tryton busy: ask again shortly, within the deadline
            }
        }
    }

    private func send(_ method: String, _ params: [JSONValue]) throws -> JSONValue {
        let body = JSONWriter.encode(["id": .integer(nextID), "method": .string(method), "params": .array(params)])
        nextID += 1
        // HTTP/1.0: trytond then answers with the plain body up to the close, never chunked.
        var head = "POST /\(database)/rpc/ HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n"
        if let session { head += "Authorization: \(session)\r\n" }
        let (status, answer) = try exchange(Array((head + "\r\n").utf8) + body, method: method)
        guard status == 200 else {
            let text = String(decoding: answer.prefix(500), as: UTF8.self)
            throw Failure(description: "\(method): HTTP \(status): \(text)", isTransient: status >= 500)
        }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(answer)
        } catch {
            let text = String(decoding: answer.prefix(300), as: UTF8.self)
            throw Failure(description: "\(method): the answer is not JSON (\(error)): \(text)", isTransient: false)
        }
        if let error = parsed.objectValue?["error"], !error.isNull {
            let kind = error.arrayValue?.first?.stringValue ?? ""
            throw Failure(description: "\(method): \(error)", isTransient: kind == "ConcurrencyException")
        }
        return parsed.objectValue?["result"] ?? .null
    }

    /// Sends `request` on a new connection and reads the answer to its end: status and body.
    private func exchange(_ request: [UInt8], method: String) throws -> (Int, [UInt8]) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errnoText())", isTransient: true) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            throw Failure(description: "\(method): connect to 127.0.0.1:\(port): \(errnoText())", isTransient: true)
        }
        var offset = 0
        while offset < request.count {
            let sent = request[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(description: "\(method): send: \(errnoText())", isTransient: true) }
            offset += sent
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else {
                if errno == EINTR { continue }
                throw Failure(description: "\(method): no answer: \(errnoText())", isTransient: true)
            }
            answer.append(contentsOf: chunk[..<count])
        }
        let separator = Array("\r\n\r\n".utf8)
        guard let end = answer.indices.first(where: { answer[$0...].starts(with: separator) }),
            let statusLine = String(decoding: answer[..<end], as: UTF8.self).split(separator: "\r\n").first,
            statusLine.split(separator: " ").count >= 2, let status = Int(statusLine.split(separator: " ")[1])
        else {
            throw Failure(description: "\(method): not an HTTP answer (\(answer.count) bytes)", isTransient: true)
        }
        let body = Array(answer[(end + 4)...])
        // Werkzeug streams larger answers chunked, even to an HTTP/1.0 request.
        let chunked = String(decoding: answer[..<end], as: UTF8.self).lowercased()
            .contains("transfer-encoding: chunked")
        return (status, chunked ? try dechunk(body, method: method) : body)
    }

    /// The body of a chunked transfer: hex size CRLF, bytes CRLF, …, 0 CRLF CRLF.
    private func dechunk(_ bytes: [UInt8], method: String) throws -> [UInt8] {
        var body: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = bytes[index...].firstIndex(of: UInt8(ascii: "\r")),
                let size = Int(
                    String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "",
                    radix: 16),
                lineEnd + 2 + size <= bytes.count
            else { throw Failure(description: "\(method): a broken chunked answer", isTransient: true) }
            if size == 0 { return body }
            body.append(contentsOf: bytes[(lineEnd + 2)..<(lineEnd + 2 + size)])
            index = lineEnd + 2 + size + 2
            guard index <= bytes.count else {
                throw Failure(description: "\(method): a broken chunked answer", isTransient: true)
            }
        }
    }
}

private func errnoText() -> String { String(cString: strerror(errno)) }
