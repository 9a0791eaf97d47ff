/// The rows both benchmarks write: same ids, same type, same body size, same stream.
enum BenchRows {
    static let stream = "production"
    static let type = "production_confirmation"

    static func body(bytes: Int) -> [UInt8] {
        let head = Array(
            "{\"line\":\"L3\",\"order\":\"WO-4711\",\"qty\":{\"value\":\"120\",\"unit\":\"EA\"},\"pad\":\"".utf8)
        let tail = Array("\"}".utf8)
        let pad = max(0, bytes - head.count - tail.count)
        return head + [UInt8](repeating: UInt8(ascii: "x"), count: pad) + tail
    }

    static func id(_ number: Int) -> String { "conf/L3/WO-4711/\(number)" }
}

/// Prints the one result line the bench script parses.
func reportBench(_ name: String, batch: Int, count: Int, seconds: Double) {
    let rate = Double(count) / seconds
    Output.line("\(name) batch=\(batch) count=\(count) seconds=\(seconds) events_per_s=\(Int(rate))")
}
