import Testing

@testable import PlantNet

@Suite struct HTTPMalformedInputTests {
    static let small = HTTPLimits(maxRequestLineBytes: 64, maxHeadBytes: 256, maxHeaderCount: 5, maxBodyBytes: 100)

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var input: String
        var error: HTTPParseError
        var status: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "CL and TE",
            input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            error: .contentLengthWithTransferEncoding, status: 400),
        Case(
            name: "differing CL", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            error: .conflictingContentLength, status: 400),
        Case(
            name: "CL list differs", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 7\r\n\r\n",
            error: .conflictingContentLength, status: 400),
        Case(
            name: "CL not digits", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5a\r\n\r\n",
            error: .invalidContentLength("5a"), status: 400),
        Case(
            name: "CL negative", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
            error: .invalidContentLength("-1"), status: 400),
        Case(
            name: "CL overflow", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n",
            error: .bodyTooLarge(limit: 100), status: 413),
        Case(
            name: "CL over limit", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n",
            error: .bodyTooLarge(limit: 100), status: 413),
        Case(
            name: "gzip coding", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            error: .unsupportedTransferCoding("gzip"), status: 501),
        Case(
            name: "chunked twice",
            input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            error: .invalidTransferEncoding("chunked, chunked"), status: 400),
        Case(
            name: "bad chunk size", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            error: .invalidChunkSize("zz"), status: 400),
        Case(
            name: "chunk size sign", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n",
            error: .invalidChunkSize("-5"), status: 400),
        Case(
            name: "chunk size 16 digits",
            input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
            error: .invalidChunkSize("1000000000000000"), status: 400),
        Case(
            name: "chunked over limit",
            input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n"
                + String(repeating: "x", count: 64) + "\r\n40\r\n",
            error: .bodyTooLarge(limit: 100), status: 413),
        Case(
            name: "chunk without CRLF",
            input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n",
            error: .invalidChunkTerminator, status: 400),
        Case(
            name: "chunk line too long",
            input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;"
                + String(repeating: "e", count: 1100) + "\r\n",
            error: .chunkLineTooLong(limit: 1024), status: 400),
        Case(name: "bare LF", input: "GET / HTTP/1.1\nHost: h\n\n", error: .bareLineFeed, status: 400),
        Case(
            name: "bare LF in chunk", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello",
            error: .bareLineFeed, status: 400),
        Case(
            name: "bare CR", input: "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", error: .bareCarriageReturn, status: 400),
        Case(
            name: "obs-fold", input: "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", error: .obsoleteLineFolding,
            status: 400),
        Case(
            name: "space before colon", input: "GET / HTTP/1.1\r\nHost : h\r\n\r\n", error: .invalidHeaderName("Host "),
            status: 400),
        Case(
            name: "no colon", input: "GET / HTTP/1.1\r\nHost h\r\n\r\n", error: .invalidHeaderName("Host h"),
            status: 400),
        Case(
            name: "NUL in value", input: "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n",
            error: .invalidHeaderValue(name: "X"),
            status: 400),
        Case(
            name: "request line too long",
            input: "GET /" + String(repeating: "a", count: 80) + " HTTP/1.1\r\nHost: h\r\n\r\n",
            error: .requestLineTooLong(limit: 64), status: 414),
        Case(
            name: "head too large",
            input: "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "v", count: 300) + "\r\n\r\n",
            error: .headTooLarge(limit: 256), status: 431),
        Case(
            name: "too many headers",
            input: "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n",
            error: .tooManyHeaders(limit: 5), status: 431),
        Case(
            name: "HTTP/2.0", input: "GET / HTTP/2.0\r\nHost: h\r\n\r\n", error: .unsupportedVersion("HTTP/2.0"),
            status: 505),
        Case(
            name: "double space", input: "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", error: .malformedRequestLine, status: 400
        ),
        Case(
            name: "lowercase version", input: "GET / http/1.1\r\nHost: h\r\n\r\n", error: .malformedRequestLine,
            status: 400),
        Case(name: "missing Host", input: "GET / HTTP/1.1\r\nX: y\r\n\r\n", error: .missingHost, status: 400),
        Case(
            name: "two Hosts", input: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", error: .multipleHost, status: 400),
        Case(
            name: "truncated body", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc",
            error: .truncatedMessage, status: 400),
        Case(name: "truncated head", input: "GET / HTTP/1.1\r\nHost: h\r\n", error: .truncatedMessage, status: 400),
    ]

    @Test(arguments: cases)
    func rejected(_ testCase: Case) {
        let bytes = testCase.input.bytes
        for (name, pieces) in Splits.all(bytes) {
            let outcome = decodeRequests(pieces, limits: Self.small)
            #expect(outcome.messages.isEmpty, "\(name)")
            #expect(outcome.error == testCase.error, "\(name)")
        }
        #expect(testCase.error.status == testCase.status)
    }

    @Test func errorAfterAGoodPipelinedRequestKeepsTheGoodOne() {
        let input = "GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /bad HTTP/1.1\nHost: h\n\n"
        for (name, pieces) in Splits.all(input.bytes) {
            let outcome = decodeRequests(pieces)
            #expect(outcome.messages.map(\.target) == ["/ok"], "\(name)")
            #expect(outcome.error == .bareLineFeed, "\(name)")
        }
    }

    @Test func messagesSayWhatWasExpected() {
        #expect(
            HTTPParseError.invalidContentLength("5a").description
                == "invalid Content-Length \"5a\": expected decimal digits")
        #expect(
            HTTPParseError.unsupportedTransferCoding("gzip").description
                == "unsupported transfer coding \"gzip\": only chunked is implemented")
    }
}
