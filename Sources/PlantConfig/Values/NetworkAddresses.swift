/// `host:port`: a host name (`hub.example.com`, `localhost`), an IPv4 address, or an IPv6 address in
/// brackets (`[::1]:9466`). Bare IPv6 is refused because its colons make the port ambiguous.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; nil when malformed or the port is outside `ports`.
    public init?(_ text: String, ports: ClosedRange<Int> = 1...65535) {
        guard let (host, portText) = Self.split(Substring(text)), !portText.isEmpty,
            portText.count <= 5, NumberSyntax.isInteger(String(portText)), !portText.hasPrefix("-"),
            let port = Int(portText), ports.contains(port)
        else { return nil }
        self.init(host: host, port: port)
    }

    /// Splits off the port; the host keeps no brackets.
    private static func split(_ text: Substring) -> (String, Substring)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let address = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), isIPv6(address) else { return nil }
            return (String(address), rest.dropFirst())
        }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = text[..<colon]
        guard isHostName(host) else { return nil }
        return (String(host), text[text.index(after: colon)...])
    }

    static func isHostName(_ host: Substring) -> Bool {
        !host.isEmpty && host.count <= 253 && !host.hasPrefix("-") && !host.hasPrefix(".")
            && host.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "-", ".": true
                default: false
                }
            }
    }

    static func isIPv6(_ address: Substring) -> Bool {
        address.contains(":")
            && address.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == ":" || $0 == "." }
    }

    /// The host as written in a URL or a `host:port` pair (IPv6 in brackets).
    var hostForAddress: String { host.contains(":") ? "[\(host)]" : host }

    public var description: String { "\(hostForAddress):\(port)" }
}

extension ConfigConversion where Value == HostPort {
    /// An address to connect to: port 1–65535.
    public static var hostPort: ConfigConversion<HostPort> {
        ConfigConversion(expecting: "host:port like hub.example.com:8443") { HostPort($0) }
    }

    /// An address to listen on: port 0–65535, where 0 lets the system choose (for tests).
    public static var listenAddress: ConfigConversion<HostPort> {
        ConfigConversion(expecting: "host:port like 127.0.0.1:9466") { HostPort($0, ports: 0...65535) }
    }
}

/// An `http://` or `https://` address: `https://hub.example.com:8443/plantsync`. Credentials in the
/// URL (`user:pass@`), queries and fragments are refused: secrets belong in `*_file` keys.
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable {
        case http
        case https
    }

    public var scheme: Scheme
    public var host: String
    /// The explicit port, or 80 / 443 from the scheme.
    public var port: Int
    /// Starts with "/"; "/" when the URL has none.
    public var path: String

    public init(scheme: Scheme, host: String, port: Int, path: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
    }

    public init?(_ text: String) {
        let scheme: Scheme
        var rest: Substring
        if text.hasPrefix("https://") {
            scheme = .https
            rest = text.dropFirst(8)
        } else if text.hasPrefix("http://") {
            scheme = .http
            rest = text.dropFirst(7)
        } else {
            return nil
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        guard !authority.contains("@"), !rest.contains("?"), !rest.contains("#"), !authority.contains("?"),
            !authority.contains("#"),
            rest.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return nil }
        let defaultPort = scheme == .https ? 443 : 80
        if let address = HostPort(String(authority)) {
            self.init(scheme: scheme, host: address.host, port: address.port, path: rest.isEmpty ? "/" : String(rest))
        } else if authority.hasPrefix("["), authority.hasSuffix("]"),
            HostPort.isIPv6(authority.dropFirst().dropLast())
        {
            let host = String(authority.dropFirst().dropLast())
            self.init(scheme: scheme, host: host, port: defaultPort, path: rest.isEmpty ? "/" : String(rest))
        } else if !authority.contains(":"), HostPort.isHostName(authority) {
            self.init(
                scheme: scheme, host: String(authority), port: defaultPort, path: rest.isEmpty ? "/" : String(rest))
        } else {
            return nil
        }
    }

    public var usesTLS: Bool { scheme == .https }

    /// `host` or `host:port` as sent in the HTTP `Host` header (the port only when not the default).
    public var hostHeader: String {
        let defaultPort = scheme == .https ? 443 : 80
        let host = host.contains(":") ? "[\(host)]" : host
        return port == defaultPort ? host : "\(host):\(port)"
    }

    public var description: String { "\(scheme.rawValue)://\(hostHeader)\(path)" }
}

extension ConfigConversion where Value == HTTPURL {
    /// An `http://` or `https://` URL. Whether plain http is acceptable is the caller's decision.
    public static var httpURL: ConfigConversion<HTTPURL> {
        ConfigConversion(expecting: "an http:// or https:// URL like https://hub.example.com:8443") { HTTPURL($0) }
    }
}
