// The shape of one GS1 Application Identifier: its data title and the components its value is made of,
// after the GS1 General Specifications and the GS1 Barcode Syntax Dictionary.

/// Which characters a value component may hold.
public enum GS1CharacterSet: Sendable, Equatable {
    /// Digits 0–9 ("N" in the GS1 tables).
    case numeric
    /// GS1 AI encodable character set 82 ("X"): `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
    case set82

    /// Whether `byte` belongs to the set.
    @inlinable
    public func contains(_ byte: UInt8) -> Bool {
        switch self {
        case .numeric: return byte >= 0x30 && byte <= 0x39
        case .set82: return GS1CharacterSet.set82Table[Int(byte)]
        }
    }

    /// Membership of set 82 by byte value; non-ASCII bytes are never members.
    @usableFromInline
    static let set82Table: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in Array("!\"%&'()*+,-./:;<=>?_".utf8) { table[Int(byte)] = true }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = true }
        return table
    }()
}

/// What a component means beyond its characters; the decoder checks it and reports the decoded form.
public enum GS1ComponentRule: Sendable, Equatable {
    case none
    /// The last digit is a GS1 mod-10 check digit over the component (GTIN, SSCC, GLN, GSIN, …).
    case checkDigit
    /// YYMMDD. `dayMayBeZero`: DD = 00 means "day not given" (end of month for expiry).
    case date(dayMayBeZero: Bool)
    /// YYMMDDHH (AI 8008).
    case dateHour
    /// HHMM.
    case hourMinute
    /// MM or MMSS (the optional tail of AI 8008).
    case minuteOptionalSecond
    /// A quantity whose decimal point position is the AI's last digit (310n, 392n, …).
    case decimalValue
    /// An ISO 4217 numeric currency code (391n, 393n).
    case currency
}

/// One part of an AI's value: "N6", "X..20", "N3" and so on.
public struct GS1Component: Sendable, Equatable {
    public let characters: GS1CharacterSet
    public let minLength: Int
    public let maxLength: Int
    public let rule: GS1ComponentRule

    public init(_ characters: GS1CharacterSet, minLength: Int, maxLength: Int, rule: GS1ComponentRule = .none) {
        self.characters = characters
        self.minLength = minLength
        self.maxLength = maxLength
        self.rule = rule
    }

    /// `N<n>`: exactly `length` digits.
    static func n(_ length: Int, _ rule: GS1ComponentRule = .none) -> GS1Component {
        GS1Component(.numeric, minLength: length, maxLength: length, rule: rule)
    }

    /// `N..<max>`: 1 to `max` digits.
    static func nUpTo(_ max: Int, _ rule: GS1ComponentRule = .none) -> GS1Component {
        GS1Component(.numeric, minLength: 1, maxLength: max, rule: rule)
    }

    /// `[N..<max>]`: an optional final part of 0 to `max` digits.
    static func optionalNUpTo(_ max: Int, _ rule: GS1ComponentRule = .none) -> GS1Component {
        GS1Component(.numeric, minLength: 0, maxLength: max, rule: rule)
    }

    /// `X..<max>`: 1 to `max` characters of set 82.
    static func xUpTo(_ max: Int) -> GS1Component {
        GS1Component(.set82, minLength: 1, maxLength: max)
    }
}

/// One Application Identifier of the table.
public struct GS1ApplicationIdentifier: Sendable, Equatable {
    /// The AI digits, e.g. "01", "3103", "8008".
    public let ai: String
    /// The GS1 data title, e.g. "GTIN", "NET WEIGHT (kg)".
    public let title: String
    /// The value's components in order; only the last may vary in length.
    public let components: [GS1Component]
    /// For AIs such as 310n: the number of decimal places (the AI's last digit).
    public let decimalPlaces: Int?

    public init(ai: String, title: String, components: [GS1Component], decimalPlaces: Int? = nil) {
        self.ai = ai
        self.title = title
        self.components = components
        self.decimalPlaces = decimalPlaces
    }

    public var minLength: Int { components.reduce(0) { $0 + $1.minLength } }
    public var maxLength: Int { components.reduce(0) { $0 + $1.maxLength } }
    public var isFixedLength: Bool { minLength == maxLength }

    /// True when the AI's first two digits are in the GS1 predefined-length table, so no FNC1 separator
    /// needs to follow its value.
    public var isPredefinedLength: Bool { GS1PredefinedLength.elementLength(aiPrefix: ai) != nil }

    /// Whether any component is a date.
    public var isDate: Bool {
        components.contains { component in
            switch component.rule {
            case .date, .dateHour: return true
            default: return false
            }
        }
    }

    /// Whether any component carries a check digit.
    public var hasCheckDigit: Bool { components.contains { $0.rule == .checkDigit } }

    /// The GS1 format notation, e.g. "N14", "X..20", "N3+X..9", "N8+[N..4]".
    public var format: String {
        components.map { component in
            let letter = component.characters == .numeric ? "N" : "X"
            if component.minLength == component.maxLength { return "\(letter)\(component.maxLength)" }
            if component.minLength == 0 { return "[\(letter)..\(component.maxLength)]" }
            return "\(letter)..\(component.maxLength)"
        }.joined(separator: "+")
    }
}

/// The GS1 General Specifications table of element strings with a predefined length, by the AI's first
/// two digits. Only these may be followed by another element without an FNC1 separator: the table is
/// fixed by the standard and does not grow with new fixed-length AIs (402, 422, 7003, 8005 need FNC1).
public enum GS1PredefinedLength {
    /// Total length (AI digits + value) by AI prefix.
    public static let byPrefix: [String: Int] = [
        "00": 20, "01": 16, "02": 16, "03": 16, "04": 18,
        "11": 8, "12": 8, "13": 8, "14": 8, "15": 8, "16": 8, "17": 8, "18": 8, "19": 8, "20": 4,
        "31": 10, "32": 10, "33": 10, "34": 10, "35": 10, "36": 10,
        "41": 16,
    ]

    /// The element length (AI + value) when the AI's prefix is in the predefined-length table.
    public static func elementLength(aiPrefix ai: String) -> Int? {
        guard ai.utf8.count >= 2 else { return nil }
        return byPrefix[String(ai.prefix(2))]
    }
}
