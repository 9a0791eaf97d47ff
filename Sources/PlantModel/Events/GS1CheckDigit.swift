/// GS1 mod-10 check digits for the identifiers events carry (GTIN-8/12/13/14, SSCC-18).
public enum GS1CheckDigit {
    /// The check digit for `digits` (the identifier without its last digit); nil if a byte is not a digit.
    public static func compute<Digits: Collection>(for digits: Digits) -> UInt8? where Digits.Element == UInt8 {
        var sum = 0
        var weight = 3  // the digit next to the check digit weighs 3, then alternate
        for byte in digits.reversed() {
            guard isDigit(byte) else { return nil }
            sum += Int(byte - 0x30) * weight
            weight = 4 - weight
        }
        return UInt8((10 - sum % 10) % 10)
    }

    /// True when `text` is all digits, `lengths` contains its length and the last digit checks.
    public static func isValid(_ text: String, lengths: Set<Int>) -> Bool {
        let bytes = Array(text.utf8)
        guard lengths.contains(bytes.count), let check = compute(for: bytes.dropLast()) else { return false }
        return bytes[bytes.count - 1] == 0x30 + check
    }

    public static func isValidGTIN(_ text: String) -> Bool { isValid(text, lengths: [8, 12, 13, 14]) }
    public static func isValidSSCC(_ text: String) -> Bool { isValid(text, lengths: [18]) }
}
