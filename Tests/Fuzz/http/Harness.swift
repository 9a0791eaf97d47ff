// libFuzzer harness: PlantNet's HTTP/1.1 request and response decoders.
// Properties: no crash or trap on any bytes; the same messages and the same final error whether the
// bytes arrive whole or in chunks (STYLE: a streaming decoder gives identical results for any split);
// every decoded request re-encodes and decodes to itself.
import PlantNet

private struct Outcome<Message: Equatable>: Equatable {
    var messages: [Message] = []
    var error: String?
}

/// Chunk lengths from a small generator seeded by the input (deterministic per input).
private func chunks(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var state = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
    for byte in bytes.prefix(16) { state = (state ^ UInt64(byte)) &* 0x100_0000_01B3 }
    var result: [ArraySlice<UInt8>] = []
    var start = 0
    while start < bytes.count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let length = Int(state >> 59) + 1  // 1…32 bytes
        let end = min(bytes.count, start + length)
        result.append(bytes[start..<end])
        start = end
    }
    return result
}

private let limits = HTTPLimits(maxRequestLineBytes: 512, maxHeadBytes: 2_048, maxHeaderCount: 16, maxBodyBytes: 4_096)

private func decodeRequests(_ pieces: [ArraySlice<UInt8>]) -> Outcome<HTTPRequest> {
    var decoder = HTTPRequestDecoder(limits: limits)
    var buffer = ByteBuffer()
    var outcome = Outcome<HTTPRequest>()
    do {
        for piece in pieces {
            buffer.append(piece)
            while let request = try decoder.decode(&buffer) { outcome.messages.append(request) }
        }
        while let request = try decoder.decodeLast(&buffer) { outcome.messages.append(request) }
    } catch {
        outcome.error = "\(error)"
    }
    return outcome
}

private func decodeResponses(_ pieces: [ArraySlice<UInt8>], method: String) -> Outcome<HTTPResponse> {
    var decoder = HTTPResponseDecoder(limits: limits)
    decoder.expectResponse(toMethod: method)
    var buffer = ByteBuffer()
    var outcome = Outcome<HTTPResponse>()
    do {
        for piece in pieces {
            buffer.append(piece)
            while let response = try decoder.decode(&buffer) {
                outcome.messages.append(response)
                decoder.expectResponse(toMethod: method)
            }
        }
        while let response = try decoder.decodeLast(&buffer) {
            outcome.messages.append(response)
            decoder.expectResponse(toMethod: method)
        }
    } catch {
        outcome.error = "\(error)"
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let whole = [bytes[...]]
    let split = chunks(bytes)

    let requests = decodeRequests(whole)
    let splitRequests = decodeRequests(split)
    if requests != splitRequests {
        fatalError("request decoder: whole input gives \(requests), split input gives \(splitRequests)")
    }
    for request in requests.messages {
        var encoded: [UInt8] = []
        guard (try? HTTPRequestEncoder().encode(request, into: &encoded)) != nil else { continue }
        // The encoder adds Content-Length, so read its output with the default (larger) limits.
        var decoder = HTTPRequestDecoder()
        var buffer = ByteBuffer(encoded)
        var again = Outcome<HTTPRequest>()
        do {
            while let decoded = try decoder.decodeLast(&buffer) { again.messages.append(decoded) }
        } catch {
            again.error = "\(error)"
        }
        if again.messages.count != 1 || again.messages[0].method != request.method
            || again.messages[0].target != request.target || again.messages[0].body != request.body
        {
            fatalError("request \(request) re-encodes to \(encoded) which decodes to \(again)")
        }
    }

    let method = bytes.first.map { $0 & 1 == 0 ? "POST" : "HEAD" } ?? "GET"
    let responses = decodeResponses(whole, method: method)
    let splitResponses = decodeResponses(split, method: method)
    if responses != splitResponses {
        fatalError("response decoder: whole input gives \(responses), split input gives \(splitResponses)")
    }
    return 0
}
