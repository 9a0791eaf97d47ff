// AIM / ISO/IEC 15424 symbology identifiers: "]" + code character + modifier, sent by a scanner ahead of
// the data when configured to ("AIM ID" or "code ID prefix" in scanner manuals).

/// A symbology identifier such as `]C1` (GS1-128) or `]A0` (Code 39).
public struct SymbologyIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The code character: `C` Code 128, `d` Data Matrix, `Q` QR Code, `E` EAN/UPC, …
    public let code: Character
    /// The modifier character: `1` in `]C1`.
    public let modifier: Character

    public init(code: Character, modifier: Character) {
        self.code = code
        self.modifier = modifier
    }

    /// The three characters as sent, e.g. "]C1".
    public var description: String { "]\(code)\(modifier)" }

    /// The identifiers that announce GS1 element strings (FNC1 in first position): GS1-128, GS1 DataBar,
    /// GS1 DataMatrix, GS1 QR Code, GS1 DotCode.
    public static let gs1: Set<SymbologyIdentifier> = [
        SymbologyIdentifier(code: "C", modifier: "1"), SymbologyIdentifier(code: "e", modifier: "0"),
        SymbologyIdentifier(code: "d", modifier: "2"), SymbologyIdentifier(code: "Q", modifier: "3"),
        SymbologyIdentifier(code: "J", modifier: "1"),
    ]

    /// True when the identifier announces GS1 element strings.
    public var announcesGS1: Bool { SymbologyIdentifier.gs1.contains(self) }

    /// A readable name for commissioning output, e.g. "GS1-128", "Code 39".
    public var name: String {
        switch description {
        case "]C1": return "GS1-128"
        case "]e0": return "GS1 DataBar"
        case "]d2": return "GS1 DataMatrix"
        case "]Q3": return "GS1 QR Code"
        case "]J1": return "GS1 DotCode"
        case "]E0": return "EAN-13 / UPC-A"
        case "]E4": return "EAN-8"
        default: break
        }
        switch code {
        case "A": return "Code 39"
        case "C": return "Code 128"
        case "d": return "Data Matrix"
        case "E": return "EAN/UPC"
        case "e": return "GS1 DataBar"
        case "F": return "Codabar"
        case "G": return "Code 93"
        case "I": return "Interleaved 2 of 5"
        case "J": return "DotCode"
        case "L": return "PDF417"
        case "Q": return "QR Code"
        case "z": return "Aztec"
        default: return "symbology \(code)"
        }
    }

    /// The identifier at the start of `scan`: "]", an ASCII letter, then an ASCII letter or digit.
    public static func detect(_ scan: some Collection<UInt8>) -> SymbologyIdentifier? {
        var bytes = scan.makeIterator()
        guard bytes.next() == UInt8(ascii: "]"), let code = bytes.next(), let modifier = bytes.next(),
            isLetter(code), isLetter(modifier) || isDigit(modifier)
        else { return nil }
        return SymbologyIdentifier(code: Character(Unicode.Scalar(code)), modifier: Character(Unicode.Scalar(modifier)))
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
