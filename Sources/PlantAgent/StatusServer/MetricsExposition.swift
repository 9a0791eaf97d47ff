import PlantJournal
import PlantNet

/// The agent's `/metrics`.
enum MetricsExposition {
    /// Forwarding states as they appear in the `state` label.
    static let hubStates = ["unknown", "reachable", "unreachable", "auth failure", "certificate failure"]

    static func agent(_ status: AgentStatus) -> String {
        var out = PrometheusText()
        let now = status.readAt
        let rows = status.streams
        func perStream(_ value: (AgentStatus.StreamRow) -> String?) -> [(labels: [(String, String)], value: String)] {
            rows.compactMap { row in value(row).map { ([("stream", row.backlog.stream)], $0) } }
        }
        out.family(
            "plantsync_stream_pending_events", .gauge, "Events journaled but not yet acknowledged by the hub.",
            perStream { String($0.backlog.pendingCount) })
        out.family(
            "plantsync_stream_pending_bytes", .gauge, "Body bytes of the pending events.",
            perStream { String($0.backlog.pendingBytes) })
        out.family(
            "plantsync_stream_oldest_pending_age_seconds", .gauge,
            "Age of the oldest pending event; 0 when nothing is pending.",
            perStream { PrometheusText.seconds(milliseconds: $0.backlog.oldestPendingAge(now: now) ?? 0) })
        out.family(
            "plantsync_stream_journaled_events_total", .counter,
            "Events journaled in this stream (its last sequence number; restarts with a new journal epoch).",
            perStream { String($0.backlog.lastSeq) })
        out.family(
            "plantsync_stream_acknowledged_events_total", .counter,
            "Events the hub acknowledged in this stream (the acknowledged sequence number).",
            perStream { String($0.backlog.acknowledgedSeq) })
        out.family(
            "plantsync_stream_last_ack_timestamp_seconds", .gauge, "When the hub last acknowledged (Unix time).",
            perStream { $0.backlog.acknowledgedAt.map { PrometheusText.seconds(milliseconds: $0) } })
        out.family(
            "plantsync_stream_drain_rate_events_per_second", .gauge,
            "Events acknowledged per second over the last minute.",
            perStream { $0.forwarding.map { StatusNumbers.rateText($0.drainRate) } })
        out.family(
            "plantsync_stream_drain_eta_seconds", .gauge,
            "Time to drain the backlog at the current rate; absent while nothing drains.",
            perStream { $0.etaSeconds.map(String.init) })
        out.family(
            "plantsync_stream_forwarding_ok", .gauge, "1 while the stream forwards normally, 0 otherwise.",
            perStream { $0.forwarding.map { $0.state == "ok" ? "1" : "0" } })
        out.family(
            "plantsync_stream_dead_letters", .gauge, "Dead letters of this stream (events the hub refused for good).",
            perStream { String($0.backlog.deadLetterCount) })

        let hub = status.state?.hub
        out.family(
            "plantsync_hub_state", .gauge, "The hub as the forwarder sees it: 1 for the current state.",
            hubStates.map { state in
                ([("state", state)], hub?.reachability == state ? "1" : "0")
            })
        out.family(
            "plantsync_hub_last_error_timestamp_seconds", .gauge, "When forwarding last failed (Unix time).",
            hub?.lastErrorAt.map { [([], PrometheusText.seconds(milliseconds: $0))] } ?? [])

        let inputs = status.state?.inputs ?? []
        func perInput(_ value: (AgentStateRecord.Input) -> String?) -> [(labels: [(String, String)], value: String)] {
            inputs.compactMap { input in value(input).map { ([("input", input.name), ("type", input.type)], $0) } }
        }
        out.family(
            "plantsync_input_connected", .gauge,
            "1 while the input is connected to its source (or watching its folder).",
            perInput { $0.connection == "connected" ? "1" : "0" })
        out.family(
            "plantsync_input_received_total", .counter, "Signals the input received since the agent started.",
            perInput { String($0.received) })
        out.family(
            "plantsync_input_journaled_total", .counter, "Events the input journaled since the agent started.",
            perInput { String($0.journaled) })
        out.family(
            "plantsync_input_quarantined_total", .counter, "Bad input quarantined since the agent started.",
            perInput { String($0.quarantined) })
        out.family(
            "plantsync_input_last_data_timestamp_seconds", .gauge, "When the input last received data (Unix time).",
            perInput { $0.lastData.map { PrometheusText.seconds(milliseconds: $0) } })

        if let disk = status.state?.disk {
            out.single(
                "plantsync_disk_budget_bytes", .gauge, "The journal's configured disk budget.", String(disk.budgetBytes)
            )
            out.single(
                "plantsync_disk_reserve_bytes", .gauge, "Free space always left on the file system.",
                String(disk.reserveBytes))
            out.single("plantsync_disk_used_bytes", .gauge, "The journal's files on disk.", String(disk.usedBytes))
            out.single(
                "plantsync_disk_free_bytes", .gauge, "Free space on the journal's file system.", String(disk.freeBytes))
        }
        out.single(
            "plantsync_journal_accepting_appends", .gauge,
            "1 while the journal accepts appends (not disk full, fsync ok).",
            (status.state?.journalHealth ?? "ok") == "ok" ? "1" : "0")
        out.single("plantsync_dead_letters", .gauge, "Dead letters in the journal.", String(status.journal.deadLetters))
        out.single(
            "plantsync_quarantine_records", .gauge, "Quarantine records in the journal.",
            String(status.journal.quarantined))
        if let started = status.state?.startedAt {
            out.single(
                "plantsync_agent_start_time_seconds", .gauge, "When the agent started (Unix time).",
                PrometheusText.seconds(milliseconds: started))
        }
        return out.text
    }
}
