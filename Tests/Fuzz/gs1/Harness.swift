// libFuzzer harness: GS1 scan decoding (Scanner/GS1) and the decode report `plantsync decode-scan` prints.
// Properties: no crash or trap on any bytes, with and without `assume_gs1`, in the decoder and in the report.
import PlantCapture

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let assume = bytes.first.map { $0 & 1 == 1 } ?? false
    _ = try? GS1Decoder.decode(bytes, currentYear: 2026, assumeGS1: assume)
    _ = try? GS1Decoder.decode(bytes, currentYear: 2026, assumeGS1: !assume)
    if bytes.count % 4 == 0, let text = String(validating: bytes, as: UTF8.self) {
        _ = ScanDecodeReport.make(input: text, currentYear: 2026, assumeGS1: assume)
    }
    return 0
}
