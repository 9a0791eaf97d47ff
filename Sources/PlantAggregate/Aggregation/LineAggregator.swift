import PlantModel

/// Turns one line's telemetry into production confirmations and downtime records.
///
/// A pure, deterministic state machine: no threads, no clock. Time comes from the samples' source
/// times and from `tick(now:)`. Feed it samples in arrival order; checkpoint `state` with the events it
/// returns (one journal transaction), and restore it with `init(configuration:plant:state:)`. Samples
/// that arrive again after a restart are older than (or equal to) the last accepted one of their tag
/// and are ignored, so replays never count twice. The rules are in README.md.
public struct LineAggregator: Sendable {
    public let configuration: LineConfiguration
    public let plant: String

    let calendar: PlantCalendar
    let roles: [String: TagRole]
    let stateValues: [String: MachineState]
    let maxRolloverStep: UInt64

    var core: AggregatorState
    /// Last accepted reading per role, the hot copy of `core.tracks`.
    var tracks: [TagTrack?]
    /// Set after a restore or shutdown: the machine state between then and the next sample is unknown,
    /// so that time is booked to no state.
    var resumePending: Bool
    /// Per role: the reading in `tracks` came from a checkpoint, not from this run. The first increase
    /// after it bridges the restart, and whatever the feed sent meanwhile was never seen.
    var restoredReadings: [Bool]
    /// Source time of the last order or operation change seen in this run (not checkpointed).
    var lastContextChange: Int64 = .min

    /// Longest order or operation value accepted (UTF-8 bytes), so that event ids stay within 512 bytes.
    public static let maxOrderLength = 64

    /// `state`: what a previous run checkpointed, or nil for a first start.
    public init(configuration: LineConfiguration, plant: String, state: AggregatorState? = nil) {
        self.configuration = configuration
        self.plant = plant
        calendar = PlantCalendar(
            window: configuration.windowMilliseconds, timeZone: configuration.timeZone,
            shiftStartMinutes: configuration.shiftStarts)
        var roles: [String: TagRole] = [:]
        for (tag, role) in TagRole.assignments(configuration) where roles[tag] == nil { roles[tag] = role }
        self.roles = roles
        stateValues = configuration.machineState?.values ?? [:]
        maxRolloverStep = configuration.effectiveMaxRolloverStep
        core = state ?? AggregatorState()
        tracks = Array(repeating: nil, count: TagRole.allCases.count)
        for (tag, role) in roles {
            tracks[Int(role.rawValue)] = core.tracks[tag]
        }
        core.tracks = [:]
        if case .fixed(let order, let operation) = configuration.order {
            core.order = order
            core.operation = operation
        }
        resumePending = state != nil
        restoredReadings = tracks.map { $0 != nil }
    }

    /// A snapshot to checkpoint; `encoded()` gives its compact bytes.
    public var state: AggregatorState {
        var snapshot = core
        for (tag, role) in roles {
            if let track = tracks[Int(role.rawValue)] { snapshot.tracks[tag] = track }
        }
        return snapshot
    }

    /// The order running on the line now: the order tag's last value, or the fixed order; nil when none
    /// is known yet. Scanner stations book issues and production receipts to it.
    public var currentOrder: String? {
        switch configuration.order {
        case .fixed(let order, _): return order
        case .tags: return core.order.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Whether this line reads `tag` (the driver routes samples by it).
    public func reads(tag: String) -> Bool { roles[tag] != nil }

    /// One sample from the feed, in arrival order. Returns the confirmations, downtime records and notes
    /// it completes (usually none). Samples of tags this line does not read are ignored.
    public mutating func ingest(_ sample: TelemetrySample) -> [AggregatorOutput] {
        guard let role = roles[sample.tag] else { return [] }
        let tag = sample.tag
        let value = sample.value
        let sourceTime = sample.sourceTime
        switch sample.quality {
        case .good: break
        case .uncertain:
            core.excluded.uncertain += 1
            return []
        case .bad:
            core.excluded.bad += 1
            return []
        }
        let time = sourceTime.millisecondsSinceEpoch
        let slot = Int(role.rawValue)
        let previous = tracks[slot]
        if let previous, time <= previous.time {
            if time == previous.time && value == previous.reading {
                core.excluded.duplicates += 1
            } else {
                core.excluded.outOfOrder += 1
            }
            return []
        }
        var outputs: [AggregatorOutput] = []
        if resumePending {
            resumePending = false
            core.accountedTo = max(core.accountedTo, time)
        }
        if let part = core.part {
            if time >= part.periodEnd { advance(to: time, &outputs) }
        } else {
            openPart(containing: time)
        }
        switch role {
        case .good, .scrap, .total, .rework:
            count(role, tag: tag, time: time, value: value, previous: previous, &outputs)
        case .state:
            accountState(to: time)
            let newState = stateValues[value.text]
            if newState == nil { core.excluded.invalid += 1 }
            if let old = core.machineState, let newState, old != newState { core.part!.stateChanged = true }
            core.machineState = newState
            tracks[slot] = TagTrack(time: time, reading: value, raw: 0)
        case .reason:
            accountState(to: time)
            let reason: String? = value.text.isEmpty ? nil : value.text
            if core.machineState == .down && reason != core.reason { core.part!.stateChanged = true }
            core.reason = reason
            tracks[slot] = TagTrack(time: time, reading: value, raw: 0)
        case .order, .operation:
            tracks[slot] = TagTrack(time: time, reading: value, raw: 0)
            // An empty order is no order: the line's quantities go to "UNASSIGNED" either way. Longer
            // values than an id can carry are refused.
            guard value.text.utf8.count <= Self.maxOrderLength else {
                core.excluded.invalid += 1
                break
            }
            let text: String? = value.text.isEmpty ? nil : value.text
            let old = role == .order ? core.order : core.operation
            guard text != old else { break }
            // The quantities up to the change belong to the old order (or operation).
            let cut = max(time, core.part!.start)
            closePart(at: cut, final: true, &outputs)
            if role == .order { core.order = text } else { core.operation = text }
            if old != nil { core.part!.number += 1 }
            core.part!.start = cut
            lastContextChange = time
        }
        return outputs
    }

    /// Closes every window whose end ≤ now − the lateness allowance. Call it regularly (e.g. each
    /// second) so that windows close during feed outages too.
    public mutating func tick(now: Timestamp) -> [AggregatorOutput] {
        guard let part = core.part else { return [] }
        let cutoff = now.millisecondsSinceEpoch - configuration.latenessMilliseconds
        guard cutoff >= part.periodEnd else { return [] }
        var outputs: [AggregatorOutput] = []
        advance(to: cutoff, &outputs)
        return outputs
    }

    /// Before the agent stops: closes the windows that ended by `now` and emits the open part as a
    /// partial confirmation (`final == false`). The state afterwards continues the window without
    /// counting anything twice; checkpoint it with these events.
    public mutating func shutdown(now: Timestamp) -> [AggregatorOutput] {
        guard let part = core.part else { return [] }
        let time = now.millisecondsSinceEpoch
        var outputs: [AggregatorOutput] = []
        if time >= part.periodEnd { advance(to: time, &outputs) }
        let cut = max(time, core.part!.start)
        closePart(at: cut, final: false, &outputs)
        reportExclusions(&outputs)
        core.part!.start = cut
        resumePending = true
        return outputs
    }

    /// Adds one counter reading's increase to the open part.
    private mutating func count(
        _ role: TagRole, tag: String, time: Int64, value: TelemetryValue, previous: TagTrack?,
        _ outputs: inout [AggregatorOutput]
    ) {
        guard case .number(let number) = value,
            let raw = CounterStep.rawValue(number, width: configuration.counterWidth)
        else {
            core.excluded.invalid += 1
            return
        }
        tracks[Int(role.rawValue)] = TagTrack(time: time, reading: value, raw: raw)
        let bridgesRestart = restoredReadings[Int(role.rawValue)]
        restoredReadings[Int(role.rawValue)] = false
        guard let previous else { return }  // the first reading is the baseline
        let increase: UInt64
        switch CounterStep.between(
            previous.raw, raw, width: configuration.counterWidth, maxRolloverStep: maxRolloverStep)
        {
        case .increase(let step), .rollover(let step):
            increase = step
        case .reset:
            if !core.pendingResetTags.contains(tag) { core.pendingResetTags.append(tag) }
            outputs.append(
                .note(
                    .counterReset(
                        line: configuration.line, tag: tag, from: previous.raw, to: raw,
                        at: Timestamp(millisecondsSinceEpoch: time))))
            return
        }
        guard increase != 0 else { return }
        let silence = time - previous.time
        // An increase from a checkpointed reading across an order change seen since the restart: some of
        // it may have been made for the previous order, in samples lost with the killed process. It is
        // booked to the new order and flagged, whatever its length.
        if silence > configuration.gapMilliseconds || (bridgesRestart && previous.time < lastContextChange) {
            core.pendingGapMilliseconds = max(core.pendingGapMilliseconds, silence)
        }
        switch role {
        case .good: core.part!.good &+= increase
        case .scrap: core.part!.scrap &+= increase
        case .total: core.part!.total &+= increase
        default: core.part!.rework &+= increase
        }
    }
}

/// What a tag means to the line.
enum TagRole: UInt8, CaseIterable, Sendable {
    case good, scrap, total, rework, state, reason, order, operation

    static func assignments(_ configuration: LineConfiguration) -> [(String, TagRole)] {
        var list: [(String, TagRole)] = [(configuration.goodCounterTag, .good)]
        switch configuration.scrap {
        case .none: break
        case .counter(let tag): list.append((tag, .scrap))
        case .totalMinusGood(let tag): list.append((tag, .total))
        }
        if let tag = configuration.reworkCounterTag { list.append((tag, .rework)) }
        if let source = configuration.machineState {
            list.append((source.tag, .state))
            if let tag = source.reasonTag { list.append((tag, .reason)) }
        }
        if case .tags(let orderTag, let operationTag) = configuration.order {
            list.append((orderTag, .order))
            if let operationTag { list.append((operationTag, .operation)) }
        }
        return list
    }
}
