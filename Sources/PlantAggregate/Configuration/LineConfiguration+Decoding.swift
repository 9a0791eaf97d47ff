import Foundation
import PlantConfig
import PlantModel

/// The `lines:` block of agent.yaml (see README.md for a commented example). Every problem is recorded
/// in the map with file:line:col and key path; nothing stops at the first one.
extension LineConfiguration {
    /// Decodes the list under `key` of `map` (the agent.yaml root): nil when any line is unusable.
    /// Line ids must be unique, and so must the tags within a line.
    public static func decodeList(_ map: ConfigMap, key: String = "lines") -> [LineConfiguration]? {
        var lines: [LineConfiguration] = []
        var failed = false
        var seen: Set<String> = []
        for item in map.sectionList(key) {
            var id: String?
            let line = LineConfiguration(item, id: &id)
            if let id, !seen.insert(id).inserted {
                item.report("line \"\(id)\" is configured twice; line ids must be unique", at: "line")
                failed = true
            }
            if let line { lines.append(line) } else { failed = true }
        }
        return failed ? nil : lines
    }

    /// Decodes one line's settings; nil (with every problem recorded in `map`) when unusable.
    public init?(_ map: ConfigMap) {
        var id: String?
        self.init(map, id: &id)
    }

    /// `id`: the line id when it could be read, even if the rest is unusable (for the uniqueness check).
    init?(_ map: ConfigMap, id: inout String?) {
        let line = map.required("line", .identifier(maxLength: 32))
        id = line
        let workCenter = map.required("work_center", .nonEmptyString)
        let unit = map.optional("unit", .identifier(maxLength: 8), default: "PCE")

        let counters = map.section("counters", required: true)
        let good = counters.required("good", .nonEmptyString)
        let scrapTag = counters.optional("scrap", .nonEmptyString)
        let totalTag = counters.optional("total", .nonEmptyString)
        var scrap = ScrapSource.none
        if let scrapTag, totalTag != nil {
            counters.report("give either \"scrap\" or \"total\" (scrap = total - good), not both", at: "total")
            scrap = .counter(tag: scrapTag)
        } else if let scrapTag {
            scrap = .counter(tag: scrapTag)
        } else if let totalTag {
            scrap = .totalMinusGood(totalTag: totalTag)
        }
        let rework = counters.optional("rework", .nonEmptyString)
        let width = counters.optional("width", Self.counterWidthConversion, default: .bits32)
        let scale = counters.optional("scale", Self.scaleConversion, default: DecimalNumber(1))
        let maxStep = counters.optional("max_rollover_step", .integer(in: 1...Int.max)).map { UInt64($0) }
        if let maxStep, maxStep > width.mask {
            counters.report(
                "expected at most \(width.mask) for a \(width.rawValue)-bit counter", at: "max_rollover_step")
        }

        let stateMap = map.section("state")
        var machineState: MachineStateSource?
        if stateMap.isPresent {
            let tag = stateMap.required("tag", .nonEmptyString)
            let valuesMap = stateMap.section("values", required: true)
            var values: [String: MachineState] = [:]
            for key in valuesMap.keys {
                if let state = valuesMap.required(key, .word(MachineState.self)) { values[key] = state }
            }
            if valuesMap.isPresent && valuesMap.keys.isEmpty {
                stateMap.report("expected at least one value mapped to running, idle or down", at: "values")
            }
            let reasonTag = stateMap.optional("reason_tag", .nonEmptyString)
            if let tag { machineState = MachineStateSource(tag: tag, values: values, reasonTag: reasonTag) }
        }

        let orderMap = map.section("order", required: true)
        var order: OrderSource?
        let orderTag = orderMap.optional("tag", .nonEmptyString)
        let operationTag = orderMap.optional("operation_tag", .nonEmptyString)
        let fixedOrder = orderMap.optional("fixed", .nonEmptyString)
        let fixedOperation = orderMap.optional("operation", .nonEmptyString)
        if orderMap.isPresent {
            switch (orderTag, fixedOrder) {
            case (let tag?, nil):
                if fixedOperation != nil {
                    orderMap.report(
                        "\"operation\" goes with \"fixed\"; with \"tag\" use \"operation_tag\"", at: "operation")
                }
                order = .tags(orderTag: tag, operationTag: operationTag)
            case (nil, let fixed?):
                if operationTag != nil {
                    orderMap.report(
                        "\"operation_tag\" goes with \"tag\"; with \"fixed\" use \"operation\"", at: "operation_tag")
                }
                order = .fixed(order: fixed, operation: fixedOperation)
            case (.some, .some):
                orderMap.report(
                    "give either \"tag\" (the order comes from the line) or \"fixed\", not both", at: "fixed")
            case (nil, nil):
                if !orderMap.contains("tag") && !orderMap.contains("fixed") {
                    orderMap.report("expected \"tag\" (the order tag) or \"fixed\" (an order for lines without one)")
                }
            }
        }

        let window = map.optional("window", .duration(in: .seconds(1)...(.seconds(86_400))), default: .seconds(900))
        let windowMilliseconds = Self.milliseconds(window)
        if 86_400_000 % windowMilliseconds != 0 {
            map.report(
                "expected a window that divides a day (e.g. 5m, 15m, 1h, 8h), so windows align to midnight",
                at: "window")
        }
        let timeZone = map.optional("time_zone", Self.timeZoneConversion, default: .utc)
        let shifts = map.list("shifts", of: Self.timeOfDayConversion)
        if Set(shifts).count != shifts.count { map.report("expected each shift start once", at: "shifts") }
        let lateness = map.optional("lateness", .duration(in: .zero...(.seconds(3600))), default: .seconds(10))
        let gap = map.optional("gap_after", .duration(in: .seconds(1)...(.seconds(86_400))), default: .seconds(120))

        guard let line, let workCenter, let good, let order else { return nil }
        self.init(
            line: line, workCenter: workCenter, unit: unit, goodCounterTag: good, scrap: scrap,
            reworkCounterTag: rework, counterWidth: width, counterScale: scale, maxRolloverStep: maxStep,
            machineState: machineState, order: order, windowMilliseconds: windowMilliseconds, timeZone: timeZone,
            shiftStarts: shifts.sorted(), latenessMilliseconds: Self.milliseconds(lateness),
            gapMilliseconds: Self.milliseconds(gap))

        var tags: [String: String] = [:]
        for (tag, role) in TagRole.assignments(self) {
            if let other = tags[tag] {
                map.report("tag \"\(tag)\" is used as both \(other) and \(role.settingName); each tag has one meaning")
            }
            tags[tag] = role.settingName
        }
        if tags.count != TagRole.assignments(self).count { return nil }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    static let counterWidthConversion = ConfigConversion<CounterWidth>(expecting: "16, 32 or 64") { text in
        Int(text).flatMap(CounterWidth.init(rawValue:))
    }

    static let scaleConversion = ConfigConversion<DecimalNumber>(expecting: "a positive decimal like 1 or 0.25") {
        text in
        guard let value = DecimalNumber(text), value > .zero else { return nil }
        return value
    }

    /// "HH:MM" → minutes after midnight.
    static let timeOfDayConversion = ConfigConversion<Int>(expecting: "a time of day like \"06:00\"") { text in
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    /// "UTC", a fixed offset "+05:30" / "-03:00", or a time zone name such as "Europe/Berlin".
    static let timeZoneConversion = ConfigConversion<PlantTimeZone>(
        expecting: "UTC, an offset like +01:00, or a time zone name like Europe/Berlin"
    ) { text in
        if text == "UTC" || text == "Z" { return .utc }
        if let sign = text.first, sign == "+" || sign == "-" {
            let parts = text.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
                let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...14).contains(hours),
                (0...59).contains(minutes)
            else { return nil }
            let seconds = (hours * 60 + minutes) * 60
            return .fixed(offsetSeconds: sign == "-" ? -seconds : seconds)
        }
        return TimeZone(identifier: text) == nil ? nil : .named(text)
    }
}

extension TagRole {
    /// How the configuration names the role, for messages.
    var settingName: String {
        switch self {
        case .good: "counters.good"
        case .scrap: "counters.scrap"
        case .total: "counters.total"
        case .rework: "counters.rework"
        case .state: "state.tag"
        case .reason: "state.reason_tag"
        case .order: "order.tag"
        case .operation: "order.operation_tag"
        }
    }
}
