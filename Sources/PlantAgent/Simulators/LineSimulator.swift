import PlantModel

/// `plantsync simulate line`: a PLC feed for a `telemetry_tcp` input. Each message carries the
/// line's cumulative good and scrap counters and, when they change, its machine state (with a
/// stop reason) and its current order. Counters only rise while running; the line stops now and
/// then; orders change every `orderEvery` messages, in its own message first so the counts
/// before it belong to the old order and the counts after it to the new one.
///
/// The first message sets the aggregator's baseline (it counts nothing); the totals reported —
/// per order — are the increases after it, which is what the hub's production confirmations
/// must add up to once every window has closed.
public struct LineSimulation: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case kepwareJSON = "kepware_json"
        case lines
    }

    public var line = "L3"
    /// Tag ids are `<prefix>.GoodCount`, `.ScrapCount`, `.State`, `.StopReason`, `.Order`.
    public var tagPrefix: String?
    public var format: Format = .kepwareJSON
    /// Messages per second (0: as fast as the connection takes them).
    public var rate: Double = 10
    public var messages = 600
    public var orders = ["WO-1", "WO-2"]
    public var orderEvery = 200
    /// Every `stopEvery` messages the line stops for `stopFor` messages (0: never).
    public var stopEvery = 150
    public var stopFor = 10
    /// Source time of the first message (ms); nil: the wall clock at start. Each message is
    /// `step` ms after the previous one.
    public var startTime: Int64?
    public var step: Int64 = 1_000
    public var seed: UInt64 = 1

    public init() {}

    public var prefix: String { tagPrefix ?? "PLC1.\(line)" }

    /// The state tag's values: 1 running, 3 down.
    public static let running = "1"
    public static let down = "3"
}

/// What a line simulation sent.
public struct LineSimulationReport: Sendable, Equatable {
    public var messages = 0
    public var samples = 0
    public var good: Int64 = 0
    public var scrap: Int64 = 0
    public var stops = 0
    public var orderChanges = 0
    /// Good and scrap counted per order, in order of first appearance.
    public var perOrder: [(order: String, good: Int64, scrap: Int64)] = []
    public var firstTime: Int64 = 0
    public var lastTime: Int64 = 0

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.json == rhs.json
    }

    public var summary: String {
        var text = "line: sent \(messages) messages (\(samples) samples): good +\(good), scrap +\(scrap), "
        text += "\(stops) stops, \(orderChanges) order changes"
        for entry in perOrder { text += "\n  order \(entry.order): good \(entry.good), scrap \(entry.scrap)" }
        return text
    }

    public var json: JSONValue {
        var orders = JSONObject()
        for entry in perOrder {
            orders[entry.order] = .object(["good": .integer(entry.good), "scrap": .integer(entry.scrap)])
        }
        return .object([
            "kind": "line", "messages": .integer(Int64(messages)), "samples": .integer(Int64(samples)),
            "good": .integer(good), "scrap": .integer(scrap), "stops": .integer(Int64(stops)),
            "order_changes": .integer(Int64(orderChanges)), "orders": .object(orders),
            "first_time": .string(Timestamp(millisecondsSinceEpoch: firstTime).description),
            "last_time": .string(Timestamp(millisecondsSinceEpoch: lastTime).description),
        ])
    }
}

/// Makes the messages of a line simulation; pure and deterministic for a seed and start time.
public struct LineFeedGenerator: Sendable {
    public let simulation: LineSimulation
    public private(set) var report = LineSimulationReport()
    private var random: SimulationRandom
    private var good: Int64 = 100_000
    private var scrap: Int64 = 2_000
    private var orderIndex = 0
    private var downUntil = -1
    private var index = 0
    private var lastState = ""
    private var lastOrder = ""
    private var lastReason = ""
    /// Source time each tag last changed, for `initialUpdate()`.
    private var changed: [String: Int64] = [:]
    private let start: Int64

    public init(_ simulation: LineSimulation, now: Int64) {
        self.simulation = simulation
        self.random = SimulationRandom(seed: simulation.seed)
        self.start = simulation.startTime ?? now
    }

    /// What a gateway publishes when a connection opens: every tag's current value at the source time it
    /// last changed (an OPC UA subscription delivers its items' current values when it starts). A feed
    /// sends the order and machine state only when they change, so without this an agent that was
    /// killed while such a change was in flight would never learn it. Nil before the first message.
    public func initialUpdate() -> [UInt8]? {
        guard index > 0 else { return nil }
        var values: [(tag: String, value: TagValue, time: Int64)] = [
            ("Order", .text(lastOrder), changed["Order"] ?? start),
            ("State", .number(lastState), changed["State"] ?? start),
            ("GoodCount", .number(String(good)), changed["GoodCount"] ?? start),
            ("ScrapCount", .number(String(scrap)), changed["ScrapCount"] ?? start),
        ]
        if let time = changed["StopReason"] { values.append(("StopReason", .text(lastReason), time)) }
        // Oldest first: an order change goes before the counts made after it.
        values.sort { $0.time < $1.time }
        return values.flatMap { encode([($0.tag, $0.value)], at: $0.time) }
    }

    /// The next message's bytes (one or more lines, each ending in LF), or nil when done.
    public mutating func next() -> [UInt8]? {
        guard index < simulation.messages else { return nil }
        defer { index += 1 }
        let time = start + Int64(index) * simulation.step
        if index == 0 { report.firstTime = time }
        report.lastTime = time
        var values: [(tag: String, value: TagValue)] = []
        let orders = simulation.orders.isEmpty ? ["WO-1"] : simulation.orders
        let order = orders[orderIndex % orders.count]
        if order != lastOrder {
            lastOrder = order
            if index > 0 { report.orderChanges += 1 }
            if !report.perOrder.contains(where: { $0.order == order }) { report.perOrder.append((order, 0, 0)) }
            values.append(("Order", .text(order)))
        }
        let stopping = simulation.stopEvery > 0 && index > 0 && index % simulation.stopEvery == 0
        if stopping {
            downUntil = index + max(1, simulation.stopFor)
            report.stops += 1
        }
        let running = index >= downUntil
        let state = running ? LineSimulation.running : LineSimulation.down
        if state != lastState {
            lastState = state
            if !running {
                lastReason = ["JAM", "E-STOP", "MATERIAL"][random.below(3)]
                values.append(("StopReason", .text(lastReason)))
            }
            values.append(("State", .number(state)))
        }
        if index > 0 && running && values.isEmpty {
            let made = Int64(1 + random.below(5))
            let scrapped: Int64 = random.below(20) == 0 ? 1 : 0
            good += made
            scrap += scrapped
            report.good += made
            report.scrap += scrapped
            if let position = report.perOrder.firstIndex(where: { $0.order == order }) {
                report.perOrder[position].good += made
                report.perOrder[position].scrap += scrapped
            }
        }
        // An order or state change goes alone, before any counts of the new order or state.
        if values.isEmpty || index == 0 {
            values.append(("GoodCount", .number(String(good))))
            values.append(("ScrapCount", .number(String(scrap))))
        }
        if simulation.orderEvery > 0 && (index + 1) % simulation.orderEvery == 0 { orderIndex += 1 }
        for value in values { changed[value.tag] = time }
        report.messages += 1
        report.samples += values.count
        return encode(values, at: time)
    }

    enum TagValue {
        case number(String)
        case text(String)
    }

    private func encode(_ values: [(tag: String, value: TagValue)], at time: Int64) -> [UInt8] {
        let prefix = simulation.prefix
        switch simulation.format {
        case .kepwareJSON:
            let items: [JSONValue] = values.map { item in
                let value: JSONValue =
                    switch item.value {
                    case .number(let text): (try? JSONNumber(validating: text)).map { .number($0) } ?? .string(text)
                    case .text(let text): .string(text)
                    }
                return .object(["id": .string("\(prefix).\(item.tag)"), "v": value, "q": true, "t": .integer(time)])
            }
            var bytes = JSONWriter.encode(.object(["timestamp": .integer(time), "values": .array(items)]))
            bytes.append(0x0A)
            return bytes
        case .lines:
            var text = ""
            for item in values {
                let value: String =
                    switch item.value {
                    case .number(let number): number
                    case .text(let words):
                        "\""
                            + words.split(separator: "\"", omittingEmptySubsequences: false)
                            .joined(separator: "\"\"") + "\""
                    }
                text += "\(prefix).\(item.tag),\(value),good,\(time)\n"
            }
            return Array(text.utf8)
        }
    }

    /// The agent.yaml blocks that read this feed: the input and the aggregator's line.
    public static func configuration(_ simulation: LineSimulation, input: String, endpoint: String) -> String {
        let prefix = simulation.prefix
        return """
            inputs:
              - name: \(input)
                type: telemetry_tcp
                \(endpoint)
                format: \(simulation.format.rawValue)
            lines:
              - line: \(simulation.line)
                work_center: WC-\(simulation.line)
                counters:
                  good: \(prefix).GoodCount
                  scrap: \(prefix).ScrapCount
                state:
                  tag: \(prefix).State
                  values:
                    "1": running
                    "3": down
                  reason_tag: \(prefix).StopReason
                order:
                  tag: \(prefix).Order
                window: 1m

            """
    }
}

/// SplitMix64: small, seeded, the same sequence everywhere.
struct SimulationRandom: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }
}
