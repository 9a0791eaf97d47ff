import Testing

@testable import PlantNet

/// Loopback figures for the report; they assert correctness, not speed (the box is shared).
@Suite struct HTTPThroughputTests {
    @Test func keepAliveSmallRequestsPerSecond() throws {
        let server = try HTTPServer(configuration: HTTPServerConfiguration()) { _ in
            HTTPResponse(status: 200, contentType: "application/json", body: "{\"acked_through\":1}")
        }
        defer { server.stop() }
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)")
        let request = HTTPRequest(
            method: "POST", target: "/v1/batches", headers: ["Authorization": "Bearer t"],
            body: Array("{\"events\":[]}".utf8))
        let count = 2000
        let clock = ContinuousClock()
        var ok = 0
        let elapsed = try clock.measure {
            for _ in 0..<count where try client.send(request).status == 200 { ok += 1 }
        }
        #expect(ok == count)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("plain keep-alive: \(count) requests in \(elapsed) = \(Int(Double(count) / seconds)) requests/s")
    }

    @Test func tlsMegabyteBatches() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let tls = try TLSServerContext(certFile: certificates.serverCertFile, keyFile: certificates.serverKeyFile)
        let server = try HTTPServer(configuration: HTTPServerConfiguration(tls: tls)) { request in
            HTTPResponse(status: 200, contentType: "text/plain", body: "\(request.body.count)")
        }
        defer { server.stop() }
        let client = try HTTPClient(
            baseURL: "https://localhost:\(server.port)",
            configuration: HTTPClientConfiguration(tls: try TLSClientContext(caFile: certificates.caFile)))
        let body = [UInt8](repeating: 0x7B, count: 1 << 20)
        let batches = 20
        let clock = ContinuousClock()
        var answers: [String] = []
        let elapsed = try clock.measure {
            for _ in 0..<batches {
                answers.append(try client.send(HTTPRequest(method: "POST", target: "/v1/batches", body: body)).bodyText)
            }
        }
        #expect(answers == Array(repeating: "1048576", count: batches))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("TLS: \(batches) x 1 MiB POST in \(elapsed) = \(Int(Double(batches) / seconds)) MiB/s")
    }
}
