/// A token that may read every plant's status and feed (operators, ERP middleware): `readers:`.
public struct ReaderCredential: Sendable, Hashable {
    public var name: String
    /// SHA-256 of the reader's bearer token (32 bytes).
    public var tokenSHA256: [UInt8]

    public init(name: String, tokenSHA256: [UInt8]) {
        self.name = name
        self.tokenSHA256 = tokenSHA256
    }

    /// `readers:`: names and digests unique.
    static func decodeList(_ map: ConfigMap) -> [ReaderCredential]? {
        var readers: [ReaderCredential] = []
        var complete = true
        for item in map.sectionList("readers") {
            let name = item.required("name", .identifier(maxLength: 32))
            let digest = item.required("token_sha256", .sha256Hex)
            guard let name, let digest else {
                complete = false
                continue
            }
            if readers.contains(where: { $0.name == name }) {
                item.report("duplicate reader name \(MessageText.quoted(name))", at: "name")
                complete = false
            } else if readers.contains(where: { $0.tokenSHA256 == digest }) {
                item.report(
                    "this token is already used by another reader; every reader needs its own", at: "token_sha256")
                complete = false
            }
            readers.append(ReaderCredential(name: name, tokenSHA256: digest))
        }
        return complete ? readers : nil
    }
}

/// A named consumer of the read feed whose acknowledged positions the hub keeps (`consumers:`).
public struct ConsumerSettings: Sendable, Hashable {
    public var name: String
    /// The reader whose token may move this consumer's positions.
    public var reader: String

    public init(name: String, reader: String) {
        self.name = name
        self.reader = reader
    }

    /// `consumers:`: names unique, each naming a reader listed in `readers`.
    static func decodeList(_ map: ConfigMap, readers: [ReaderCredential]?) -> [ConsumerSettings]? {
        var consumers: [ConsumerSettings] = []
        var complete = true
        for item in map.sectionList("consumers") {
            let name = item.required("name", .identifier(maxLength: 64))
            let reader = item.required("reader", .identifier(maxLength: 32))
            guard let name, let reader else {
                complete = false
                continue
            }
            if consumers.contains(where: { $0.name == name }) {
                item.report("duplicate consumer name \(MessageText.quoted(name))", at: "name")
                complete = false
            }
            if let readers, !readers.contains(where: { $0.name == reader }) {
                let known = readers.map(\.name).joined(separator: ", ")
                item.report(
                    "no reader \(MessageText.quoted(reader)) in readers:"
                        + (known.isEmpty ? "; add one" : " (listed: \(known))"), at: "reader")
                complete = false
            }
            consumers.append(ConsumerSettings(name: name, reader: reader))
        }
        return complete ? consumers : nil
    }
}
