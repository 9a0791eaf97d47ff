/// Small text helpers for operator output: aligned tables, ages, byte counts.
public enum StatusFormat {
    public static func table(_ rows: [[String]]) -> [String] {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }.joined()
        }
    }

    /// `42s`, `7m05s`, `3h12m`, `2d04h`.
    public static func age(milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m\(pad(seconds % 60))s"
        case ..<86400: return "\(seconds / 3600)h\(pad(seconds % 3600 / 60))m"
        default: return "\(seconds / 86400)d\(pad(seconds % 86400 / 3600))h"
        }
    }

    /// `512 B`, `12.5 KiB`, `3.2 MiB`, `1.1 GiB`.
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var unit = 0
        var scaled = count * 10
        while scaled >= 10 * 1024 && unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : "\(scaled / 10).\(scaled % 10) \(units[unit])"
    }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
