import PlantModel

@testable import PlantAggregate

/// A deliberately simple, independent model of what the confirmations must add up to: it walks the
/// samples once, with 128-bit arithmetic and no windows machinery, and sums counter increases per order
/// and per (order, period).
struct ReferenceCount {
    let width: Int
    let maxRolloverStep: UInt128
    let scale: DecimalNumber
    let window: Int64
    let shiftStartsMinutes: [Int]

    struct Last { var time: Int64; var value: TelemetryValue }
    var last: [String: Last] = [:]
    var order: String?
    var state: (time: Int64, value: String)?
    var stateHistory: [(time: Int64, state: MachineState?)] = []
    /// counts[tag][order] and per (order, period start).
    var perOrder: [String: [String: UInt128]] = [:]
    var perPeriod: [String: [String: UInt128]] = [:]

    init(_ configuration: LineConfiguration) {
        width = configuration.counterWidth.rawValue
        maxRolloverStep = UInt128(configuration.maxRolloverStep ?? (configuration.counterWidth.mask >> 4))
        scale = configuration.counterScale
        window = configuration.windowMilliseconds
        shiftStartsMinutes = configuration.shiftStarts
    }

    var modulus: UInt128 { UInt128(1) << UInt128(width) }

    mutating func observe(tag: String, time: Int64, value: TelemetryValue, quality: SampleQuality) {
        guard quality == .good else { return }
        if let previous = last[tag], time <= previous.time { return }
        switch tag {
        case "good", "scrap", "rework":
            guard case .number(let number) = value, let integer = number.int64Value else { return }
            let signed = Int128(integer)
            guard signed < Int128(modulus), signed >= -Int128(modulus / 2) else { return }
            let raw = UInt128((signed + Int128(modulus)) % Int128(modulus))
            if let previous = last[tag], case .number(let old) = previous.value {
                let oldRaw = UInt128((Int128(old.int64Value!) + Int128(modulus)) % Int128(modulus))
                var delta: UInt128 = 0
                if raw >= oldRaw {
                    delta = raw - oldRaw
                } else if raw + modulus - oldRaw <= maxRolloverStep {
                    delta = raw + modulus - oldRaw
                }
                let key = order.flatMap { $0.isEmpty ? nil : $0 } ?? "UNASSIGNED"
                perOrder[tag, default: [:]][key, default: 0] += delta
                perPeriod[tag, default: [:]]["\(key) \(periodStart(time))", default: 0] += delta
            }
        case "order":
            order = value.text
        case "state":
            let mapped: MachineState? =
                switch value.text {
                case "1": .running
                case "2": .idle
                case "3": .down
                default: nil
                }
            stateHistory.append((time, mapped))
        default:
            break
        }
        last[tag] = Last(time: time, value: value)
    }

    /// The period start of `time`: the later of the window start and the last shift start (UTC plant).
    func periodStart(_ time: Int64) -> Int64 {
        var start = time - ((time % window) + window) % window
        let day: Int64 = 86_400_000
        let midnight = time - ((time % day) + day) % day
        for dayStart in [midnight - day, midnight] {
            for minute in shiftStartsMinutes {
                let boundary = dayStart + Int64(minute) * 60_000
                if boundary <= time { start = max(start, boundary) }
            }
        }
        return start
    }

    /// Milliseconds in `state` within [from, to), from the accepted state samples.
    func milliseconds(in state: MachineState, from: Int64, to: Int64) -> Int64 {
        var total: Int64 = 0
        for (index, entry) in stateHistory.enumerated() where entry.state == state {
            let end = index + 1 < stateHistory.count ? stateHistory[index + 1].time : Int64.max
            let overlap = min(end, to) - max(entry.time, from)
            if overlap > 0 { total += overlap }
        }
        return total
    }

    /// Counts as a quantity.
    func quantity(_ counts: UInt128) -> DecimalNumber {
        try! DecimalNumber(integer: Int64(counts)).multiplied(by: scale)
    }
}
