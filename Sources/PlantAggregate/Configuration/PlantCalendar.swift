import Foundation

/// Cuts time into the periods confirmations cover: windows aligned to the plant's clock, further cut at
/// shift starts and at daylight-saving transitions (within a period the plant's UTC offset is constant,
/// so the arithmetic below is exact). Asked once per period, never per sample.
struct PlantCalendar: Sendable {
    private let window: Int64
    private let shiftStarts: [Int64]  // milliseconds after local midnight, ascending
    private let fixedOffset: Int64?
    private let zone: TimeZone?

    private static let day: Int64 = 86_400_000

    init(window: Int64, timeZone: PlantTimeZone, shiftStartMinutes: [Int]) {
        precondition(window > 0, "window length must be positive")
        self.window = window
        self.shiftStarts = shiftStartMinutes.sorted().map { Int64($0) * 60_000 }
        switch timeZone {
        case .fixed(let seconds):
            fixedOffset = Int64(seconds) * 1000
            zone = nil
        case .named(let name):
            // Validated when the configuration is decoded; an unknown name here falls back to UTC.
            let zone = TimeZone(identifier: name)
            fixedOffset = zone == nil ? 0 : nil
            self.zone = zone
        }
    }

    /// The period [start, end) (milliseconds since the epoch) that contains `time`.
    func period(containing time: Int64) -> (start: Int64, end: Int64) {
        let offset = offsetMilliseconds(at: time)
        let local = time + offset
        var localStart = floorDivide(local, window) * window
        var localEnd = localStart + window
        if !shiftStarts.isEmpty {
            let (previousShift, nextShift) = shiftBoundaries(around: local)
            localStart = max(localStart, previousShift)
            localEnd = min(localEnd, nextShift)
        }
        var start = localStart - offset
        var end = localEnd - offset
        if let zone {
            // Cut at a daylight-saving transition inside the period, on either side of `time`.
            if let transition = Self.transition(in: zone, after: start), transition <= time {
                start = max(start, transition)
            }
            if let transition = Self.transition(in: zone, after: time), transition < end {
                end = transition
            }
        }
        return (start, end)
    }

    private func offsetMilliseconds(at time: Int64) -> Int64 {
        if let fixedOffset { return fixedOffset }
        let date = Date(timeIntervalSince1970: TimeInterval(time / 1000))
        return Int64(zone!.secondsFromGMT(for: date)) * 1000
    }

    /// The last shift start ≤ local and the first one after it, in local milliseconds.
    private func shiftBoundaries(around local: Int64) -> (Int64, Int64) {
        let midnight = floorDivide(local, Self.day) * Self.day
        var previous = midnight - Self.day + shiftStarts[shiftStarts.count - 1]
        var next = midnight + Self.day + shiftStarts[0]
        for start in shiftStarts {
            let boundary = midnight + start
            if boundary <= local { previous = boundary } else { next = min(next, boundary) }
        }
        return (previous, next)
    }

    /// The first offset change strictly after `time` (whole seconds; zones change on the second).
    private static func transition(in zone: TimeZone, after time: Int64) -> Int64? {
        let date = Date(timeIntervalSince1970: TimeInterval(floorDivide(time, 1000)))
        guard let next = zone.nextDaylightSavingTimeTransition(after: date) else { return nil }
        let milliseconds = Int64(next.timeIntervalSince1970.rounded()) * 1000
        return milliseconds > time ? milliseconds : nil
    }
}

func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
