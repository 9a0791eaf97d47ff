import PlantJournal
import PlantModel

/// The agent's `/`: one self-contained HTML page (inline CSS and SVG, no scripts, no external
/// assets) that refreshes itself every 30 s. Every text from the journal or configuration is
/// escaped.
enum StatusPage {
    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d28;background:#f4f5f8}
        header{background:#23324a;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
        header p{margin:4px 0 0;color:#c9d3e3}main{padding:16px 24px;max-width:1180px}
        section{background:#fff;border:1px solid #dde0e8;border-radius:6px;padding:12px 16px;margin:0 0 16px}
        h2{font-size:16px;margin:0 0 8px}table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:4px 10px 4px 0;border-bottom:1px solid #eceef3;vertical-align:top}
        th{font-weight:600;color:#555a6a;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
        td.n{text-align:right;font-variant-numeric:tabular-nums}th.n{text-align:right}
        .cards{display:flex;gap:12px;flex-wrap:wrap;background:none;border:0;padding:0}
        .card{background:#fff;border:1px solid #dde0e8;border-radius:6px;padding:10px 14px;min-width:190px;flex:1}
        .card .k{font-size:12px;color:#555a6a;text-transform:uppercase}.card .v{font-size:20px;font-weight:600}
        .card .d{font-size:12px;color:#555a6a;word-break:break-word}
        .ok{color:#17803d}.warn{color:#b25e00}.bad{color:#c0262d}.muted{color:#777c8c}
        .chart{max-width:100%;height:auto}.axis{font-size:11px;fill:#666b7a}.legend{font-size:12px;fill:#333}
        .empty{font-size:13px;fill:#888}footer{color:#777c8c;font-size:12px;padding:0 24px 24px}
        """

    static func agent(_ status: AgentStatus, history: [BacklogSample], since: Int64) -> String {
        let now = status.readAt
        let plant = status.state?.plant ?? "?"
        var html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        html += "<meta http-equiv=\"refresh\" content=\"30\">"
        html += "<title>PlantSync agent \(HTML.escape(plant))</title><style>\(style)</style></head><body>"
        html += "<header><h1>PlantSync agent · plant \(HTML.escape(plant))</h1><p>as of \(time(now))"
        if let state = status.state { html += " · running since \(time(state.startedAt)) · pid \(state.pid)" }
        html += "</p></header><main>"
        html += cards(status, now: now)
        html += "<section><h2>Backlog, last 24 hours</h2>"
        html += BacklogChart().svg(history, from: since, to: now)
        html += "</section>"
        html += streams(status, now: now)
        html += inputs(status, now: now)
        html += deadLetters(status, now: now)
        html += quarantine(status, now: now)
        html += "</main><footer>Machine-readable: <a href=\"/status\">/status</a> (JSON) · "
        html += "<a href=\"/metrics\">/metrics</a> (Prometheus) · <a href=\"/healthz\">/healthz</a></footer>"
        return html + "</body></html>\n"
    }

    private static func cards(_ status: AgentStatus, now: Int64) -> String {
        var html = "<section class=\"cards\">"
        let hub = status.state?.hub
        let reachability = hub?.reachability ?? "unknown"
        let tone = reachability == "reachable" ? "ok" : (reachability == "unknown" ? "muted" : "bad")
        var detail = HTML.escape(hub?.url ?? "")
        if let since = hub?.since { detail += "<br>since \(age(since, now: now))" }
        if let reason = hub?.reason { detail += "<br>\(HTML.escape(reason))" }
        html += card("Hub", "<span class=\"\(tone)\">\(HTML.escape(reachability))</span>", detail)
        let pending = status.journal.streams.reduce(0) { $0 + $1.pendingCount }
        let oldest = status.journal.streams.compactMap { $0.oldestPendingAge(now: now) }.max()
        let etas = status.streams.map(\.etaSeconds)
        let eta: String =
            pending == 0
            ? "drained"
            : (etas.contains { $0 == nil }
                ? "not draining"
                : StatusFormat.age(
                    milliseconds: (etas.compactMap { $0 }.max() ?? 0) * 1000))
        html += card(
            "Backlog", "\(pending) events",
            "oldest \(oldest.map { StatusFormat.age(milliseconds: $0) } ?? "-") · ETA \(eta)")
        if let disk = status.state?.disk {
            let share = disk.budgetBytes > 0 ? Int(disk.usedBytes * 100 / disk.budgetBytes) : 0
            html += card(
                "Disk budget", "\(share)% used",
                "\(StatusFormat.bytes(disk.usedBytes)) of \(StatusFormat.bytes(disk.budgetBytes)) · "
                    + "\(StatusFormat.bytes(disk.freeBytes)) free")
        }
        let deadTone = status.journal.deadLetters == 0 ? "ok" : "warn"
        html += card(
            "Dead letters", "<span class=\"\(deadTone)\">\(status.journal.deadLetters)</span>",
            "quarantined input: \(status.journal.quarantined)")
        if let health = status.state?.journalHealth, health != "ok" {
            html += card("Journal", "<span class=\"bad\">refusing appends</span>", HTML.escape(health))
        }
        return html + "</section>"
    }

    private static func card(_ key: String, _ value: String, _ detail: String) -> String {
        "<div class=\"card\"><div class=\"k\">\(key)</div><div class=\"v\">\(value)</div><div class=\"d\">\(detail)</div></div>"
    }

    private static func streams(_ status: AgentStatus, now: Int64) -> String {
        var html = "<section><h2>Streams</h2>"
        guard !status.streams.isEmpty else { return html + "<p class=\"muted\">No events journaled yet.</p></section>" }
        html += "<table><tr><th>Stream</th><th class=n>Pending</th><th class=n>Bytes</th><th>Oldest</th>"
        html += "<th class=n>Last seq</th><th class=n>Acked</th><th>Last ack</th><th>State</th>"
        html += "<th class=n>Drain/s</th><th>ETA</th></tr>"
        for row in status.streams {
            let backlog = row.backlog
            let state = row.forwarding?.state ?? "-"
            let tone = state == "ok" ? "ok" : "bad"
            html += "<tr><td>\(HTML.escape(backlog.stream))</td><td class=n>\(backlog.pendingCount)</td>"
            html += "<td class=n>\(StatusFormat.bytes(backlog.pendingBytes))</td>"
            html += "<td>\(backlog.oldestPendingAge(now: now).map { StatusFormat.age(milliseconds: $0) } ?? "-")</td>"
            html += "<td class=n>\(backlog.lastSeq)</td><td class=n>\(backlog.acknowledgedSeq)</td>"
            html += "<td>\(backlog.acknowledgedAt.map { age($0, now: now) } ?? "never")</td>"
            html +=
                "<td class=\"\(tone)\" title=\"\(HTML.escape(row.forwarding?.stateReason ?? ""))\">\(HTML.escape(state))</td>"
            html += "<td class=n>\(row.forwarding.map { StatusNumbers.rateText($0.drainRate) } ?? "-")</td>"
            html +=
                "<td>\(row.etaSeconds.map { StatusFormat.age(milliseconds: $0 * 1000) } ?? "not draining")</td></tr>"
        }
        return html + "</table></section>"
    }

    private static func inputs(_ status: AgentStatus, now: Int64) -> String {
        var html = "<section><h2>Inputs</h2>"
        let inputs = status.state?.inputs ?? []
        guard !inputs.isEmpty else { return html + "<p class=\"muted\">No inputs configured.</p></section>" }
        html += "<table><tr><th>Input</th><th>Type</th><th>Health</th><th>Last data</th><th class=n>Rate/s</th>"
        html +=
            "<th class=n>Received</th><th class=n>Journaled</th><th class=n>Quarantined</th><th>Last error</th></tr>"
        for input in inputs {
            let tone = input.connection == "connected" ? "ok" : (input.connection == "connecting" ? "warn" : "bad")
            let error = input.lastError.map { message in
                (input.lastErrorAt.map { age($0, now: now) + ": " } ?? "") + message
            }
            html += "<tr><td>\(HTML.escape(input.name))</td><td>\(HTML.escape(input.type))</td>"
            html += "<td class=\"\(tone)\">\(HTML.escape(input.connection))</td>"
            html += "<td>\(input.lastData.map { age($0, now: now) } ?? "never")</td>"
            html += "<td class=n>\(StatusNumbers.rateText(input.receivedRate))</td><td class=n>\(input.received)</td>"
            html += "<td class=n>\(input.journaled)</td><td class=n>\(input.quarantined)</td>"
            html += "<td>\(HTML.escape(error ?? "-"))</td></tr>"
        }
        return html + "</table></section>"
    }

    private static func deadLetters(_ status: AgentStatus, now: Int64) -> String {
        var html = "<section><h2>Dead letters (\(status.journal.deadLetters))</h2>"
        guard !status.recentDeadLetters.isEmpty else {
            return html + "<p class=\"muted\">None: the hub accepted every event.</p></section>"
        }
        html += "<table><tr><th>Event id</th><th>Stream</th><th class=n>Seq</th><th>Type</th><th>When</th>"
        html += "<th>Reason</th></tr>"
        for letter in status.recentDeadLetters {
            html += "<tr><td>\(HTML.escape(letter.id))</td><td>\(HTML.escape(letter.stream))</td>"
            html += "<td class=n>\(letter.seq)</td><td>\(HTML.escape(letter.type))</td>"
            html += "<td>\(age(letter.deadLetteredAt, now: now))</td><td>\(HTML.escape(letter.reason))</td></tr>"
        }
        html += "</table><p class=\"muted\">Retry one with <code>plantsync dead-letters retry ID</code>.</p>"
        return html + "</section>"
    }

    private static func quarantine(_ status: AgentStatus, now: Int64) -> String {
        guard !status.recentQuarantine.isEmpty else { return "" }
        var html = "<section><h2>Quarantined input (\(status.journal.quarantined))</h2><table><tr><th>Input</th>"
        html += "<th>Where</th><th>When</th><th>Reason</th></tr>"
        for entry in status.recentQuarantine {
            html += "<tr><td>\(HTML.escape(entry.input))</td><td>\(HTML.escape(entry.location))</td>"
            html += "<td>\(age(entry.quarantinedAt, now: now))</td><td>\(HTML.escape(entry.reason))</td></tr>"
        }
        return html + "</table></section>"
    }

    private static func time(_ milliseconds: Int64) -> String {
        HTML.escape(Timestamp(millisecondsSinceEpoch: milliseconds).description)
    }

    private static func age(_ milliseconds: Int64, now: Int64) -> String {
        "<span title=\"\(time(milliseconds))\">\(StatusFormat.age(milliseconds: max(0, now - milliseconds))) ago</span>"
    }
}
