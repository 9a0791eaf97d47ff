// libFuzzer harness: FileDrop's streaming CSV decoder (PlantCapture).
// Properties: no crash or trap on any bytes; the same records and rejections, with the same lines and
// offsets, whether the file arrives whole or in chunks; offsets only grow and never pass the end.
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

private func decode(_ pieces: [ArraySlice<UInt8>], delimiter: UInt8) -> [FileRecordItem] {
    // A small record limit so the "too long" path is reached often.
    var decoder = CSVDecoder(delimiter: delimiter, maxRecordBytes: 96)
    var items: [FileRecordItem] = []
    for piece in pieces {
        var rest = piece
        while let item = decoder.decode(&rest) { items.append(item) }
    }
    var empty: ArraySlice<UInt8> = []
    while let item = decoder.decodeLast(&empty) { items.append(item) }
    return items
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let delimiter: UInt8 = bytes.first.map { $0 & 3 == 0 ? UInt8(ascii: ";") : UInt8(ascii: ",") } ?? UInt8(ascii: ",")
    let whole = decode([bytes[...]], delimiter: delimiter)
    let split = decode(chunks(bytes), delimiter: delimiter)
    if whole != split {
        fatalError("CSV: whole input gives \(whole), split input gives \(split)")
    }
    var lastOffset: Int64 = 0
    for item in whole {
        let offset = item.endOffset
        if offset < lastOffset || offset > Int64(bytes.count) {
            fatalError("CSV: end offset \(offset) after \(lastOffset) in \(bytes.count) bytes: \(whole)")
        }
        lastOffset = offset
    }
    return 0
}
