// What a scan is: GS1 element strings (AI + value, …) or a plain code. Pure: bytes in, value or error out.
//
// When a scan is GS1 (checked in this order):
//   1. It starts with a symbology identifier:
//      - ]C1 GS1-128, ]e0 GS1 DataBar, ]d2 GS1 DataMatrix, ]Q3 GS1 QR Code, ]J1 GS1 DotCode: GS1. The data
//        is FNC1-separated (FNC1 sent as GS, 0x1D; one leading GS is skipped) or, if it starts with "(",
//        the parenthesised human-readable form.
//      - ]E0 with exactly 13 digits (EAN-13/UPC-A) or ]E4 with exactly 8 digits (EAN-8): the GTIN, reported
//        as AI (01) padded to 14 digits with its check digit verified.
//      - any other identifier (]A0 Code 39, ]C0 Code 128, ]Q1 QR, …): a plain code, even if it looks like AIs.
//   2. No identifier: GS1 when the data starts with a GS (FNC1 transmitted), or with "(", 2–4 digits and ")"
//      (the parenthesised form), or when the caller says `assumeGS1` (scanners that strip FNC1 and send no
//      identifier). Anything else is a plain code.
// Once a scan is GS1, any defect is an error; it never falls back to a plain code.

/// One decoded element: AI and value exactly as encoded, plus its decoded meaning where it has one.
public struct GS1Element: Sendable, Hashable {
    /// The AI digits, e.g. "01", "3103".
    public let ai: String
    /// The GS1 data title, e.g. "GTIN".
    public let title: String
    /// The value exactly as encoded (for a parenthesised "\(" escape, the "(" it stands for).
    public let value: String
    /// 1-based byte position of the AI's first digit in the scan.
    public let position: Int
    /// The date, time, decimal or amount the value stands for, if any.
    public let decoded: GS1DecodedValue?

    public init(ai: String, title: String, value: String, position: Int, decoded: GS1DecodedValue? = nil) {
        self.ai = ai
        self.title = title
        self.value = value
        self.position = position
        self.decoded = decoded
    }
}

/// How GS1 data was written in the scan.
public enum GS1InputForm: String, Sendable, Hashable {
    /// AI + value concatenated, variable-length values ended by FNC1 sent as GS (0x1D).
    case fnc1Separated = "fnc1"
    /// The human-readable form "(01)09876543210982(10)ABC".
    case parenthesised
    /// An EAN-13/UPC-A/EAN-8 GTIN without AIs.
    case eanUPC = "ean"
}

/// A decoded GS1 scan.
public struct GS1ElementString: Sendable, Hashable {
    public let symbology: SymbologyIdentifier?
    public let form: GS1InputForm
    public let elements: [GS1Element]

    public init(symbology: SymbologyIdentifier?, form: GS1InputForm, elements: [GS1Element]) {
        self.symbology = symbology
        self.form = form
        self.elements = elements
    }

    /// The first element with `ai`, e.g. `first("01")?.value`.
    public func first(_ ai: String) -> GS1Element? { elements.first { $0.ai == ai } }
}

/// A non-GS1 scan: the data after any symbology identifier, passed through unchanged.
public struct PlainCode: Sendable, Hashable {
    public let symbology: SymbologyIdentifier?
    public let data: String

    public init(symbology: SymbologyIdentifier?, data: String) {
        self.symbology = symbology
        self.data = data
    }
}

/// What one scan decodes to.
public enum DecodedScan: Sendable, Hashable {
    case gs1(GS1ElementString)
    case plain(PlainCode)

    public var symbology: SymbologyIdentifier? {
        switch self {
        case .gs1(let string): return string.symbology
        case .plain(let code): return code.symbology
        }
    }
}

/// Decodes scans into GS1 elements or plain codes. See the rules at the top of this file.
public enum GS1Decoder {
    /// Decodes one scan (the bytes of one frame, terminator and configured prefix/suffix already removed).
    /// - Parameters:
    ///   - currentYear: the year of "now" (from the caller's clock), for the GS1 century rule on YYMMDD.
    ///   - assumeGS1: treat data without a symbology identifier as FNC1-separated GS1 element strings.
    public static func decode(
        _ scan: [UInt8], currentYear: Int, assumeGS1: Bool = false
    ) throws(GS1DecodeError) -> DecodedScan {
        let symbology = SymbologyIdentifier.detect(scan)
        let start = symbology == nil ? 0 : 3
        let parser = GS1ElementParser(scan: scan, currentYear: currentYear)
        if let symbology {
            if symbology.announcesGS1 {
                return .gs1(try parser.parseGS1(from: start, symbology: symbology))
            }
            if let gtin = try parser.parseEANUPC(from: start, symbology: symbology) {
                return .gs1(gtin)
            }
            return .plain(PlainCode(symbology: symbology, data: String(decoding: scan[start...], as: UTF8.self)))
        }
        if scan.first == GS1ElementParser.groupSeparator || looksParenthesised(scan) || assumeGS1 {
            return .gs1(try parser.parseGS1(from: 0, symbology: nil))
        }
        return .plain(PlainCode(symbology: nil, data: String(decoding: scan, as: UTF8.self)))
    }

    /// Decodes a scan given as text (its UTF-8 bytes).
    public static func decode(
        _ scan: String, currentYear: Int, assumeGS1: Bool = false
    ) throws(GS1DecodeError) -> DecodedScan {
        try decode(Array(scan.utf8), currentYear: currentYear, assumeGS1: assumeGS1)
    }

    /// "(" then 2–4 digits then ")": the start of the parenthesised human-readable form.
    static func looksParenthesised(_ scan: [UInt8]) -> Bool {
        guard scan.first == UInt8(ascii: "(") else { return false }
        var index = 1
        while index < scan.count, index <= 5, GS1ElementParser.isDigit(scan[index]) { index += 1 }
        return (3...5).contains(index) && index < scan.count && scan[index] == UInt8(ascii: ")")
    }
}
