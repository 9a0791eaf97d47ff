import Foundation
import PlantModel

/// Reads the hub's API as an operator would, over HTTPS verified against the test CA, using the
/// `openssl s_client` tool (the test target links no TLS library): `GET /v1/plants` and the
/// `GET /v1/events` feed, paged with its cursor.
struct HubReadClient {
    let port: UInt16
    let caFile: String
    let token: String

    struct Response {
        let status: Int
        let body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        func json() throws -> JSONValue { try JSONParser.parse(body) }
    }

    /// One event of the feed.
    struct FeedEvent: Equatable {
        var position: Int64
        var seq: Int64
        var epoch: String
        var id: String
        var type: String
        var data: JSONObject
    }

    func get(_ path: String) throws -> Response {
        let request =
            "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n"
        let result = try ExternalTool.run(
            "openssl",
            [
                "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", caFile, "-verify_return_error", "-quiet",
            ], input: Array(request.utf8))
        return try Self.parse(result.stdout, what: "GET \(path) (openssl: \(result.stderr))")
    }

    /// Status and body of an HTTP/1.1 response with a Content-Length.
    static func parse(_ bytes: [UInt8], what: String) throws -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
            throw ChildProcess.Failure(description: "\(what): no HTTP response head in \(bytes.count) bytes")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw ChildProcess.Failure(description: "\(what): bad status line \"\(lines[0])\"")
        }
        let body = Array(bytes[(end + 4)...])
        if let lengthLine = lines.first(where: { $0.lowercased().hasPrefix("content-length:") }),
            let length = Int(lengthLine.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)),
            length != body.count
        {
            throw ChildProcess.Failure(description: "\(what): body of \(body.count) bytes, Content-Length \(length)")
        }
        return Response(status: status, body: body)
    }

    /// The whole feed of one stream, paging `limit` events at a time.
    func events(plant: String, stream: String, limit: Int = 10_000) throws -> [FeedEvent] {
        var events: [FeedEvent] = []
        var after: Int64 = 0
        while true {
            let response = try get("/v1/events?plant=\(plant)&stream=\(stream)&after=\(after)&limit=\(limit)")
            guard response.status == 200 else {
                throw ChildProcess.Failure(description: "GET /v1/events: \(response.status) \(response.text)")
            }
            let page = try response.json()
            for item in page["events"]?.arrayValue ?? [] {
                guard let position = item["position"]?.int, let seq = item["seq"]?.int,
                    let epoch = item["epoch"]?.stringValue, let event = item["event"]?.objectValue,
                    let id = event["id"]?.stringValue, let type = event["type"]?.stringValue,
                    let data = event["data"]?.objectValue
                else { throw ChildProcess.Failure(description: "unexpected feed item \(item)") }
                events.append(FeedEvent(position: position, seq: seq, epoch: epoch, id: id, type: type, data: data))
            }
            guard let next = page["next_after"]?.int, let through = page["feed_through"]?.int else {
                throw ChildProcess.Failure(description: "feed page without next_after/feed_through: \(response.text)")
            }
            if next == through || next == after { return events }
            after = next
        }
    }

    /// `acked_through` and `epoch` per stream of `plant`, from `GET /v1/plants`.
    func streams(plant: String) throws -> [String: (ackedThrough: Int64, epoch: String)] {
        let response = try get("/v1/plants")
        guard response.status == 200 else {
            throw ChildProcess.Failure(description: "GET /v1/plants: \(response.status) \(response.text)")
        }
        var streams: [String: (Int64, String)] = [:]
        let plants = try response.json()["plants"]?.arrayValue ?? []
        for entry in plants where entry["plant"]?.stringValue == plant {
            for stream in entry["streams"]?.arrayValue ?? [] {
                guard let name = stream["stream"]?.stringValue, let acked = stream["acked_through"]?.int else {
                    continue
                }
                streams[name] = (acked, stream["epoch"]?.stringValue ?? "")
            }
        }
        return streams
    }
}

extension JSONValue {
    /// Member `key` of an object; nil for other values.
    subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// An integer number.
    var int: Int64? { numberValue?.int64Value }
}
