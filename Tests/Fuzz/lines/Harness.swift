// libFuzzer harness: the telemetry `lines` format (TelemetryFeed's LineFramer + TelemetryLineParser).
// Properties: no crash or trap on any bytes; the framer gives the same frames for any split of the
// stream; every framed line either parses or is refused with an error, never traps.
import PlantCapture

private func chunks(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var state = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
    for byte in bytes.prefix(16) { state = (state ^ UInt64(byte)) &* 0x100_0000_01B3 }
    var result: [ArraySlice<UInt8>] = []
    var start = 0
    while start < bytes.count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let length = Int(state >> 59) + 1
        let end = min(bytes.count, start + length)
        result.append(bytes[start..<end])
        start = end
    }
    return result
}

private func frames(_ pieces: [ArraySlice<UInt8>]) -> [LineFramer.Frame] {
    var framer = LineFramer(maxLineBytes: 200)
    var frames: [LineFramer.Frame] = []
    for piece in pieces {
        var rest = piece
        while let frame = framer.decode(&rest) { frames.append(frame) }
    }
    while let frame = framer.decodeLast() { frames.append(frame) }
    return frames
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let whole = frames([bytes[...]])
    let split = frames(chunks(bytes))
    if whole != split { fatalError("LineFramer: whole input gives \(whole), split input gives \(split)") }
    for frame in whole {
        guard case .line(let line) = frame else { continue }
        _ = try? TelemetryLineParser.parse(line)
    }
    // The parser on the raw input too (it must cope with bytes the framer would never pass on).
    _ = try? TelemetryLineParser.parse(bytes)
    return 0
}
