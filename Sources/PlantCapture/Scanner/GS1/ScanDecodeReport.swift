// What `plantsync decode-scan [--json] STRING` prints: for technicians commissioning a scanner.
import Foundation

/// The decoded form of one scan typed on a command line, as one JSON object and as readable text.
///
/// JSON keys, in this order: `input` (the string as given), `symbology` ("]C1" or null), `gs1`, `elements`
/// (`ai`, `title`, `value` exactly as encoded, then where they apply `date` (YYYY-MM-DD) with
/// `day_unspecified: true` for DD = 00, `datetime` (YYYY-MM-DDTHH:MM[:SS]), `decimal`, `currency`), `error`.
public struct ScanDecodeReport: Sendable, Hashable {
    /// One line, no trailing newline.
    public let json: String
    /// Several lines, each ending in a newline.
    public let text: String
    /// False when the scan is GS1 but does not decode; plain codes count as decoded.
    public let decoded: Bool
    /// What `decode-scan` exits with: 0 decoded, 65 (EX_DATAERR) not.
    public var exitCode: Int32 { decoded ? 0 : 65 }

    /// Decodes `input` as typed: the GS separator may be the raw byte, `\x1d` or `<GS>`; the parenthesised form
    /// works too. `now` supplies the year for the GS1 century rule (UTC).
    public static func make(input: String, now: Date, assumeGS1: Bool = false) -> ScanDecodeReport {
        let year = GS1Date.year(secondsSince1970: Int64(now.timeIntervalSince1970.rounded(.down)))
        return make(input: input, currentYear: year, assumeGS1: assumeGS1)
    }

    /// As `make(input:now:assumeGS1:)` with the year given directly.
    public static func make(input: String, currentYear: Int, assumeGS1: Bool = false) -> ScanDecodeReport {
        let scan = unescapeSeparators(input)
        let result: Result<DecodedScan, GS1DecodeError>
        do {
            result = .success(try GS1Decoder.decode(scan, currentYear: currentYear, assumeGS1: assumeGS1))
        } catch {
            result = .failure(error)
        }
        let symbology = SymbologyIdentifier.detect(scan)
        return ScanDecodeReport(
            json: json(input: input, symbology: symbology, result: result),
            text: text(scan: scan, symbology: symbology, result: result),
            decoded: (try? result.get()) != nil)
    }

    /// The scan bytes for a typed string: `\x1d` (any hex case) and `<GS>` (any case) become the GS byte 0x1D.
    public static func unescapeSeparators(_ input: String) -> [UInt8] {
        let bytes = Array(input.utf8)
        var scan: [UInt8] = []
        scan.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if matches(bytes, at: index, "\\x1d") {
                scan.append(0x1D)
                index += 4
            } else if matches(bytes, at: index, "<gs>") {
                scan.append(0x1D)
                index += 4
            } else {
                scan.append(bytes[index])
                index += 1
            }
        }
        return scan
    }

    private static func matches(_ bytes: [UInt8], at index: Int, _ lowercased: String) -> Bool {
        let pattern = Array(lowercased.utf8)
        guard index + pattern.count <= bytes.count else { return false }
        for (offset, expected) in pattern.enumerated() {
            var byte = bytes[index + offset]
            if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
            if byte != expected { return false }
        }
        return true
    }

    // MARK: JSON

    private static func json(
        input: String, symbology: SymbologyIdentifier?, result: Result<DecodedScan, GS1DecodeError>
    ) -> String {
        var out = "{\"input\": " + ScanReportJSON.quoted(input)
        out += ", \"symbology\": " + (symbology.map { ScanReportJSON.quoted($0.description) } ?? "null")
        switch result {
        case .success(.plain):
            out += ", \"gs1\": false, \"elements\": [], \"error\": null}"
        case .success(.gs1(let string)):
            out += ", \"gs1\": true, \"elements\": [" + string.elements.map(elementJSON).joined(separator: ", ")
            out += "], \"error\": null}"
        case .failure(let error):
            out += ", \"gs1\": true, \"elements\": [], \"error\": " + ScanReportJSON.quoted(error.message) + "}"
        }
        return out
    }

    private static func elementJSON(_ element: GS1Element) -> String {
        var out = "{\"ai\": " + ScanReportJSON.quoted(element.ai)
        out += ", \"title\": " + ScanReportJSON.quoted(element.title)
        out += ", \"value\": " + ScanReportJSON.quoted(element.value)
        switch element.decoded {
        case .none:
            break
        case .date(let date)?:
            out += ", \"date\": " + ScanReportJSON.quoted(date.description)
            if date.dayUnspecified { out += ", \"day_unspecified\": true" }
        case .dateTime?:
            out += ", \"datetime\": " + ScanReportJSON.quoted(element.decoded?.text ?? "")
        case .decimal(let decimal)?:
            out += ", \"decimal\": " + ScanReportJSON.quoted(decimal)
        case .amount(let currency, let decimal)?:
            out += ", \"decimal\": " + ScanReportJSON.quoted(decimal)
            out += ", \"currency\": " + ScanReportJSON.quoted(currency)
        }
        return out + "}"
    }

    // MARK: Text

    private static func text(
        scan: [UInt8], symbology: SymbologyIdentifier?, result: Result<DecodedScan, GS1DecodeError>
    ) -> String {
        let shown = ScanDisplay(scan)
        var out = "input:     \(shown.text)\n"
        out += "symbology: " + (symbology.map { "\($0) \($0.name)" } ?? "none") + "\n"
        switch result {
        case .success(.plain(let code)):
            out += "GS1:       no, plain code\n"
            out += "code:      \(ScanDisplay(Array(code.data.utf8)).text)\n"
        case .success(.gs1(let string)):
            let form: String
            switch string.form {
            case .fnc1Separated: form = "FNC1-separated element string"
            case .parenthesised: form = "parenthesised (human-readable) form"
            case .eanUPC: form = "EAN/UPC GTIN"
            }
            out += "GS1:       yes, \(form)\n"
            for element in string.elements {
                out += "  (\(element.ai)) \(element.title): \(element.value)"
                if let decoded = element.decoded {
                    out += " -> \(decoded.text)"
                    if case .date(let date) = decoded, date.dayUnspecified {
                        out += " (DD=00: day not given, end of month)"
                    }
                }
                out += "\n"
            }
        case .failure(let error):
            out += "GS1:       yes\n"
            out += "error:     \(error.message)\n"
            out += "           \(shown.text)\n"
            out += "           " + String(repeating: " ", count: shown.column(ofPosition: error.position)) + "^\n"
        }
        return out
    }
}

/// Minimal JSON string quoting (RFC 8259): quotes, backslash and control characters escaped.
enum ScanReportJSON {
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// A scan made readable on a terminal: GS as `<GS>`, other control bytes as `<0xHH>`; remembers where each
/// byte lands so an error position can be pointed at.
struct ScanDisplay {
    private(set) var text = ""
    /// Display column of each byte of the scan (continuation bytes share their character's column).
    private var columns: [Int] = []
    private var width = 0

    init(_ scan: [UInt8]) {
        var iterator = scan.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                let bytes = encoded.count
                switch scalar.value {
                case 0x1D: append("<GS>", bytes: bytes)
                case 0x1E: append("<RS>", bytes: bytes)
                case 0x04: append("<EOT>", bytes: bytes)
                case 0x00...0x1F, 0x7F: append("<0x" + hex(UInt8(scalar.value)) + ">", bytes: bytes)
                default: append(String(Character(scalar)), bytes: bytes)
                }
            case .error(let length):
                for _ in 0..<length { append("<bad UTF-8>", bytes: 1) }
            case .emptyInput:
                return
            }
        }
    }

    /// The column under which the 1-based byte `position` is shown (one past the end for end of data).
    func column(ofPosition position: Int) -> Int {
        position - 1 < columns.count ? columns[max(0, position - 1)] : width
    }

    private mutating func append(_ shown: String, bytes: Int) {
        columns += [Int](repeating: width, count: bytes)
        text += shown
        width += shown.count
    }

    private func hex(_ byte: UInt8) -> String {
        (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }
}
