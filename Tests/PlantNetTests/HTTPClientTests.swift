import Foundation
import Glibc
import Testing

@testable import PlantNet

@Suite struct HTTPClientTests {
    @Test func refusedTimedOutAndInvalidURLAreDistinguished() throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let port = listener.port
        listener.close()
        let refused = try HTTPClient(baseURL: "http://127.0.0.1:\(port)")
        #expect(throws: HTTPClientError.connectionRefused(peer: "127.0.0.1:\(port)")) {
            _ = try refused.send(HTTPRequest(method: "GET", target: "/"))
        }

        // A listener that never answers: connect succeeds (backlog), the response never comes.
        let silent = try TCPListener(host: "127.0.0.1", port: 0)
        defer { silent.close() }
        var configuration = HTTPClientConfiguration()
        configuration.ioTimeout = .milliseconds(200)
        let waiting = try HTTPClient(baseURL: "http://127.0.0.1:\(silent.port)", configuration: configuration)
        let error = #expect(throws: HTTPClientError.self) {
            _ = try waiting.send(HTTPRequest(method: "GET", target: "/"))
        }
        #expect(error == .timedOut(operation: "read", peer: "127.0.0.1:\(silent.port)"))
        #expect(error?.isRetryable == true)

        #expect(throws: HTTPClientError.invalidURL("ftp://x")) { _ = try HTTPClient(baseURL: "ftp://x") }
        #expect(throws: HTTPClientError.invalidURL("http://h:99999")) { _ = try HTTPClient(baseURL: "http://h:99999") }
    }

    @Test func reconnectsAfterTheServerClosedTheIdleConnection() throws {
        var configuration = HTTPServerConfiguration()
        configuration.idleTimeout = .milliseconds(100)
        let server = try HTTPServer(configuration: configuration, handler: echoHandler())
        defer { server.stop() }
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)")
        #expect(try client.send(HTTPRequest(method: "GET", target: "/1")).status == 200)
        #expect(waitUntil { server.activeConnections == 0 })
        #expect(try client.send(HTTPRequest(method: "POST", target: "/2", body: [1])).bodyText == "POST /2 1")
        #expect(server.statistics.connectionsAccepted == 2)
    }

    @Test func reconnectsAfterTheServerRestarts() throws {
        var server = try HTTPServer(configuration: HTTPServerConfiguration(), handler: echoHandler())
        let port = server.port
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(port)")
        #expect(try client.send(HTTPRequest(method: "GET", target: "/")).status == 200)
        server.stop()
        #expect(throws: HTTPClientError.connectionRefused(peer: "127.0.0.1:\(port)")) {
            _ = try client.send(HTTPRequest(method: "GET", target: "/"))
        }
        var configuration = HTTPServerConfiguration()
        configuration.port = port
        server = try HTTPServer(configuration: configuration, handler: echoHandler())
        defer { server.stop() }
        #expect(try client.send(HTTPRequest(method: "GET", target: "/again")).bodyText == "GET /again 0")
    }

    @Test func httpsRoundTripWithMutualTLSAndRefusals() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let serverTLS = try TLSServerContext(
            certFile: certificates.serverCertFile, keyFile: certificates.serverKeyFile,
            clientCAFile: certificates.caFile)
        let server = try HTTPServer(configuration: HTTPServerConfiguration(tls: serverTLS), handler: echoHandler())
        defer { server.stop() }
        let port = server.port

        let trusted = try TLSClientContext(
            caFile: certificates.caFile, clientCertFile: certificates.clientCertFile,
            clientKeyFile: certificates.clientKeyFile)
        let client = try HTTPClient(
            baseURL: "https://localhost:\(port)", configuration: HTTPClientConfiguration(tls: trusted))
        let body = [UInt8](repeating: 0x42, count: 200_000)
        for _ in 0..<3 {
            let response = try client.send(HTTPRequest(method: "POST", target: "/v1/batches", body: body))
            #expect(response.bodyText == "POST /v1/batches 200000")
            #expect(response.headers["X-Peer-Subject"] == "/CN=plant-P100")
        }

        let untrusted = try HTTPClient(
            baseURL: "https://127.0.0.1:\(port)",
            configuration: HTTPClientConfiguration(
                tls: try TLSClientContext(
                    caFile: certificates.otherCAFile, clientCertFile: certificates.clientCertFile,
                    clientKeyFile: certificates.clientKeyFile)))
        let verifyError = #expect(throws: HTTPClientError.self) {
            _ = try untrusted.send(HTTPRequest(method: "GET", target: "/"))
        }
        // This server also trusts the CA (for client certificates), so it sends the CA along: the
        // client sees a root it does not trust.
        #expect(
            verifyError
                == .tlsVerificationFailed(
                    peer: "127.0.0.1:\(port)",
                    reason: "certificate verify failed: self-signed certificate in certificate chain"))
        #expect(verifyError?.isRetryable == false)

        var wrongName = HTTPClientConfiguration(tls: trusted)
        wrongName.tlsServerName = "hub.example.com"
        let misnamed = try HTTPClient(baseURL: "https://127.0.0.1:\(port)", configuration: wrongName)
        #expect(
            throws: HTTPClientError.tlsVerificationFailed(
                peer: "127.0.0.1:\(port)",
                reason: "certificate verify failed: hostname mismatch")
        ) {
            _ = try misnamed.send(HTTPRequest(method: "GET", target: "/"))
        }

        let anonymous = try HTTPClient(
            baseURL: "https://127.0.0.1:\(port)",
            configuration: HTTPClientConfiguration(tls: try TLSClientContext(caFile: certificates.caFile)))
        let refusal = #expect(throws: HTTPClientError.self) {
            _ = try anonymous.send(HTTPRequest(method: "GET", target: "/"))
        }
        guard case .tlsFailed(let peer, let reason)? = refusal else {
            Issue.record("expected tlsFailed, got \(String(describing: refusal))")
            return
        }
        #expect(peer == "127.0.0.1:\(port)")
        #expect(reason.contains("certificate required"), "\(reason)")
        #expect(waitUntil { server.statistics.tlsHandshakeFailures == 3 })
    }
}
