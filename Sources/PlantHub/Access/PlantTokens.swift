import PlantNet

/// Who a request's bearer token belongs to. The hub holds only SHA-256 digests of tokens; a
/// presented token is hashed and compared with every plant's digest in constant time (no early
/// exit, so timing says nothing about which digest, or how much of it, matched).
public struct PlantTokens: Sendable {
    /// Why a request is not authenticated (401).
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case missing
        /// An Authorization header that is not `Bearer <token>`.
        case malformed
        /// A well-formed token that belongs to no plant.
        case unknown

        public var description: String {
            switch self {
            case .missing: "missing Authorization header: expected \"Authorization: Bearer <plant token>\""
            case .malformed: "malformed Authorization header: expected \"Bearer <plant token>\""
            case .unknown: "the bearer token belongs to no configured plant"
            }
        }
    }

    private let digests: [(plant: String, sha256: [UInt8])]

    /// `plants`: plant id and SHA-256 of its token (32 bytes).
    public init(_ plants: [(plant: String, tokenSHA256: [UInt8])]) {
        digests = plants.map { (plant: $0.plant, sha256: $0.tokenSHA256) }
    }

    /// The configured plant ids, in configuration order.
    public var plants: [String] { digests.map(\.plant) }

    /// The plant whose token is in `authorization` (the header's value).
    public func authenticate(authorization: String?) -> Result<String, Failure> {
        guard let authorization else { return .failure(.missing) }
        guard let token = Self.bearerToken(authorization) else { return .failure(.malformed) }
        let presented = SHA256.hash(token)
        var match: Int? = nil
        for (index, entry) in digests.enumerated() {
            // Every digest is compared, also after a match.
            if SecureBytes.constantTimeEqual(presented, entry.sha256) && match == nil { match = index }
        }
        guard let match else { return .failure(.unknown) }
        return .success(digests[match].plant)
    }

    /// The token of `Bearer <token>` (scheme case-insensitive, RFC 6750 token68 characters).
    static func bearerToken(_ header: String) -> [UInt8]? {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count + 1 else { return nil }
        for index in 0..<scheme.count where bytes[index] | 0x20 != scheme[index] { return nil }
        var start = scheme.count
        guard bytes[start] == 0x20 else { return nil }
        while start < bytes.count, bytes[start] == 0x20 { start += 1 }
        var end = bytes.count
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        let token = Array(bytes[start..<end])
        guard !token.isEmpty, token.allSatisfy(isToken68) else { return nil }
        return token
    }

    private static func isToken68(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"),
            UInt8(ascii: "/"), UInt8(ascii: "="):
            true
        default: false
        }
    }
}

/// A fresh plant token and the digest the hub configuration holds (`plantsync hub add-plant`).
public struct NewPlantToken: Sendable, Hashable {
    /// 32 random bytes as unpadded base64url (43 characters): shown once, stored by the agent.
    public let token: String
    /// SHA-256 of the token's UTF-8 bytes, lowercase hex: what `hub.yaml` stores.
    public let sha256Hex: String

    /// A token from the operating system's CSPRNG.
    public static func generate() -> NewPlantToken {
        NewPlantToken(token: Base64URL.encode(SecureBytes.random(count: 32)))
    }

    init(token: String) {
        self.token = token
        self.sha256Hex = Hex.encode(SHA256.hash(token))
    }

    /// The `plants:` entry to add to `hub.yaml`.
    public func configurationLines(plant: String) -> String {
        "  - id: \(plant)\n    token_sha256: \(sha256Hex)\n"
    }
}

/// Unpadded base64url (RFC 4648 §5): token characters that need no quoting anywhere.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            var n = UInt32(bytes[index]) << 16
            if rest == 2 { n |= UInt32(bytes[index + 1]) << 8 }
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            if rest == 2 { out.append(alphabet[Int((n >> 6) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
