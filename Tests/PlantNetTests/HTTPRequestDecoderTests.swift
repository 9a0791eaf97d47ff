import Testing

@testable import PlantNet

@Suite struct HTTPRequestDecoderTests {
    /// Every split of `input` must decode to exactly the same outcome.
    func expectSameForAllSplits(_ input: String, limits: HTTPLimits = HTTPLimits()) -> DecodeOutcome<HTTPRequest> {
        let bytes = input.bytes
        let reference = decodeRequests([bytes], limits: limits)
        for (name, pieces) in Splits.all(bytes) {
            let outcome = decodeRequests(pieces, limits: limits)
            #expect(outcome == reference, "split \(name) differs")
        }
        return reference
    }

    @Test func contentLengthRequest() throws {
        let outcome = expectSameForAllSplits(
            "POST /v1/batches?x=1 HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
                + "Authorization:  Bearer abc \r\nContent-Length: 11\r\n\r\n{\"a\": true}")
        #expect(outcome.error == nil)
        let request = try #require(outcome.messages.first)
        #expect(outcome.messages.count == 1)
        #expect(request.method == "POST")
        #expect(request.target == "/v1/batches?x=1")
        #expect(request.path == "/v1/batches")
        #expect(request.query == "x=1")
        #expect(request.version == .http1_1)
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["AUTHORIZATION"] == "Bearer abc")
        #expect(request.body == "{\"a\": true}".bytes)
        #expect(request.keepAlive)
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() throws {
        let outcome = expectSameForAllSplits(
            "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1\r\n \r\nA \r\n0123456789\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n"
                + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(outcome.error == nil)
        #expect(outcome.messages.count == 2)
        #expect(outcome.messages[0].body == "hello 0123456789".bytes)
        #expect(outcome.messages[1].target == "/next")
        #expect(outcome.messages[1].body == [])
    }

    @Test func pipelinedRequestsKeepOrderAndLeadingCRLFIsSkipped() {
        var input = ""
        for index in 0..<20 {
            input +=
                "POST /r\(index) HTTP/1.1\r\nHost: h\r\nContent-Length: \(String(index).utf8.count)\r\n\r\n\(index)"
            if index == 3 { input += "\r\n" }  // stray CRLF after a body, as some clients send
        }
        let outcome = expectSameForAllSplits(input)
        #expect(outcome.error == nil)
        #expect(outcome.messages.map(\.target) == (0..<20).map { "/r\($0)" })
        #expect(outcome.messages.map { String(decoding: $0.body, as: UTF8.self) } == (0..<20).map { "\($0)" })
    }

    @Test func keepAliveSemantics() {
        let cases: [(String, Bool)] = [
            ("GET / HTTP/1.1\r\nHost: h\r\n\r\n", true),
            ("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n", false),
            ("GET / HTTP/1.0\r\n\r\n", false),
            ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
        ]
        for (input, keepAlive) in cases {
            let outcome = decodeRequests([input.bytes])
            #expect(outcome.messages.first?.keepAlive == keepAlive, "\(input)")
        }
    }

    @Test func identicalContentLengthsAreAccepted() {
        let outcome = expectSameForAllSplits(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc")
        #expect(outcome.error == nil)
        #expect(outcome.messages.first?.body == "abc".bytes)
    }

    @Test func endOfStreamBetweenMessagesIsClean() {
        #expect(decodeRequests([]) == DecodeOutcome())
        #expect(decodeRequests(["\r\n".bytes]) == DecodeOutcome())
    }

    @Test func largeBodyIsCopiedOutWhole() throws {
        let body = [UInt8](repeating: 0x61, count: 1 << 20)
        var buffer = ByteBuffer("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.count)\r\n\r\n")
        var decoder = HTTPRequestDecoder()
        #expect(try decoder.decode(&buffer) == nil)
        buffer.append(body)
        let request = try #require(try decoder.decode(&buffer))
        #expect(request.body == body)
        #expect(buffer.isEmpty)
    }

    @Test func manySmallRequestsDecodeQuickly() throws {
        let one = "POST /v1/batches HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer t\r\nContent-Length: 2\r\n\r\n{}"
            .bytes
        var buffer = ByteBuffer()
        for _ in 0..<10_000 { buffer.append(one) }
        var decoder = HTTPRequestDecoder()
        let clock = ContinuousClock()
        var count = 0
        let elapsed = try clock.measure {
            while try decoder.decode(&buffer) != nil { count += 1 }
        }
        #expect(count == 10_000)
        print("decoded 10000 small requests in \(elapsed)")
    }
}
