import PlantModel
import PlantNet

/// The hub's operator views of every plant: `GET /` (HTML, inline CSS, no scripts, no external
/// assets, refreshing every 30 s) and `GET /metrics` (Prometheus text format). Both show only
/// sync figures — plant and stream names, counts, times — never event contents, and need no
/// token, so a browser and a Prometheus scraper can read them; `/v1/plants` has the same figures
/// with access control.
struct StatusPages: Sendable {
    let reads: ReadEndpoints

    /// A stream lagging more than this is shown as late.
    static let lateAfterSeconds: Int64 = 15 * 60

    func page(_ request: HTTPRequest) -> HTTPResponse {
        let statuses: [PlantStatus]
        do {
            statuses = try reads.reader.plantStatuses(configured: reads.plantTokens.plants)
        } catch {
            return HubResponses.slowDown(
                status: 503, code: "store_unavailable", message: error.description, retryAfterSeconds: 5)
        }
        var response = HTTPResponse(
            status: 200, contentType: "text/html; charset=utf-8", body: Self.html(statuses, now: reads.clock()))
        response.headers.set("Cache-Control", "no-store")
        return response
    }

    func metrics(_ request: HTTPRequest) -> HTTPResponse {
        let statuses: [PlantStatus]
        do {
            statuses = try reads.reader.plantStatuses(configured: reads.plantTokens.plants)
        } catch {
            return HubResponses.slowDown(
                status: 503, code: "store_unavailable", message: error.description, retryAfterSeconds: 5)
        }
        return HTTPResponse(
            status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
            body: Self.exposition(statuses, now: reads.clock()))
    }

    // MARK: Prometheus

    static func exposition(_ statuses: [PlantStatus], now: Int64) -> String {
        var out = PrometheusText()
        typealias Sample = PrometheusText.Sample
        func family(_ name: String, _ kind: PrometheusText.Kind, _ help: String, _ samples: [Sample]) {
            out.family(name, kind, help, samples)
        }
        func perStream(_ value: (PlantStatus, StreamStatus) -> String?) -> [Sample] {
            statuses.flatMap { plant in
                plant.streams.compactMap { stream in
                    value(plant, stream).map { ([("plant", plant.plant), ("stream", stream.stream)], $0) }
                }
            }
        }
        family("plantsync_hub_plants", .gauge, "Plants configured or stored.", [([], String(statuses.count))])
        family(
            "plantsync_hub_plant_last_seen_timestamp_seconds", .gauge, "When the plant last sent a batch (Unix time).",
            statuses.compactMap { plant in
                plant.lastSeenAt.map { ([("plant", plant.plant)], PrometheusText.seconds(milliseconds: $0)) }
            })
        family(
            "plantsync_hub_stream_stored_events_total", .counter,
            "Events stored for the stream (its feed position; never reused).",
            perStream { String($1.feedThrough) })
        family(
            "plantsync_hub_stream_acked_seq", .gauge, "Highest sequence number stored for the current epoch.",
            perStream { String($1.ackedThrough) })
        family(
            "plantsync_hub_stream_reported_pending_events", .gauge,
            "Backlog the agent reported with its latest batch.", perStream { $1.backlog.map { String($0.pending) } })
        family(
            "plantsync_hub_stream_lag_seconds", .gauge,
            "Estimated age of the oldest event the plant has not delivered yet.",
            perStream { $1.lagSeconds(now: now).map(String.init) })
        family(
            "plantsync_hub_stream_last_batch_timestamp_seconds", .gauge,
            "When the latest batch was accepted (Unix time).",
            perStream { $1.lastBatchAt.map { PrometheusText.seconds(milliseconds: $0) } })
        return out.text
    }

    // MARK: HTML

    static func html(_ statuses: [PlantStatus], now: Int64) -> String {
        var html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        html += "<meta http-equiv=\"refresh\" content=\"30\"><title>PlantSync hub</title><style>\(style)</style></head>"
        html += "<body><header><h1>PlantSync hub · \(statuses.count) plant\(statuses.count == 1 ? "" : "s")</h1>"
        html += "<p>as of \(escape(Timestamp(millisecondsSinceEpoch: now).description))</p></header><main>"
        html += "<section><h2>Plants</h2>"
        if statuses.isEmpty {
            html += "<p class=\"muted\">No plants configured.</p>"
        } else {
            html += "<table><tr><th>Plant</th><th>Last seen</th><th>Stream</th><th class=n>Stored</th>"
            html += "<th class=n>Acked seq</th><th class=n>Backlog reported</th><th>Oldest pending</th>"
            html += "<th>Reported</th><th>Lag</th><th>Last batch</th></tr>"
            for plant in statuses {
                let rows = max(1, plant.streams.count)
                let seen = plant.lastSeenAt.map { ago($0, now: now) } ?? "<span class=\"muted\">never</span>"
                html += "<tr class=\"first\"><td rowspan=\"\(rows)\"><b>\(escape(plant.plant))</b></td>"
                html += "<td rowspan=\"\(rows)\">\(seen)</td>"
                if plant.streams.isEmpty { html += "<td colspan=\"8\" class=\"muted\">no batches yet</td></tr>" }
                for (index, stream) in plant.streams.enumerated() {
                    if index > 0 { html += "<tr>" }
                    html += "<td>\(escape(stream.stream))</td><td class=n>\(stream.feedThrough)</td>"
                    html += "<td class=n>\(stream.ackedThrough)</td>"
                    if let backlog = stream.backlog {
                        html += "<td class=n>\(backlog.pending)</td>"
                        html += "<td>\(backlog.oldestAgeSeconds.map { age($0 * 1000) } ?? "-")</td>"
                        html += "<td>\(ago(backlog.reportedAt, now: now))</td>"
                    } else {
                        html += "<td class=n>-</td><td>-</td><td class=\"muted\">no report</td>"
                    }
                    if let lag = stream.lagSeconds(now: now) {
                        let tone = lag > lateAfterSeconds ? "bad" : (lag > 60 ? "warn" : "ok")
                        html += "<td class=\"\(tone)\">\(age(lag * 1000))</td>"
                    } else {
                        html += "<td class=\"muted\">-</td>"
                    }
                    html += "<td>\(stream.lastBatchAt.map { ago($0, now: now) } ?? "never")</td></tr>"
                }
            }
            html += "</table>"
        }
        html += "<p class=\"muted\">Lag: the age of the oldest event a plant has not delivered, from its last "
        html += "report plus the time since. Late (red) after \(lateAfterSeconds / 60) minutes.</p></section>"
        html += "</main><footer>Machine-readable: <a href=\"/v1/plants\">/v1/plants</a> (JSON, token) · "
        html += "<a href=\"/metrics\">/metrics</a> (Prometheus)</footer></body></html>\n"
        return html
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d28;background:#f4f5f8}
        header{background:#23324a;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
        header p{margin:4px 0 0;color:#c9d3e3}main{padding:16px 24px;max-width:1180px}
        section{background:#fff;border:1px solid #dde0e8;border-radius:6px;padding:12px 16px;margin:0 0 16px}
        h2{font-size:16px;margin:0 0 8px}table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:4px 10px 4px 0;border-bottom:1px solid #eceef3;vertical-align:top}
        tr.first td{border-top:2px solid #dde0e8}
        th{font-weight:600;color:#555a6a;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
        td.n{text-align:right;font-variant-numeric:tabular-nums}th.n{text-align:right}
        .ok{color:#17803d}.warn{color:#b25e00}.bad{color:#c0262d;font-weight:600}.muted{color:#777c8c}
        footer{color:#777c8c;font-size:12px;padding:0 24px 24px}
        """

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `42s`, `7m05s`, `3h12m`, `2d04h`.
    static func age(_ milliseconds: Int64) -> String {
        let seconds = max(0, milliseconds) / 1000
        func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m\(pad(seconds % 60))s"
        case ..<86400: return "\(seconds / 3600)h\(pad(seconds % 3600 / 60))m"
        default: return "\(seconds / 86400)d\(pad(seconds % 86400 / 3600))h"
        }
    }

    static func ago(_ time: Int64, now: Int64) -> String {
        "<span title=\"\(escape(Timestamp(millisecondsSinceEpoch: time).description))\">\(age(now - time)) ago</span>"
    }
}
