/// `200 {"acked_through": N}`: every seq up to N of the batch's stream is stored at the hub (seqs already
/// stored are acknowledged again, never stored twice).
public struct BatchResponse: Sendable, Hashable {
    public var ackedThrough: Int64

    public init(ackedThrough: Int64) {
        self.ackedThrough = ackedThrough
    }

    public func encode() -> [UInt8] {
        var writer = JSONWriter(capacity: 32)
        writer.bytes.append(UInt8(ascii: "{"))
        writer.member("acked_through", integer: ackedThrough)
        writer.bytes.append(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// Unknown fields are ignored, so a newer hub can add some without breaking older agents.
    public static func decode(_ body: [UInt8]) throws(ProtocolDecodingError) -> BatchResponse {
        let fields = try ProtocolDecodingError.object(body)
        return BatchResponse(
            ackedThrough: try ProtocolDecodingError.wrap { () throws(EventFieldError) in
                try fields.integer("acked_through", minimum: 0)
            })
    }
}

/// Why a hub response could not be understood (the agent logs it and retries with backoff).
public struct ProtocolDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { "hub response: \(message)" }

    /// Parses a response body into a lenient reader (unknown fields allowed).
    static func object(_ body: [UInt8]) throws(ProtocolDecodingError) -> FieldReader {
        let json: JSONValue
        do {
            json = try JSONParser(limits: .init(maxDepth: 8, maxBytes: 4 << 20)).parse(body)
        } catch {
            throw ProtocolDecodingError(message: error.description)
        }
        guard case .object = json else {
            throw ProtocolDecodingError(message: "expected a JSON object, found \(json.typeName)")
        }
        return try wrap { () throws(EventFieldError) in try FieldReader(lenient: json, path: "") }
    }

    static func wrap<T>(_ body: () throws(EventFieldError) -> T) throws(ProtocolDecodingError) -> T {
        do {
            return try body()
        } catch {
            throw ProtocolDecodingError(message: error.description)
        }
    }
}
