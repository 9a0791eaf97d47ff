import PlantJournal
import PlantModel

/// The status page's chart: pending events per stream over a time range, as inline SVG (no
/// scripts, no external assets). A stream's line breaks where samples are missing for more
/// than `gapAfter` (the agent was down), instead of drawing a slope nobody measured.
struct BacklogChart {
    var width = 900
    var height = 260
    var gapAfter: Int64 = 3 * 60_000
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    private let left = 64
    private let right = 16
    private let top = 16
    private let bottom = 36

    func svg(_ samples: [BacklogSample], from start: Int64, to end: Int64) -> String {
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let streams = Array(Set(samples.map(\.stream))).sorted()
        let peak = samples.map(\.pendingCount).max() ?? 0
        let scale = Self.niceCeiling(max(peak, 1))
        let span = max(1, end - start)
        func x(_ time: Int64) -> Int { left + Int((Double(time - start) / Double(span) * Double(plotWidth)).rounded()) }
        func y(_ value: Int64) -> Int {
            top + plotHeight - Int((Double(value) / Double(scale) * Double(plotHeight)).rounded())
        }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
        out +=
            "viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"Backlog over the last 24 hours\" class=\"chart\">"
        out +=
            "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"#fbfbfd\" stroke=\"#ccd\"/>"
        // Horizontal grid: 0, ¼, ½, ¾, 1 of the scale.
        for step in 0...4 {
            let value = scale * Int64(step) / 4
            let lineY = y(value)
            out +=
                "<line x1=\"\(left)\" y1=\"\(lineY)\" x2=\"\(left + plotWidth)\" y2=\"\(lineY)\" stroke=\"#e3e3ea\"/>"
            out +=
                "<text x=\"\(left - 6)\" y=\"\(lineY + 4)\" text-anchor=\"end\" class=\"axis\">\(Self.compact(value))</text>"
        }
        // Time ticks every 3 hours (UTC), labelled HH:00.
        let threeHours: Int64 = 3 * 3_600_000
        var tick = (start / threeHours + 1) * threeHours
        while tick < end {
            let tickX = x(tick)
            let hour = (tick % 86_400_000) / 3_600_000
            out += "<line x1=\"\(tickX)\" y1=\"\(top)\" x2=\"\(tickX)\" y2=\"\(top + plotHeight)\" stroke=\"#eeeef3\"/>"
            out += "<text x=\"\(tickX)\" y=\"\(top + plotHeight + 16)\" text-anchor=\"middle\" class=\"axis\">"
            out += (hour < 10 ? "0" : "") + "\(hour):00</text>"
            tick += threeHours
        }
        out += "<text x=\"\(left + plotWidth)\" y=\"\(height - 4)\" text-anchor=\"end\" class=\"axis\">now (UTC)</text>"
        out += "<text x=\"\(left)\" y=\"\(height - 4)\" class=\"axis\">24 h ago</text>"
        if samples.isEmpty {
            out +=
                "<text x=\"\(left + plotWidth / 2)\" y=\"\(top + plotHeight / 2)\" text-anchor=\"middle\" class=\"empty\">"
            out += "no backlog samples yet (one is taken every minute)</text>"
        }
        for (index, stream) in streams.enumerated() {
            let color = Self.colors[index % Self.colors.count]
            let points = samples.filter { $0.stream == stream }.sorted { $0.sampledAt < $1.sampledAt }
            for run in Self.runs(points, gapAfter: gapAfter) {
                if run.count == 1 {
                    out +=
                        "<circle cx=\"\(x(run[0].sampledAt))\" cy=\"\(y(run[0].pendingCount))\" r=\"2.5\" fill=\"\(color)\"/>"
                } else {
                    let coordinates = run.map { "\(x($0.sampledAt)),\(y($0.pendingCount))" }.joined(separator: " ")
                    out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(coordinates)\"/>"
                }
            }
            // Legend, top right inside the plot.
            let legendY = top + 14 + index * 16
            let legendX = left + plotWidth - 150
            out += "<rect x=\"\(legendX)\" y=\"\(legendY - 9)\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            out += "<text x=\"\(legendX + 16)\" y=\"\(legendY)\" class=\"legend\">\(HTML.escape(stream))</text>"
        }
        return out + "</svg>"
    }

    /// Consecutive samples no further apart than `gapAfter`.
    static func runs(_ points: [BacklogSample], gapAfter: Int64) -> [[BacklogSample]] {
        var runs: [[BacklogSample]] = []
        for point in points {
            if let last = runs.last?.last, point.sampledAt - last.sampledAt <= gapAfter {
                runs[runs.count - 1].append(point)
            } else {
                runs.append([point])
            }
        }
        return runs
    }

    /// The smallest 1, 2 or 5 × 10^n at or above `value`.
    static func niceCeiling(_ value: Int64) -> Int64 {
        var magnitude: Int64 = 1
        while true {
            for factor: Int64 in [1, 2, 5] where factor * magnitude >= value { return factor * magnitude }
            if magnitude > Int64.max / 100 { return value }
            magnitude *= 10
        }
    }

    /// 950, 12k, 3.4M.
    static func compact(_ value: Int64) -> String {
        switch value {
        case ..<10_000: return String(value)
        case ..<1_000_000: return "\(value / 1000)k"
        default:
            let tenths = value / 100_000
            return tenths % 10 == 0 ? "\(tenths / 10)M" : "\(tenths / 10).\(tenths % 10)M"
        }
    }
}

/// Text for HTML: escaped, so a stream, input or reason can never inject markup.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
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
}
