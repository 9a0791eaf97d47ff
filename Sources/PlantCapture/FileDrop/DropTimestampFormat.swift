import PlantModel

/// How the time columns of a dropped file are written (`timestamp_format`).
public enum DropTimestampFormat: Sendable, Equatable, CustomStringConvertible {
    /// `2026-11-22T14:15:00Z`, `2026-11-22T15:15:00.250+01:00`: the text carries its offset.
    case rfc3339
    /// Milliseconds since 1970-01-01T00:00:00Z.
    case epochMilliseconds
    /// Seconds since 1970-01-01T00:00:00Z, up to 3 decimals.
    case epochSeconds
    /// A pattern like `%d.%m.%Y %H:%M`, read as the plant's local time at a fixed UTC offset.
    case pattern([Piece], text: String)

    public enum Piece: Sendable, Equatable {
        case literal(UInt8)
        case year, month, day, hour, minute, second, millisecond
    }

    public static let directives = "%Y %m %d %H %M %S %L %%"

    /// `rfc3339`, `epoch_ms`, `epoch_s`, or a pattern; nil with the reason otherwise.
    public static func parse(_ text: String) -> Result<DropTimestampFormat, DropFormatError> {
        switch text {
        case "rfc3339": return .success(.rfc3339)
        case "epoch_ms": return .success(.epochMilliseconds)
        case "epoch_s": return .success(.epochSeconds)
        default: break
        }
        guard text.contains("%") else {
            return .failure(
                DropFormatError(
                    "expected rfc3339, epoch_ms, epoch_s or a pattern like \"%d.%m.%Y %H:%M\", found \"\(text)\""))
        }
        var pieces: [Piece] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                pieces.append(.literal(byte))
                continue
            }
            let directive = bytes.popFirst()
            switch directive {
            case UInt8(ascii: "Y"): pieces.append(.year)
            case UInt8(ascii: "m"): pieces.append(.month)
            case UInt8(ascii: "d"): pieces.append(.day)
            case UInt8(ascii: "H"): pieces.append(.hour)
            case UInt8(ascii: "M"): pieces.append(.minute)
            case UInt8(ascii: "S"): pieces.append(.second)
            case UInt8(ascii: "L"): pieces.append(.millisecond)
            case UInt8(ascii: "%"): pieces.append(.literal(UInt8(ascii: "%")))
            default:
                let found = directive.map { "%" + String(decoding: [$0], as: UTF8.self) } ?? "a lone % at the end"
                return .failure(
                    DropFormatError("pattern \"\(text)\": unknown directive \(found); expected one of \(directives)"))
            }
        }
        for (piece, name) in [(Piece.year, "%Y"), (.month, "%m"), (.day, "%d")] where !pieces.contains(piece) {
            return .failure(DropFormatError("pattern \"\(text)\": expected \(name) (patterns need %Y, %m and %d)"))
        }
        return .success(.pattern(pieces, text: text))
    }

    public var isPattern: Bool {
        if case .pattern = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .rfc3339: "rfc3339"
        case .epochMilliseconds: "epoch_ms"
        case .epochSeconds: "epoch_s"
        case .pattern(_, let text): text
        }
    }

    /// The instant `text` names; `utcOffsetMinutes` applies to patterns only. The failure is the reason.
    public func timestamp(_ text: String, utcOffsetMinutes: Int) -> Result<Timestamp, DropFormatError> {
        switch self {
        case .rfc3339:
            do {
                return .success(try Timestamp(parsing: text))
            } catch {
                return .failure(
                    DropFormatError("expected an RFC 3339 time like 2026-11-22T14:15:00Z, found \"\(text)\""))
            }
        case .epochMilliseconds:
            guard let value = Int64(text), text.first != "+" else {
                return .failure(DropFormatError("expected milliseconds since 1970 (an integer), found \"\(text)\""))
            }
            return .success(Timestamp(millisecondsSinceEpoch: value))
        case .epochSeconds:
            guard let decimal = DecimalNumber(text), text.first != "+", decimal.scale <= 3,
                let milliseconds = try? decimal.multiplied(by: 1000).int64Value
            else {
                return .failure(DropFormatError("expected seconds since 1970 (at most 3 decimals), found \"\(text)\""))
            }
            return .success(Timestamp(millisecondsSinceEpoch: milliseconds))
        case .pattern(let pieces, let pattern):
            guard let local = Self.read(Array(text.utf8), pieces) else {
                return .failure(DropFormatError("expected a time like \"\(pattern)\", found \"\(text)\""))
            }
            do {
                let instant = try Timestamp(
                    year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute,
                    second: local.second, millisecond: local.millisecond)
                return .success(instant.adding(milliseconds: -Int64(utcOffsetMinutes) * 60_000))
            } catch {
                return .failure(
                    DropFormatError(
                        "expected a time like \"\(pattern)\", found \"\(text)\" (\(error.expected) expected, found "
                            + "\(error.found))"))
            }
        }
    }

    private struct LocalTime {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millisecond = 0
    }

    /// Reads the fields; months, days, hours, minutes and seconds may have 1 or 2 digits, years 4,
    /// milliseconds 3.
    private static func read(_ bytes: [UInt8], _ pieces: [Piece]) -> LocalTime? {
        var time = LocalTime()
        var index = 0
        func number(minDigits: Int, maxDigits: Int) -> Int? {
            var value = 0
            var count = 0
            while count < maxDigits, index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
                count += 1
            }
            return count >= minDigits ? value : nil
        }
        for piece in pieces {
            switch piece {
            case .literal(let byte):
                guard index < bytes.count, bytes[index] == byte else { return nil }
                index += 1
            case .year: guard let value = number(minDigits: 4, maxDigits: 4) else { return nil }; time.year = value
            case .month: guard let value = number(minDigits: 1, maxDigits: 2) else { return nil }; time.month = value
            case .day: guard let value = number(minDigits: 1, maxDigits: 2) else { return nil }; time.day = value
            case .hour: guard let value = number(minDigits: 1, maxDigits: 2) else { return nil }; time.hour = value
            case .minute: guard let value = number(minDigits: 1, maxDigits: 2) else { return nil }; time.minute = value
            case .second: guard let value = number(minDigits: 1, maxDigits: 2) else { return nil }; time.second = value
            case .millisecond:
                guard let value = number(minDigits: 3, maxDigits: 3) else { return nil }
                time.millisecond = value
            }
        }
        return index == bytes.count ? time : nil
    }

    /// `+01:00`, `-05:30`, `Z` → minutes east of UTC; nil when not an offset up to ±14:00.
    public static func utcOffsetMinutes(_ text: String) -> Int? {
        if text == "Z" { return 0 }
        let bytes = Array(text.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            bytes[3] == UInt8(ascii: ":"),
            let hours = Int(String(decoding: bytes[1..<3], as: UTF8.self)),
            let minutes = Int(String(decoding: bytes[4..<6], as: UTF8.self)),
            bytes[1...2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            bytes[4...5].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            minutes < 60, hours * 60 + minutes <= 14 * 60
        else { return nil }
        return (bytes[0] == UInt8(ascii: "-") ? -1 : 1) * (hours * 60 + minutes)
    }
}

/// Why a timestamp format or a time value is not acceptable, in words.
public struct DropFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
