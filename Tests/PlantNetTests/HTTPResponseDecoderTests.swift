import Testing

@testable import PlantNet

@Suite struct HTTPResponseDecoderTests {
    func expectSameForAllSplits(_ input: String, methods: [String] = []) -> DecodeOutcome<HTTPResponse> {
        let reference = decodeResponses([input.bytes], methods: methods)
        for (name, pieces) in Splits.all(input.bytes) {
            #expect(decodeResponses(pieces, methods: methods) == reference, "split \(name) differs")
        }
        return reference
    }

    @Test func lengthChunkedAndBodilessResponses() throws {
        let input =
            "HTTP/1.1 100 Continue\r\n\r\n" + "HTTP/1.1 200 OK\r\nContent-Length: 19\r\n\r\n{\"acked_through\":1}"
            + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
            + "HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\n\r\n"
            + "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n"
        let outcome = expectSameForAllSplits(input, methods: ["POST", "HEAD", "POST", "DELETE", "POST"])
        #expect(outcome.error == nil)
        try #require(outcome.messages.map(\.status) == [200, 200, 409, 204, 503])
        #expect(outcome.messages[0].bodyText == "{\"acked_through\":1}")
        #expect(outcome.messages[1].body == [])  // HEAD: Content-Length describes the GET body
        #expect(outcome.messages[2].bodyText == "abc")
        #expect(outcome.messages[2].reason == "Conflict")
        #expect(outcome.messages[4].headers["retry-after"] == "7")
        #expect(outcome.messages.allSatisfy { $0.keepAlive })
    }

    @Test func bodyUntilCloseEndsAtEndOfStream() throws {
        let outcome = expectSameForAllSplits("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of it")
        #expect(outcome.error == nil)
        let response = try #require(outcome.messages.first)
        #expect(response.bodyText == "all of it")
        #expect(response.keepAlive == false)
    }

    @Test func malformedResponses() {
        #expect(expectSameForAllSplits("HTTP/1.1 20 OK\r\n\r\n").error == .malformedStatusLine)
        #expect(expectSameForAllSplits("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc").error == .truncatedMessage)
        #expect(
            expectSameForAllSplits("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n").error
                == .contentLengthWithTransferEncoding)
        #expect(expectSameForAllSplits("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").messages.first?.reason == "")
    }
}
