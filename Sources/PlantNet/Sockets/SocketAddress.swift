import Glibc

/// Resolved socket addresses (getaddrinfo) and their numeric text form.
enum SocketAddress {
    /// One resolved address: family plus the raw sockaddr bytes.
    struct Resolved {
        var family: Int32
        var storage: sockaddr_storage
        var length: socklen_t
    }

    /// Resolves `host:port` for TCP; `host == nil` means the wildcard address (for listening).
    static func resolve(host: String?, port: UInt16, passive: Bool) throws(SocketError) -> [Resolved] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            let detail = "cannot resolve host: " + String(cString: gai_strerror(rc))
            throw SocketError(
                code: rc == EAI_SYSTEM ? errno : EHOSTUNREACH, operation: "resolve",
                peer: display(host: host ?? "*", port: port), detail: detail)
        }
        defer { freeaddrinfo(list) }
        var result: [Resolved] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let entry = node {
            var storage = sockaddr_storage()
            let length = entry.pointee.ai_addrlen
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.copyMemory(from: UnsafeRawBufferPointer(start: entry.pointee.ai_addr, count: Int(length)))
            }
            result.append(Resolved(family: entry.pointee.ai_family, storage: storage, length: length))
            node = entry.pointee.ai_next
        }
        return result
    }

    /// `host:port`, with brackets around IPv6 literals.
    static func display(host: String, port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Numeric `host:port` of a sockaddr (peer or local).
    static func describe(_ storage: inout sockaddr_storage, length: socklen_t) -> String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo(
                    $0, length, &host, socklen_t(host.count), &service, socklen_t(service.count),
                    NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard rc == 0 else { return "?" }
        let hostText = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return display(
            host: hostText,
            port: UInt16(String(decoding: service.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)) ?? 0
        )
    }

    /// The port of a sockaddr_in / sockaddr_in6.
    static func port(of storage: inout sockaddr_storage) -> UInt16 {
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            let raw = UnsafeRawPointer(pointer)
            switch family {
            case AF_INET: return UInt16(bigEndian: raw.assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port)
            case AF_INET6: return UInt16(bigEndian: raw.assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port)
            default: return 0
            }
        }
    }

    /// True when `host` is an IPv4 or IPv6 literal (no SNI for those; verify as IP address).
    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
