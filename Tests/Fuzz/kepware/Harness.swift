// libFuzzer harness: TelemetryFeed's Kepware IoT Gateway JSON parser (one message per line).
// Properties: no crash or trap on any bytes; the array and raw-buffer entry points agree.
import PlantCapture

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let fromArray = Result { () throws(TelemetryLineError) -> TelemetryLine in try KepwareJSONParser.parse(bytes) }
    let fromBuffer = Result { () throws(TelemetryLineError) -> TelemetryLine in
        try KepwareJSONParser.parse(UnsafeRawBufferPointer(start: data, count: count))
    }
    switch (fromArray, fromBuffer) {
    case (.success(let a), .success(let b)) where a == b: break
    case (.failure(let a), .failure(let b)) where "\(a)" == "\(b)": break
    default: fatalError("Kepware parser: [UInt8] gives \(fromArray), raw buffer gives \(fromBuffer)")
    }
    return 0
}
