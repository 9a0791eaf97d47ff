import PlantModel

@testable import PlantAggregate

/// A reproducible pseudo-random generator (SplitMix64), so a failing seed can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One step of a generated feed: a sample, or a tick of the driver's clock.
enum FeedStep: Sendable {
    case sample(tag: String, time: Int64, value: TelemetryValue, quality: SampleQuality)
    case tick(Int64)

    var time: Int64 {
        switch self {
        case .sample(_, let time, _, _): time
        case .tick(let time): time
        }
    }
}

/// Generates a feed with random increments, rollovers, resets, bad and uncertain samples, duplicates,
/// out-of-order samples, order changes mid-window, state changes and gaps. Samples that arrive are
/// never newer-but-late across tags, so every accepted increase belongs to the period of its own time.
struct FeedScript {
    var steps: [FeedStep] = []
    /// The time of the last step; shut down after it.
    var end: Int64 = 0

    init(seed: UInt64, width: CounterWidth, count: Int, lateness: Int64) {
        var random = SeededGenerator(seed: seed)
        var time = shiftStart + Int64.random(in: 0..<900_000, using: &random)
        let mask = width.mask
        let step = mask >> 4
        var counters: [String: UInt64] = [:]
        for tag in ["good", "scrap", "rework"] {
            // Start some counters close to the top so rollovers happen at every width.
            counters[tag] =
                Bool.random(using: &random)
                ? mask - UInt64.random(in: 0...500, using: &random)
                : UInt64.random(in: 0...1000, using: &random)
        }
        var sent: [String: [FeedStep]] = [:]
        func value(_ raw: UInt64) -> TelemetryValue {
            // 64-bit registers travel as signed 64-bit numbers; narrower ones sometimes as signed too.
            if width == .bits64 { return .number(DecimalNumber(integer: Int64(bitPattern: raw))) }
            let signed = Bool.random(using: &random) && raw > mask >> 1
            return .number(DecimalNumber(integer: signed ? Int64(raw) - Int64(mask) - 1 : Int64(raw)))
        }
        for _ in 0..<count {
            let roll = Int.random(in: 0..<1000, using: &random)
            time +=
                roll < 8
                ? Int64.random(in: 300_000...5_400_000, using: &random)  // a gap
                : Int64.random(in: 1...90_000, using: &random)
            var emitted: FeedStep
            switch roll {
            case 0..<600:
                let tag = ["good", "good", "good", "scrap", "rework"].randomElement(using: &random)!
                counters[tag] = (counters[tag]! &+ UInt64.random(in: 0...40, using: &random)) & mask
                emitted = .sample(tag: tag, time: time, value: value(counters[tag]!), quality: .good)
            case 600..<615:
                let tag = ["good", "scrap"].randomElement(using: &random)!
                if counters[tag]! > step + 100 {
                    counters[tag] = UInt64.random(in: 0...3, using: &random)  // PLC restart
                }
                emitted = .sample(tag: tag, time: time, value: value(counters[tag]!), quality: .good)
            case 615..<660:
                let quality: SampleQuality = Bool.random(using: &random) ? .bad : .uncertain
                emitted = .sample(
                    tag: "good", time: time, value: .number(DecimalNumber(Int.random(in: 0...99, using: &random))),
                    quality: quality)
            case 660..<720:
                let tag = ["good", "scrap", "order", "state"].randomElement(using: &random)!
                guard let earlier = sent[tag]?.randomElement(using: &random) else { continue }
                emitted = earlier  // a duplicate or an out-of-order repeat
            case 720..<760:
                let order = ["WO-1", "WO-2", "WO-3", ""].randomElement(using: &random)!
                emitted = .sample(tag: "order", time: time, value: .string(order), quality: .good)
            case 760..<860:
                let state = ["1", "1", "2", "3", "9"].randomElement(using: &random)!
                emitted = .sample(
                    tag: "state", time: time, value: .number(DecimalNumber(state)!), quality: .good)
            case 860..<890:
                emitted = .sample(
                    tag: "reason", time: time, value: .string("E\(Int.random(in: 1...3, using: &random))"),
                    quality: .good)
            default:
                emitted = .tick(time + Int64.random(in: 0...lateness, using: &random))
            }
            if case .sample(let tag, _, _, _) = emitted { sent[tag, default: []].append(emitted) }
            steps.append(emitted)
        }
        end = time + 1000
    }
}
