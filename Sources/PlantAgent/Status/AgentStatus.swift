import PlantJournal
import PlantModel

/// Everything `plantsync status`, the agent's `/status`, `/metrics` and `/` show: the journal's
/// figures (always current) plus the agent's state (live, or from its `agent/state` record).
/// The JSON keys are documented in docs/status.md; keep them stable.
public struct AgentStatus: Sendable {
    public enum Source: String, Sendable {
        /// Built by the running agent for its status endpoint.
        case live
        /// Read from the journal file by `plantsync status` (the agent's part from its record).
        case journal
    }

    public var source: Source
    public var journal: JournalStatus
    /// The agent's state; nil when no agent ever wrote one into this journal.
    public var state: AgentStateRecord?
    /// Whether an agent holds the data directory's lock now (journal source), with its pid.
    public var running: AgentLock.Holder
    /// The newest dead letters and quarantine records, newest first (at most `recentLimit`).
    public var recentDeadLetters: [DeadLetter]
    public var recentQuarantine: [QuarantineEntry]

    public static let recentLimit = 20

    public init(
        source: Source, journal: JournalStatus, state: AgentStateRecord?, running: AgentLock.Holder,
        recentDeadLetters: [DeadLetter] = [], recentQuarantine: [QuarantineEntry] = []
    ) {
        self.source = source
        self.journal = journal
        self.state = state
        self.running = running
        self.recentDeadLetters = recentDeadLetters
        self.recentQuarantine = recentQuarantine
    }

    /// Reads a journal file as `plantsync status` does: read-only, agent running or not.
    public static func read(dataDirectory: String, now: Int64) throws(JournalError) -> AgentStatus {
        let reader = try JournalStatusReader(path: AgentLayout.journalPath(dataDirectory: dataDirectory))
        let journal = try JournalStatus(reader: reader, now: now)
        let journaled = try reader.checkpoint(AgentStateRecord.checkpointKey).flatMap { AgentStateRecord(encoded: $0) }
        // The side file is newer when the journal refused the record (disk full): show what the agent saw.
        let side = StateSideFile.read(dataDirectory: dataDirectory).flatMap { AgentStateRecord(encoded: $0) }
        let state = [journaled, side].compactMap { $0 }.max { $0.writtenAt < $1.writtenAt }
        return AgentStatus(
            source: .journal, journal: journal, state: state, running: AgentLock.holder(dataDirectory: dataDirectory),
            recentDeadLetters: try reader.deadLetters(limit: recentLimit),
            recentQuarantine: try reader.quarantined(limit: recentLimit))
    }

    public var readAt: Int64 { journal.readAt }

    /// One stream's row: the journal's backlog with the forwarder's state and drain rate.
    public struct StreamRow: Sendable {
        public var backlog: PlantJournal.StreamBacklog
        public var forwarding: AgentStateRecord.Stream?

        /// Seconds until the backlog is drained at the current rate: 0 when nothing is pending,
        /// nil when nothing drains (hub unreachable, or no rate known).
        public var etaSeconds: Int64? {
            if backlog.pendingCount == 0 { return 0 }
            guard let rate = forwarding?.drainRate, rate > 0 else { return nil }
            return Int64((Double(backlog.pendingCount) / rate).rounded(.up))
        }
    }

    public var streams: [StreamRow] {
        journal.streams.map { backlog in
            StreamRow(backlog: backlog, forwarding: state?.streams.first { $0.stream == backlog.stream })
        }
    }

    /// How old the agent's state is (ms); 0 when live.
    public var stateAge: Int64? {
        guard let state else { return nil }
        return source == .live ? 0 : max(0, readAt - state.writtenAt)
    }

    // MARK: JSON (docs/status.md)

    public var json: JSONValue {
        let now = readAt
        var object: JSONObject = [
            "source": .string(source.rawValue),
            "read_at": time(now),
            "journal": .string(journal.path),
            "epoch": .string(journal.epoch),
            "dead_letters": .integer(journal.deadLetters),
            "quarantined": .integer(journal.quarantined),
        ]
        object["plant"] = .text(orNull: state?.plant)
        var agent: JSONObject = [:]
        switch running {
        case .nobody:
            agent["running"] = .bool(false)
            agent["pid"] = .null
        case .agent(let pid):
            agent["running"] = .bool(true)
            agent["pid"] = .number(orNull: pid.map { Int64($0) })
        }
        agent["started_at"] = optionalTime(state?.startedAt)
        agent["state_written_at"] = optionalTime(state?.writtenAt)
        agent["state_age_s"] = .number(orNull: stateAge.map { $0 / 1000 })
        agent["stopped_cleanly"] = state.map { JSONValue.bool($0.stopped) } ?? .null
        agent["status_listen"] = .text(orNull: state?.statusListen)
        agent["journal_health"] = .text(orNull: state?.journalHealth)
        object["agent"] = .object(agent)
        object["hub"] = state.map { hubJSON($0.hub) } ?? JSONValue.null
        object["streams"] = .array(streams.map { streamJSON($0, now: now) })
        object["inputs"] = .array((state?.inputs ?? []).map(inputJSON))
        if let disk = state?.disk {
            object["disk"] = .object([
                "budget_bytes": .integer(disk.budgetBytes), "reserve_bytes": .integer(disk.reserveBytes),
                "used_bytes": .integer(disk.usedBytes), "free_bytes": .integer(disk.freeBytes),
            ])
        } else {
            object["disk"] = .null
        }
        object["recent_dead_letters"] = .array(
            recentDeadLetters.map { letter in
                .object([
                    "id": .string(letter.id), "stream": .string(letter.stream), "seq": .integer(letter.seq),
                    "type": .string(letter.type), "reason": .string(letter.reason),
                    "dead_lettered_at": time(letter.deadLetteredAt),
                ])
            })
        object["recent_quarantine"] = .array(
            recentQuarantine.map { entry in
                .object([
                    "number": .integer(entry.number), "input": .string(entry.input), "reason": .string(entry.reason),
                    "location": .string(entry.location), "quarantined_at": time(entry.quarantinedAt),
                ])
            })
        return .object(object)
    }

    private func hubJSON(_ hub: AgentStateRecord.Hub) -> JSONValue {
        .object([
            "url": .string(hub.url),
            "reachability": .string(hub.reachability),
            "reason": .text(orNull: hub.reason),
            "since": optionalTime(hub.since),
            "last_error": .text(orNull: hub.lastError),
            "last_error_at": optionalTime(hub.lastErrorAt),
            "last_error_stream": .text(orNull: hub.lastErrorStream),
        ])
    }

    private func streamJSON(_ row: StreamRow, now: Int64) -> JSONValue {
        let backlog = row.backlog
        return .object([
            "stream": .string(backlog.stream),
            "pending": .integer(backlog.pendingCount),
            "pending_bytes": .integer(backlog.pendingBytes),
            "oldest_pending_age_s": .number(orNull: backlog.oldestPendingAge(now: now).map { $0 / 1000 }),
            "last_seq": .integer(backlog.lastSeq),
            "acked_through": .integer(backlog.acknowledgedSeq),
            "acked_at": optionalTime(backlog.acknowledgedAt),
            "dead_letters": .integer(backlog.deadLetterCount),
            "state": .text(orNull: row.forwarding?.state),
            "state_reason": .text(orNull: row.forwarding?.stateReason),
            "drain_rate_per_s": row.forwarding.map { StatusNumbers.rate($0.drainRate) } ?? .null,
            "eta_s": .number(orNull: row.etaSeconds),
        ])
    }

    private func inputJSON(_ input: AgentStateRecord.Input) -> JSONValue {
        .object([
            "name": .string(input.name),
            "type": .string(input.type),
            "connection": .string(input.connection),
            "last_data": optionalTime(input.lastData),
            "received": .integer(input.received),
            "journaled": .integer(input.journaled),
            "quarantined": .integer(input.quarantined),
            "rate_per_s": StatusNumbers.rate(input.receivedRate),
            "last_error": .text(orNull: input.lastError),
            "last_error_at": optionalTime(input.lastErrorAt),
        ])
    }

    private func time(_ milliseconds: Int64) -> JSONValue {
        .string(Timestamp(millisecondsSinceEpoch: milliseconds).description)
    }

    private func optionalTime(_ milliseconds: Int64?) -> JSONValue {
        milliseconds.map { time($0) } ?? JSONValue.null
    }
}

extension AgentStatus {
    /// The status document as one line of JSON, keys sorted and — unlike canonical event JSON —
    /// null members kept, so every documented key is always there.
    public var jsonBytes: [UInt8] { StatusJSON.encode(json) }
}

/// JSON text that keeps null members (PlantModel's writer omits them, as canonical form wants).
enum StatusJSON {
    static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let number): out += Array(number.text.utf8)
        case .string(let text): string(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (index, member) in object.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                string(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [0x5C, 0x22]
            case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
