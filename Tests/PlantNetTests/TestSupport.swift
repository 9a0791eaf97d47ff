import Foundation

@testable import PlantNet

/// Deterministic pseudo-random numbers (SplitMix64) for seeded input splits.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What a decoder made of a whole input: the messages, then the error that stopped it, if any.
struct DecodeOutcome<Message: Equatable>: Equatable {
    var messages: [Message] = []
    var error: HTTPParseError?
}

enum Splits {
    /// The input cut whole, byte by byte, and at 20 seeded random places sets.
    static func all(_ input: [UInt8]) -> [(name: String, pieces: [[UInt8]])] {
        var result: [(String, [[UInt8]])] = [("whole", [input]), ("bytewise", input.map { [$0] })]
        for seed in UInt64(1)...20 {
            var random = SeededRandom(seed: seed)
            var pieces: [[UInt8]] = []
            var index = 0
            while index < input.count {
                let length = Int.random(in: 1...max(1, min(64, input.count)), using: &random)
                pieces.append(Array(input[index..<min(input.count, index + length)]))
                index += length
            }
            result.append(("seed \(seed)", pieces))
        }
        return result
    }
}

func decodeRequests(_ pieces: [[UInt8]], limits: HTTPLimits = HTTPLimits()) -> DecodeOutcome<HTTPRequest> {
    var decoder = HTTPRequestDecoder(limits: limits)
    var buffer = ByteBuffer()
    var outcome = DecodeOutcome<HTTPRequest>()
    do {
        for piece in pieces {
            buffer.append(piece)
            while let request = try decoder.decode(&buffer) { outcome.messages.append(request) }
        }
        while let request = try decoder.decodeLast(&buffer) { outcome.messages.append(request) }
    } catch {
        outcome.error = error as? HTTPParseError
    }
    return outcome
}

func decodeResponses(_ pieces: [[UInt8]], methods: [String] = []) -> DecodeOutcome<HTTPResponse> {
    var decoder = HTTPResponseDecoder()
    for method in methods { decoder.expectResponse(toMethod: method) }
    var buffer = ByteBuffer()
    var outcome = DecodeOutcome<HTTPResponse>()
    do {
        for piece in pieces {
            buffer.append(piece)
            while let response = try decoder.decode(&buffer) { outcome.messages.append(response) }
        }
        while let response = try decoder.decodeLast(&buffer) { outcome.messages.append(response) }
    } catch {
        outcome.error = error as? HTTPParseError
    }
    return outcome
}

/// Waits for `condition` with a deadline (never a bare sleep as synchronisation).
func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

/// A temporary directory removed by `remove()`.
struct TemporaryDirectory {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("plantnet-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a blocking closure on a new thread and lets the test wait for its result.
final class Background<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<Value, Error>?

    init(_ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let outcome = Result { try body() }
            condition.lock()
            result = outcome
            condition.broadcast()
            condition.unlock()
        }
        thread.start()
    }

    /// The result, or nil if the body did not finish in time.
    func wait(timeout: TimeInterval = 20) -> Result<Value, Error>? {
        let limit = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while result == nil {
            if !condition.wait(until: limit) { break }
        }
        return result
    }

    var isFinished: Bool {
        condition.lock()
        defer { condition.unlock() }
        return result != nil
    }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
