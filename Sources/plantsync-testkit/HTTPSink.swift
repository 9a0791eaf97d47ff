import Foundation

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The sync benchmarks' baseline: an HTTP/1.1 server on 127.0.0.1 that reads each request (head and
/// Content-Length body) and answers `200 {"acked_through":0}` without looking at it — loopback HTTP
/// with no journal and no hub logic. One thread, `poll` over every connection. Runs until killed.
let httpSink = Subcommand(name: "http-sink", usage: "[--port 0]") { arguments in
    let (listener, port) = try LoopbackSockets.listen(port: try arguments.int("port", default: 0))
    Output.line("http-sink port=\(port)")
    let body = Array("{\"acked_through\":0}\n".utf8)
    let response =
        Array(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    final class Pending { var bytes: [UInt8] = [] }
    var connections: [Int32: Pending] = [:]
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
        for fd in connections.keys { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else {
            throw LoopbackSockets.Failure(description: "poll")
        }
        for entry in fds where entry.revents != 0 {
            if entry.fd == listener {
                let client = accept(listener, nil, nil)
                if client >= 0 {
                    var one: Int32 = 1
                    setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(4))
                    connections[client] = Pending()
                }
                continue
            }
            let count = chunk.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
            if count <= 0 {
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                close(entry.fd)
                connections[entry.fd] = nil
                continue
            }
            guard let pending = connections[entry.fd] else { continue }
            pending.bytes.append(contentsOf: chunk[..<count])
            var consumed = 0
            while let message = HTTPFraming.message(in: pending.bytes, from: consumed) {
                consumed += message.length
                _ = LoopbackSockets.writeAll(entry.fd, response)
            }
            if consumed > 0 { pending.bytes.removeFirst(consumed) }
        }
    }
}
