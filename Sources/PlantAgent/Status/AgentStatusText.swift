import PlantJournal
import PlantModel

extension AgentStatus {
    /// The operator's view (`plantsync status`): agent and hub first, then streams, inputs,
    /// disk, dead letters.
    public var text: String {
        let now = readAt
        var lines: [String] = []
        lines.append(agentLine(now: now))
        if let state {
            lines.append(hubLine(state.hub, now: now))
            if let error = state.hub.lastError, let at = state.hub.lastErrorAt {
                lines.append("  last error \(ago(at, now: now)): \(error)")
            }
            if state.journalHealth != "ok" { lines.append("journal: \(state.journalHealth)") }
        } else {
            lines.append("hub: unknown (no agent has run with this journal yet)")
        }
        lines.append("")
        if journal.streams.isEmpty {
            lines.append("no events journaled yet")
        } else {
            var rows = [
                [
                    "STREAM", "PENDING", "BYTES", "OLDEST", "LAST SEQ", "ACKED", "ACKED AT", "STATE", "DRAIN/S", "ETA",
                    "DEAD",
                ]
            ]
            for row in streams {
                rows.append(streamCells(row, now: now))
            }
            lines += StatusFormat.table(rows)
        }
        if let inputs = state?.inputs, !inputs.isEmpty {
            lines.append("")
            var rows = [
                [
                    "INPUT", "TYPE", "CONNECTION", "LAST DATA", "RATE/S", "RECEIVED", "JOURNALED", "QUARANTINED",
                    "LAST ERROR",
                ]
            ]
            for input in inputs {
                let error = input.lastError.map { message in
                    (input.lastErrorAt.map { ago($0, now: now) + ": " } ?? "") + message
                }
                rows.append([
                    input.name, input.type, input.connection, input.lastData.map { ago($0, now: now) } ?? "never",
                    StatusNumbers.rateText(input.receivedRate), String(input.received), String(input.journaled),
                    String(input.quarantined), error ?? "-",
                ])
            }
            lines += StatusFormat.table(rows)
        }
        lines.append("")
        if let disk = state?.disk {
            lines.append(
                "disk: journal uses \(StatusFormat.bytes(disk.usedBytes)) of its \(StatusFormat.bytes(disk.budgetBytes)) "
                    + "budget; \(StatusFormat.bytes(disk.freeBytes)) free on its file system "
                    + "(reserve \(StatusFormat.bytes(disk.reserveBytes)))")
        }
        var tail = "dead letters: \(journal.deadLetters)"
        if journal.deadLetters > 0 { tail += " (plantsync dead-letters list)" }
        tail += "   quarantined inputs: \(journal.quarantined)"
        lines.append(tail)
        for letter in recentDeadLetters.prefix(5) {
            lines.append(
                "  \(letter.id) (\(letter.stream) seq \(letter.seq), \(ago(letter.deadLetteredAt, now: now))): \(letter.reason)"
            )
        }
        lines.append("journal \(journal.path) (epoch \(journal.epoch))")
        return lines.joined(separator: "\n")
    }

    private func streamCells(_ row: StreamRow, now: Int64) -> [String] {
        let backlog = row.backlog
        let oldest: String = backlog.oldestPendingAge(now: now).map { StatusFormat.age(milliseconds: $0) } ?? "-"
        let ackedAt: String = backlog.acknowledgedAt.map { ago($0, now: now) } ?? "never"
        let state: String = row.forwarding?.state ?? "-"
        let rate: String = row.forwarding.map { StatusNumbers.rateText($0.drainRate) } ?? "-"
        var eta: String = row.forwarding == nil ? "-" : "never"
        if let seconds = row.etaSeconds { eta = StatusFormat.age(milliseconds: seconds * 1000) }
        var cells: [String] = [backlog.stream, String(backlog.pendingCount), StatusFormat.bytes(backlog.pendingBytes)]
        cells += [oldest, String(backlog.lastSeq), String(backlog.acknowledgedSeq), ackedAt, state, rate, eta]
        cells.append(String(backlog.deadLetterCount))
        return cells
    }

    private func agentLine(now: Int64) -> String {
        let plant = state.map { "plant \($0.plant): " } ?? ""
        switch running {
        case .agent(let pid):
            var line = plant + "agent running" + (pid.map { " (pid \($0))" } ?? "")
            if let state, source == .journal { line += "; its state as of \(ago(state.writtenAt, now: now))" }
            return line
        case .nobody:
            guard let state else { return plant + "agent not running" }
            if state.stopped { return plant + "agent not running (stopped \(ago(state.writtenAt, now: now)))" }
            return plant
                + "agent not running (last state written \(ago(state.writtenAt, now: now)); it did not stop cleanly)"
        }
    }

    private func hubLine(_ hub: AgentStateRecord.Hub, now: Int64) -> String {
        var line = "hub \(hub.url): \(hub.reachability)"
        if let since = hub.since { line += " since \(ago(since, now: now))" }
        if let reason = hub.reason { line += " — \(reason)" }
        return line
    }

    /// "12s ago (2026-11-22T14:15:00.000Z)".
    private func ago(_ time: Int64, now: Int64) -> String {
        "\(StatusFormat.age(milliseconds: max(0, now - time))) ago (\(Timestamp(millisecondsSinceEpoch: time)))"
    }
}
