import PlantModel

/// What the running agent knows beyond the journal — hub reachability, the forwarder's per-stream
/// state and drain rate, the inputs' health, disk figures — kept in the journal's checkpoint
/// `agent/state` so `plantsync status` can show it whether or not the agent runs.
///
/// The agent writes it when the hub's reachability, the last error or a stream's state changes
/// (checked every second), every 30 s otherwise, and once more when it stops. Stored as JSON
/// with times in ms since the Unix epoch; unknown keys are ignored and missing ones take
/// defaults, so older and newer agents read each other's records.
public struct AgentStateRecord: Sendable, Equatable {
    public static let checkpointKey = "agent/state"

    public struct Hub: Sendable, Equatable {
        public var url: String
        /// `HubReachability.label`: "unknown", "reachable", "unreachable", "auth failure",
        /// "certificate failure".
        public var reachability: String
        /// The reason of the current reachability (unreachable, auth failure, certificate failure).
        public var reason: String?
        public var since: Int64?
        public var lastError: String?
        public var lastErrorAt: Int64?
        public var lastErrorStream: String?

        public init(
            url: String, reachability: String, reason: String? = nil, since: Int64? = nil, lastError: String? = nil,
            lastErrorAt: Int64? = nil, lastErrorStream: String? = nil
        ) {
            self.url = url
            self.reachability = reachability
            self.reason = reason
            self.since = since
            self.lastError = lastError
            self.lastErrorAt = lastErrorAt
            self.lastErrorStream = lastErrorStream
        }
    }

    public struct Stream: Sendable, Equatable {
        public var stream: String
        /// `StreamForwardingState.label`: "ok", "backing off", "auth failure", "conflict"…
        public var state: String
        public var stateReason: String?
        /// Events acknowledged per second over the last minute.
        public var drainRate: Double

        public init(stream: String, state: String, stateReason: String? = nil, drainRate: Double) {
            self.stream = stream
            self.state = state
            self.stateReason = stateReason
            self.drainRate = drainRate
        }
    }

    public struct Input: Sendable, Equatable {
        public var name: String
        public var type: String
        /// "connected", "connecting", "unavailable", "stopped".
        public var connection: String
        public var lastData: Int64?
        public var received: Int64
        public var journaled: Int64
        public var quarantined: Int64
        /// Signals received per second over the last minute.
        public var receivedRate: Double
        public var lastError: String?
        public var lastErrorAt: Int64?

        public init(
            name: String, type: String, connection: String, lastData: Int64? = nil, received: Int64 = 0,
            journaled: Int64 = 0, quarantined: Int64 = 0, receivedRate: Double = 0, lastError: String? = nil,
            lastErrorAt: Int64? = nil
        ) {
            self.name = name
            self.type = type
            self.connection = connection
            self.lastData = lastData
            self.received = received
            self.journaled = journaled
            self.quarantined = quarantined
            self.receivedRate = receivedRate
            self.lastError = lastError
            self.lastErrorAt = lastErrorAt
        }
    }

    public struct Disk: Sendable, Equatable {
        public var budgetBytes: Int64
        public var reserveBytes: Int64
        /// The journal's files (database, WAL, shared memory).
        public var usedBytes: Int64
        /// Available to unprivileged users on the journal's file system.
        public var freeBytes: Int64

        public init(budgetBytes: Int64, reserveBytes: Int64, usedBytes: Int64, freeBytes: Int64) {
            self.budgetBytes = budgetBytes
            self.reserveBytes = reserveBytes
            self.usedBytes = usedBytes
            self.freeBytes = freeBytes
        }
    }

    public var plant: String
    public var pid: Int32
    public var startedAt: Int64
    public var writtenAt: Int64
    /// True in the record written by a clean stop.
    public var stopped: Bool
    /// Where the status endpoint listens (`127.0.0.1:9466`), nil when it is not up.
    public var statusListen: String?
    public var hub: Hub
    public var streams: [Stream]
    public var inputs: [Input]
    public var disk: Disk?
    /// "ok", or the journal's refusal state in words ("disk full since …: …").
    public var journalHealth: String

    public init(
        plant: String, pid: Int32, startedAt: Int64, writtenAt: Int64, stopped: Bool = false,
        statusListen: String? = nil, hub: Hub, streams: [Stream] = [], inputs: [Input] = [], disk: Disk? = nil,
        journalHealth: String = "ok"
    ) {
        self.plant = plant
        self.pid = pid
        self.startedAt = startedAt
        self.writtenAt = writtenAt
        self.stopped = stopped
        self.statusListen = statusListen
        self.hub = hub
        self.streams = streams
        self.inputs = inputs
        self.disk = disk
        self.journalHealth = journalHealth
    }

    /// The record without its write time: two records with the same `significant` value differ only
    /// in figures that move all the time (counters, rates), so no early write is needed.
    var significant: [String] {
        [hub.reachability, hub.reason ?? "", hub.lastError ?? "", String(hub.lastErrorAt ?? 0), journalHealth]
            + streams.map { "\($0.stream)=\($0.state)" }
            + inputs.map { "\($0.name)=\($0.connection)/\($0.lastError ?? "")" }
    }

    // MARK: Stored form

    public var encoded: [UInt8] {
        var object: JSONObject = [
            "v": .integer(1),
            "plant": .string(plant),
            "pid": .integer(Int64(pid)),
            "started_at_ms": .integer(startedAt),
            "written_at_ms": .integer(writtenAt),
            "stopped": .bool(stopped),
            "journal_health": .string(journalHealth),
        ]
        if let statusListen { object["status_listen"] = .string(statusListen) }
        var hubObject: JSONObject = ["url": .string(hub.url), "reachability": .string(hub.reachability)]
        hubObject["reason"] = hub.reason.map { .string($0) }
        hubObject["since_ms"] = hub.since.map { .integer($0) }
        hubObject["last_error"] = hub.lastError.map { .string($0) }
        hubObject["last_error_at_ms"] = hub.lastErrorAt.map { .integer($0) }
        hubObject["last_error_stream"] = hub.lastErrorStream.map { .string($0) }
        object["hub"] = .object(hubObject)
        object["streams"] = .array(
            streams.map { stream in
                var entry: JSONObject = [
                    "stream": .string(stream.stream), "state": .string(stream.state),
                    "drain_rate": StatusNumbers.rate(stream.drainRate),
                ]
                entry["state_reason"] = stream.stateReason.map { .string($0) }
                return .object(entry)
            })
        object["inputs"] = .array(
            inputs.map { input in
                var entry: JSONObject = [
                    "name": .string(input.name), "type": .string(input.type), "connection": .string(input.connection),
                    "received": .integer(input.received), "journaled": .integer(input.journaled),
                    "quarantined": .integer(input.quarantined), "received_rate": StatusNumbers.rate(input.receivedRate),
                ]
                entry["last_data_ms"] = input.lastData.map { .integer($0) }
                entry["last_error"] = input.lastError.map { .string($0) }
                entry["last_error_at_ms"] = input.lastErrorAt.map { .integer($0) }
                return .object(entry)
            })
        if let disk {
            object["disk"] = .object([
                "budget_bytes": .integer(disk.budgetBytes), "reserve_bytes": .integer(disk.reserveBytes),
                "used_bytes": .integer(disk.usedBytes), "free_bytes": .integer(disk.freeBytes),
            ])
        }
        return JSONWriter.encode(.object(object))
    }

    /// Reads a stored record; nil when the bytes are not a record object.
    public init?(encoded bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes), let object = value.objectValue,
            let hubObject = object["hub"]?.objectValue
        else { return nil }
        let read = StatusFields(object)
        let hubFields = StatusFields(hubObject)
        plant = read.string("plant") ?? ""
        pid = Int32(clamping: read.integer("pid") ?? 0)
        startedAt = read.integer("started_at_ms") ?? 0
        writtenAt = read.integer("written_at_ms") ?? 0
        stopped = object["stopped"]?.boolValue ?? false
        statusListen = read.string("status_listen")
        journalHealth = read.string("journal_health") ?? "ok"
        hub = Hub(
            url: hubFields.string("url") ?? "", reachability: hubFields.string("reachability") ?? "unknown",
            reason: hubFields.string("reason"), since: hubFields.integer("since_ms"),
            lastError: hubFields.string("last_error"), lastErrorAt: hubFields.integer("last_error_at_ms"),
            lastErrorStream: hubFields.string("last_error_stream"))
        streams = (object["streams"]?.arrayValue ?? []).compactMap { $0.objectValue }.map { entry in
            let fields = StatusFields(entry)
            return Stream(
                stream: fields.string("stream") ?? "", state: fields.string("state") ?? "unknown",
                stateReason: fields.string("state_reason"), drainRate: fields.double("drain_rate") ?? 0)
        }
        inputs = (object["inputs"]?.arrayValue ?? []).compactMap { $0.objectValue }.map { entry in
            let fields = StatusFields(entry)
            return Input(
                name: fields.string("name") ?? "", type: fields.string("type") ?? "",
                connection: fields.string("connection") ?? "unknown", lastData: fields.integer("last_data_ms"),
                received: fields.integer("received") ?? 0, journaled: fields.integer("journaled") ?? 0,
                quarantined: fields.integer("quarantined") ?? 0, receivedRate: fields.double("received_rate") ?? 0,
                lastError: fields.string("last_error"), lastErrorAt: fields.integer("last_error_at_ms"))
        }
        if let diskObject = object["disk"]?.objectValue {
            let fields = StatusFields(diskObject)
            disk = Disk(
                budgetBytes: fields.integer("budget_bytes") ?? 0, reserveBytes: fields.integer("reserve_bytes") ?? 0,
                usedBytes: fields.integer("used_bytes") ?? 0, freeBytes: fields.integer("free_bytes") ?? 0)
        }
    }
}

/// Typed reads of a JSON object's members, nil when absent or of another type.
struct StatusFields {
    let object: JSONObject

    init(_ object: JSONObject) { self.object = object }

    func string(_ key: String) -> String? { object[key]?.stringValue }
    func integer(_ key: String) -> Int64? { object[key]?.numberValue?.int64Value }
    func double(_ key: String) -> Double? { object[key]?.numberValue.flatMap { Double($0.text) } }
}

extension JSONValue {
    /// An integer, or null.
    static func number(orNull value: Int64?) -> JSONValue { value.map { .integer($0) } ?? .null }
    /// A string, or null.
    static func text(orNull value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
}

/// Numbers in status documents.
enum StatusNumbers {
    /// A rate with one decimal (`12.5`), as an exact JSON number.
    static func rate(_ value: Double) -> JSONValue {
        guard value.isFinite, value > 0 else { return .integer(0) }
        let tenths = (value * 10).rounded()
        guard tenths < 9e17 else { return .integer(Int64.max / 10) }
        let whole = Int64(tenths)
        let text = whole % 10 == 0 ? String(whole / 10) : "\(whole / 10).\(whole % 10)"
        return (try? JSONNumber(validating: text)).map { .number($0) } ?? .integer(whole / 10)
    }

    /// `12.5` as text for tables and metrics.
    static func rateText(_ value: Double) -> String {
        if case .number(let number) = rate(value) { return number.text }
        return "0"
    }
}
