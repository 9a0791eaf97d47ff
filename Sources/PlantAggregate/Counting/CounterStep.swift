import PlantModel

/// What one new reading of a cumulative counter means relative to the previous accepted one.
enum CounterStep: Equatable {
    /// The counter went up (or stayed) by this many counts.
    case increase(UInt64)
    /// The counter passed 2^width and wrapped; this many counts in total.
    case rollover(UInt64)
    /// The counter dropped by more than a rollover explains: the PLC restarted or it was cleared.
    case reset

    /// The step from `old` to `new` for a counter of `width` bits. A drop is a rollover only when the
    /// wrapped step is at most `maxRolloverStep`.
    static func between(_ old: UInt64, _ new: UInt64, width: CounterWidth, maxRolloverStep: UInt64) -> CounterStep {
        if new >= old { return .increase(new - old) }
        let wrapped = (new &- old) & width.mask
        return wrapped <= maxRolloverStep ? .rollover(wrapped) : .reset
    }

    /// The raw register value of a counter sample: an integer in −2^(width−1) ..< 2^width. Negative values
    /// come from signed registers and are read as their two's-complement bit pattern; anything else is nil.
    static func rawValue(_ number: DecimalNumber, width: CounterWidth) -> UInt64? {
        guard let integer = number.int64Value else { return nil }
        if width == .bits64 { return UInt64(bitPattern: integer) }
        let bits = Int64(width.rawValue)
        guard integer < (Int64(1) << bits), integer >= -(Int64(1) << (bits - 1)) else { return nil }
        return UInt64(bitPattern: integer) & width.mask
    }
}
