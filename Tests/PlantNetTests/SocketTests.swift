import Glibc
import Testing

@testable import PlantNet

@Suite struct SocketTests {
    @Test func listenerReportsOSChosenPortAndConnectionsExchangeBytes() throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        #expect(listener.port != 0)
        #expect(listener.localAddress == "127.0.0.1:\(listener.port)")
        let client = try TCPConnection.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(5))
        let server = try #require(try listener.accept(timeout: .seconds(5)))
        try client.setKeepAlive(true, idle: .seconds(20))
        try client.write("ping".bytes)
        var buffer = ByteBuffer()
        #expect(try server.read(into: &buffer) == 4)
        #expect(buffer.readableBytesArray == "ping".bytes)
        client.close()
        #expect(try server.read(into: &buffer) == 0)  // clean end of stream
    }

    @Test func ipv6Loopback() throws {
        guard let listener = try? TCPListener(host: "::1", port: 0) else { return }  // no IPv6 on this host
        defer { listener.close() }
        #expect(listener.localAddress == "[::1]:\(listener.port)")
        let client = try TCPConnection.connect(host: "::1", port: listener.port)
        #expect(client.peer == "[::1]:\(listener.port)")
    }

    @Test func connectionRefusedIsReportedWithErrnoAndPeer() throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let port = listener.port
        listener.close()
        #expect(throws: SocketError(code: ECONNREFUSED, operation: "connect", peer: "127.0.0.1:\(port)")) {
            _ = try TCPConnection.connect(host: "127.0.0.1", port: port)
        }
    }

    @Test func readTimesOut() throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let client = try TCPConnection.connect(host: "127.0.0.1", port: listener.port)
        client.readTimeout = .milliseconds(100)
        var buffer = ByteBuffer()
        let error = #expect(throws: SocketError.self) { try client.read(into: &buffer) }
        #expect(error?.isTimeout == true)
        #expect(error?.description == "read 127.0.0.1:\(listener.port): timed out (errno \(ETIMEDOUT))")
    }

    @Test func stopEndsABlockedAccept() throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let waiting = Background { try listener.accept(timeout: .seconds(30)) == nil }
        listener.stop()
        let result = try #require(waiting.wait())
        #expect(try result.get() == true)
        listener.close()
    }

    @Test func unknownHostIsAResolveError() {
        let error = #expect(throws: SocketError.self) {
            _ = try TCPConnection.connect(host: "no-such-host.invalid", port: 80, timeout: .seconds(5))
        }
        #expect(error?.operation == "resolve")
    }
}
