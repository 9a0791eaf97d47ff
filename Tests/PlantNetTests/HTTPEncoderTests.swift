import Testing

@testable import PlantNet

@Suite struct HTTPEncoderTests {
    @Test func requestRoundTripsThroughTheDecoder() throws {
        let request = HTTPRequest(
            method: "POST", target: "/v1/batches",
            headers: ["Host": "hub:8443", "Content-Length": "999", "Authorization": "Bearer t"],
            body: Array("{\"plant\":\"P100\"}".utf8))
        var bytes: [UInt8] = []
        try HTTPRequestEncoder().encode(request, into: &bytes)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "POST /v1/batches HTTP/1.1\r\nHost: hub:8443\r\nAuthorization: Bearer t\r\nContent-Length: 16\r\n\r\n{\"plant\":\"P100\"}"
        )
        let decoded = try #require(decodeRequests([bytes]).messages.first)
        #expect(decoded.body == request.body)
        #expect(decoded.headers["content-length"] == "16")
    }

    @Test func responseEncoding() throws {
        var bytes: [UInt8] = []
        try HTTPResponseEncoder().encode(
            HTTPResponse(status: 200, contentType: "application/json", body: "{}"), into: &bytes)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        bytes = []
        try HTTPResponseEncoder().encode(HTTPResponse(status: 204), into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "HTTP/1.1 204 No Content\r\n\r\n")
    }

    @Test func headerInjectionIsRefused() {
        var bytes: [UInt8] = []
        let response = HTTPResponse(status: 200, headers: ["X-Echo": "a\r\nSet-Cookie: evil"])
        #expect(throws: HTTPParseError.invalidHeaderValue(name: "X-Echo")) {
            try HTTPResponseEncoder().encode(response, into: &bytes)
        }
        let request = HTTPRequest(method: "GET", target: "/a b")
        #expect(throws: HTTPParseError.malformedRequestLine) { try HTTPRequestEncoder().encode(request, into: &bytes) }
    }

    @Test func headerLookupIsCaseInsensitive() {
        var headers: HTTPHeaders = ["Content-Type": "a", "X-Multi": "1"]
        headers.add("x-multi", "2")
        #expect(headers["CONTENT-type"] == "a")
        #expect(headers.values(for: "X-MULTI") == ["1", "2"])
        headers.set("x-Multi", "3")
        #expect(headers.values(for: "x-multi") == ["3"])
        headers.remove("content-TYPE")
        #expect(headers.count == 1)
        #expect(headers["Content-Typf"] == nil)
    }
}
