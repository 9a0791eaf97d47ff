import PlantModel

/// Writes one JSON object member by member (callers add members in UTF-8 key order, like every
/// PlantSync document), on top of PlantModel's `JSONWriter` escaping.
struct JSONObjectBuilder {
    var writer: JSONWriter
    private var empty = true

    init(capacity: Int = 256) {
        writer = JSONWriter(capacity: capacity)
        writer.bytes.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ name: String) {
        if !empty { writer.bytes.append(UInt8(ascii: ",")) }
        empty = false
        writer.writeString(name)
        writer.bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: String, _ value: String) {
        key(name)
        writer.writeString(value)
    }

    mutating func integer(_ name: String, _ value: Int64) {
        key(name)
        writer.writeInteger(value)
    }

    /// An RFC 3339 UTC timestamp with milliseconds, or `null`.
    mutating func timestamp(_ name: String, milliseconds: Int64?) {
        key(name)
        guard let milliseconds else {
            writer.bytes.append(contentsOf: Array("null".utf8))
            return
        }
        writer.bytes.append(UInt8(ascii: "\""))
        Timestamp(millisecondsSinceEpoch: milliseconds).write(into: &writer.bytes)
        writer.bytes.append(UInt8(ascii: "\""))
    }

    mutating func optionalInteger(_ name: String, _ value: Int64?) {
        if let value { integer(name, value) } else { null(name) }
    }

    mutating func optionalString(_ name: String, _ value: String?) {
        if let value { string(name, value) } else { null(name) }
    }

    mutating func null(_ name: String) {
        key(name)
        writer.bytes.append(contentsOf: Array("null".utf8))
    }

    /// A member whose value is already JSON (a nested object, or an event's canonical bytes).
    mutating func raw(_ name: String, _ json: [UInt8]) {
        key(name)
        writer.bytes.append(contentsOf: json)
    }

    /// An array member whose elements `body` writes with `element`.
    mutating func array<S: Sequence>(_ name: String, _ items: S, _ element: (S.Element) -> [UInt8]) {
        key(name)
        writer.bytes.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            first = false
            writer.bytes.append(contentsOf: element(item))
        }
        writer.bytes.append(UInt8(ascii: "]"))
    }

    consuming func finish() -> [UInt8] {
        writer.bytes.append(UInt8(ascii: "}"))
        return writer.bytes
    }
}
