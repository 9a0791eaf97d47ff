import PlantNet

/// The ERP outbox and consumer figures on the hub's status page (an HTML section) and in
/// `/metrics` (Prometheus text): per connector and stream the cursor, pending events, delivered
/// events, transient failures and any parked posting with the ERP's message; per consumer the lag.
struct ERPStatusView: Sendable {
    let cursors: ConsumerCursors
    let connectors: [String]
    let consumers: [String]

    struct Snapshot {
        var progress: [ERPStreamProgress]
        var parked: [ParkedPosting]
        var positions: [ConsumerPosition]
    }

    func snapshot() -> Snapshot? {
        guard let status = try? cursors.outboxStatus(), let positions = try? cursors.positions(consumers: consumers)
        else { return nil }
        return Snapshot(
            progress: status.progress.filter { connectors.contains($0.connector) }, parked: status.parked,
            positions: positions)
    }

    /// Adds the ERP section to the status page's HTML, before its closing `</main>`.
    func addSection(to response: HTTPResponse, now: Int64) -> HTTPResponse {
        guard response.status == 200, !(connectors.isEmpty && consumers.isEmpty), let snapshot = snapshot() else {
            return response
        }
        let html = response.bodyText
        guard let end = html.range(of: "</main>") else { return response }
        var response = response
        response.body = Array((html[..<end.lowerBound] + section(snapshot, now: now) + html[end.lowerBound...]).utf8)
        return response
    }

    func section(_ snapshot: Snapshot, now: Int64) -> String {
        var html = "<section><h2>ERP</h2>"
        if !connectors.isEmpty {
            html += "<table><tr><th>Connector</th><th>Plant</th><th>Stream</th><th class=n>Posted through</th>"
            html += "<th class=n>Pending</th><th class=n>Delivered</th><th>State</th></tr>"
            for row in snapshot.progress {
                let parked = snapshot.parked.first {
                    $0.connector == row.connector && $0.plant == row.plant && $0.stream == row.stream
                }
                html += "<tr><td>\(StatusPages.escape(row.connector))</td><td>\(StatusPages.escape(row.plant))</td>"
                html += "<td>\(StatusPages.escape(row.stream))</td><td class=n>\(row.position)</td>"
                html += "<td class=n>\(row.pending)</td><td class=n>\(row.delivered)</td>"
                if let parked {
                    html += "<td class=\"bad\">parked at \(parked.position) (\(StatusPages.escape(parked.eventID))): "
                    html += "\(StatusPages.escape(parked.message))</td>"
                } else if row.failures > 0 {
                    html +=
                        "<td class=\"warn\">retrying (\(row.failures)): \(StatusPages.escape(row.lastError ?? ""))</td>"
                } else {
                    html += "<td class=\"ok\">\(row.pending == 0 ? "up to date" : "posting")</td>"
                }
                html += "</tr>"
            }
            html += "</table>"
            for parked in snapshot.parked
            where !snapshot.progress.contains(where: {
                $0.connector == parked.connector && $0.plant == parked.plant && $0.stream == parked.stream
            }) {
                html += "<p class=\"bad\">\(StatusPages.escape(parked.connector)) \(StatusPages.escape(parked.plant))/"
                html += "\(StatusPages.escape(parked.stream)) parked at \(parked.position): "
                html += "\(StatusPages.escape(parked.message))</p>"
            }
            html += "<p class=\"muted\">A parked stream waits for <code>plantsync hub erp-errors retry|skip</code>.</p>"
        }
        if !consumers.isEmpty {
            html += "<h2>Consumers</h2><table><tr><th>Consumer</th><th>Plant</th><th>Stream</th>"
            html += "<th class=n>Acknowledged</th><th class=n>Lag</th><th>Last ack</th></tr>"
            for position in snapshot.positions {
                html +=
                    "<tr><td>\(StatusPages.escape(position.consumer))</td><td>\(StatusPages.escape(position.plant))</td>"
                html += "<td>\(StatusPages.escape(position.stream))</td><td class=n>\(position.position)</td>"
                html += "<td class=n>\(position.lag)</td>"
                html += "<td>\(position.ackedAt.map { StatusPages.ago($0, now: now) } ?? "never")</td></tr>"
            }
            html += "</table>"
        }
        return html + "</section>"
    }

    /// Appends the ERP metric families to a `/metrics` response.
    func addMetrics(to response: HTTPResponse) -> HTTPResponse {
        guard response.status == 200, !(connectors.isEmpty && consumers.isEmpty), let snapshot = snapshot() else {
            return response
        }
        var response = response
        response.body.append(contentsOf: Array(Self.exposition(snapshot).utf8))
        return response
    }

    static func exposition(_ snapshot: Snapshot) -> String {
        var out = PrometheusText()
        func family(_ name: String, _ kind: PrometheusText.Kind, _ help: String, _ samples: [PrometheusText.Sample]) {
            out.family(name, kind, help, samples)
        }
        func labels(_ row: ERPStreamProgress) -> [(String, String)] {
            [("connector", row.connector), ("plant", row.plant), ("stream", row.stream)]
        }
        family(
            "plantsync_hub_erp_delivered_events_total", .counter, "Events the ERP accepted, per connector and stream.",
            snapshot.progress.map { (labels($0), String($0.delivered)) })
        family(
            "plantsync_hub_erp_pending_events", .gauge, "Events stored but not yet accepted by the ERP.",
            snapshot.progress.map { (labels($0), String($0.pending)) })
        family(
            "plantsync_hub_erp_consecutive_failures", .gauge, "Transient posting failures since the last success.",
            snapshot.progress.map { (labels($0), String($0.failures)) })
        family(
            "plantsync_hub_erp_parked", .gauge,
            "1 while a posting the ERP refused for good holds the stream (see plantsync hub erp-errors).",
            snapshot.parked.map {
                (
                    [
                        ("connector", $0.connector), ("plant", $0.plant), ("stream", $0.stream),
                        ("event_id", $0.eventID),
                    ], "1"
                )
            })
        family(
            "plantsync_hub_consumer_lag_events", .gauge, "Events stored but not acknowledged by the consumer.",
            snapshot.positions.map {
                ([("consumer", $0.consumer), ("plant", $0.plant), ("stream", $0.stream)], String($0.lag))
            })
        return out.text
    }
}
