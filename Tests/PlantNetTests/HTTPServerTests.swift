import Foundation
import Glibc
import Testing

@testable import PlantNet

/// Echoes method, target and body; "/slow" waits for `gate` to open.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var open = false
    private var waiting = 0

    func pass() {
        condition.lock()
        waiting += 1
        condition.broadcast()
        while !open { condition.wait() }
        condition.unlock()
    }

    func release() {
        condition.lock()
        open = true
        condition.broadcast()
        condition.unlock()
    }

    var waiters: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiting
    }
}

func echoHandler(gate: Gate? = nil) -> HTTPServer.Handler {
    { request in
        if request.path == "/slow" { gate?.pass() }
        var response = HTTPResponse(
            status: 200, contentType: "text/plain",
            body: "\(request.method) \(request.target) \(request.body.count)")
        response.headers.add("X-Peer-Subject", request.clientCertificateSubject ?? "none")
        return response
    }
}

/// Writes raw bytes and reads one response with the decoder.
func rawExchange(_ connection: TCPConnection, _ bytes: [UInt8], method: String = "GET") throws -> HTTPResponse? {
    try connection.write(bytes)
    return try readResponse(connection, method: method)
}

func readResponse(_ stream: ByteStream, method: String = "GET") throws -> HTTPResponse? {
    var decoder = HTTPResponseDecoder()
    decoder.expectResponse(toMethod: method)
    var buffer = ByteBuffer()
    while true {
        if let response = try decoder.decode(&buffer) { return response }
        if try stream.read(into: &buffer) == 0 { return try decoder.decodeLast(&buffer) }
    }
}

@Suite struct HTTPServerTests {
    @Test func plainRoundTripKeepAliveAndPipelining() throws {
        let server = try HTTPServer(configuration: HTTPServerConfiguration(), handler: echoHandler())
        defer { server.stop() }
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)/api/")
        for index in 0..<3 {
            let response = try client.send(
                HTTPRequest(method: "POST", target: "/v1/batches", body: Array(repeating: 7, count: index)))
            #expect(response.status == 200)
            #expect(response.bodyText == "POST /api/v1/batches \(index)")
        }
        #expect(server.statistics.connectionsAccepted == 1)  // one keep-alive connection

        let connection = try TCPConnection.connect(host: "127.0.0.1", port: server.port)
        try connection.write(
            ("GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nxy"
                + "GET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").bytes)
        var decoder = HTTPResponseDecoder()
        var buffer = ByteBuffer()
        var bodies: [String] = []
        while true {
            while let response = try decoder.decode(&buffer) { bodies.append(response.bodyText) }
            if try connection.read(into: &buffer) == 0 { break }
        }
        #expect(bodies == ["GET /a 0", "POST /b 2", "GET /c 0"])
    }

    @Test func malformedRequestsAreAnsweredThenClosed() throws {
        var configuration = HTTPServerConfiguration()
        configuration.limits = HTTPLimits(maxBodyBytes: 1000)
        let server = try HTTPServer(configuration: configuration, handler: echoHandler())
        defer { server.stop() }
        let cases: [(String, Int)] = [
            ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "z", count: 5000), 413),
            ("GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "X-A: b\r\n", count: 200) + "\r\n", 431),
            ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ]
        for (input, status) in cases {
            let connection = try TCPConnection.connect(host: "127.0.0.1", port: server.port)
            let response = try #require(try rawExchange(connection, input.bytes))
            #expect(response.status == status)
            #expect(response.keepAlive == false)
            var buffer = ByteBuffer()
            #expect(try connection.read(into: &buffer) == 0)  // closed after the answer
        }
        #expect(server.statistics.requestsRejected == 4)
    }

    @Test func idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws {
        var configuration = HTTPServerConfiguration()
        configuration.idleTimeout = .milliseconds(200)
        let server = try HTTPServer(configuration: configuration, handler: echoHandler())
        defer { server.stop() }
        let connection = try TCPConnection.connect(host: "127.0.0.1", port: server.port)
        connection.readTimeout = .seconds(10)
        #expect(try rawExchange(connection, "GET / HTTP/1.1\r\nHost: h\r\n\r\n".bytes)?.status == 200)
        var buffer = ByteBuffer()
        #expect(try connection.read(into: &buffer) == 0)
        #expect(waitUntil { server.activeConnections == 0 })
    }

    @Test func fiveHundredConcurrentKeepAliveConnections() throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxConnections = 600
        configuration.backlog = 1024
        let server = try HTTPServer(configuration: configuration, handler: echoHandler())
        defer { server.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        var connections: [TCPConnection] = []
        for _ in 0..<500 {
            let connection = try TCPConnection.connect(host: "127.0.0.1", port: server.port)
            connection.readTimeout = .seconds(20)
            connections.append(connection)
        }
        for round in 0..<2 {
            for (index, connection) in connections.enumerated() {
                try connection.write("GET /\(round)/\(index) HTTP/1.1\r\nHost: h\r\n\r\n".bytes)
            }
            for (index, connection) in connections.enumerated() {
                let response = try #require(try readResponse(connection))
                #expect(response.bodyText == "GET /\(round)/\(index) 0")
            }
        }
        #expect(server.activeConnections == 500)
        #expect(server.statistics.connectionsAccepted == 500)
        #expect(server.statistics.requestsHandled == 1000)
        print("500 connections x 2 requests in \(clock.now - start)")
        server.stop(gracePeriod: .seconds(5))
        #expect(server.activeConnections == 0)
        for connection in connections { connection.close() }
    }

    @Test func stopLetsTheInFlightRequestFinishAndClosesIdleConnections() throws {
        let gate = Gate()
        let server = try HTTPServer(configuration: HTTPServerConfiguration(), handler: echoHandler(gate: gate))
        let port = server.port
        let idle = try TCPConnection.connect(host: "127.0.0.1", port: port)
        idle.readTimeout = .seconds(10)
        #expect(try rawExchange(idle, "GET / HTTP/1.1\r\nHost: h\r\n\r\n".bytes)?.status == 200)

        let inFlight = Background { () throws -> HTTPResponse? in
            let connection = try TCPConnection.connect(host: "127.0.0.1", port: port)
            connection.readTimeout = .seconds(20)
            return try rawExchange(connection, "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n".bytes)
        }
        #expect(waitUntil { gate.waiters == 1 })
        let stopping = Background { server.stop(gracePeriod: .seconds(15)) }
        // The idle connection is closed at once; new connections are refused.
        var buffer = ByteBuffer()
        #expect(try idle.read(into: &buffer) == 0)
        #expect(
            waitUntil {
                (try? TCPConnection.connect(host: "127.0.0.1", port: port)) == nil
            })
        #expect(!stopping.isFinished)
        gate.release()
        let outcome = try #require(inFlight.wait())
        let response = try #require(try outcome.get())
        #expect(response.status == 200)
        #expect(response.headers["Connection"] == "close")
        #expect(stopping.wait() != nil)
        #expect(server.activeConnections == 0)
    }

    @Test func stopAfterTheGracePeriodCancelsStuckIO() throws {
        let server = try HTTPServer(configuration: HTTPServerConfiguration(), handler: echoHandler())
        // A client that sent half a request: busy, not idle.
        let connection = try TCPConnection.connect(host: "127.0.0.1", port: server.port)
        try connection.write("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc".bytes)
        #expect(waitUntil { server.activeConnections == 1 })
        let clock = ContinuousClock()
        let elapsed = clock.measure { server.stop(gracePeriod: .milliseconds(300)) }
        #expect(server.activeConnections == 0)
        #expect(elapsed < .seconds(5))
    }

    @Test func atMaxConnectionsFurtherClientsWaitForAFreeSlot() throws {
        var configuration = HTTPServerConfiguration()
        configuration.maxConnections = 2
        let server = try HTTPServer(configuration: configuration, handler: echoHandler())
        defer { server.stop() }
        var first: [TCPConnection] = []
        for index in 0..<2 {
            let connection = try TCPConnection.connect(host: "127.0.0.1", port: server.port)
            #expect(try rawExchange(connection, "GET /\(index) HTTP/1.1\r\nHost: h\r\n\r\n".bytes)?.status == 200)
            first.append(connection)
        }
        // The kernel completes the third connection; the server does not take it yet.
        let waiting = try TCPConnection.connect(host: "127.0.0.1", port: server.port)
        waiting.readTimeout = .seconds(10)
        try waiting.write("GET /third HTTP/1.1\r\nHost: h\r\n\r\n".bytes)
        #expect(try waiting.waitForInput(timeout: .milliseconds(300), unless: nil) == .timedOut)
        #expect(server.statistics.connectionsAccepted == 2)
        first[0].close()
        #expect(try readResponse(waiting)?.bodyText == "GET /third 0")
        #expect(server.statistics.connectionsAccepted == 3)
    }
}
