// Splits GS1 data into elements: the FNC1-separated form (raw, as scanners send it) and the parenthesised
// human-readable form. Values are validated by GS1ValueValidation.

struct GS1ElementParser {
    static let groupSeparator: UInt8 = 0x1D
    private static let openParenthesis = UInt8(ascii: "(")
    private static let closeParenthesis = UInt8(ascii: ")")
    private static let backslash = UInt8(ascii: "\\")

    let scan: [UInt8]
    let currentYear: Int

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// GS1 data from `start` (just after any symbology identifier), in either form.
    func parseGS1(from start: Int, symbology: SymbologyIdentifier?) throws(GS1DecodeError) -> GS1ElementString {
        if start < scan.count, scan[start] == Self.openParenthesis {
            let elements = try parseParenthesised(from: start)
            return GS1ElementString(symbology: symbology, form: .parenthesised, elements: elements)
        }
        // FNC1 in first position is implied by the identifier; some scanners still send it as a GS.
        let first = start < scan.count && scan[start] == Self.groupSeparator ? start + 1 : start
        return GS1ElementString(symbology: symbology, form: .fnc1Separated, elements: try parseSeparated(from: first))
    }

    /// ]E0 + 13 digits or ]E4 + 8 digits: the GTIN as AI (01); nil for anything else.
    func parseEANUPC(from start: Int, symbology: SymbologyIdentifier) throws(GS1DecodeError) -> GS1ElementString? {
        let digits = scan[start...]
        guard symbology.code == "E", digits.allSatisfy(Self.isDigit) else { return nil }
        let padding: Int
        switch (symbology.modifier, digits.count) {
        case ("0", 13): padding = 1
        case ("4", 8): padding = 6
        default: return nil
        }
        let value = [UInt8](repeating: UInt8(ascii: "0"), count: padding) + digits
        let positions = [Int](repeating: start + 1, count: padding) + Array((start + 1)...scan.count)
        guard let gtin = GS1ApplicationIdentifierTable.lookup("01") else { return nil }
        let element = try element(
            gtin, aiPosition: start + 1, valuePosition: start + 1, value: value,
            positions: positions, separated: false)
        return GS1ElementString(symbology: symbology, form: .eanUPC, elements: [element])
    }

    /// AI + value pairs; variable-length values end at a GS or the end of data.
    private func parseSeparated(from start: Int) throws(GS1DecodeError) -> [GS1Element] {
        var elements: [GS1Element] = []
        var index = start
        if index == scan.count {
            throw .expectedApplicationIdentifier(position: index + 1, found: GS1DecodeError.describe(nil))
        }
        while index < scan.count {
            let spec = try applicationIdentifier(at: index)
            let valueStart = index + spec.ai.utf8.count
            var end = valueStart
            if spec.isFixedLength {
                while end < scan.count, end - valueStart < spec.maxLength, scan[end] != Self.groupSeparator { end += 1 }
                if end - valueStart < spec.maxLength {
                    throw .wrongLength(
                        ai: spec.ai, position: valueStart + 1, length: end - valueStart,
                        expected: String(spec.maxLength))
                }
            } else {
                while end < scan.count, scan[end] != Self.groupSeparator { end += 1 }
                if end - valueStart > spec.maxLength {
                    // Report a bad character first: it often explains the overrun better.
                    let headEnd = valueStart + spec.maxLength
                    try GS1ValueValidation.checkCharacters(
                        spec, value: Array(scan[valueStart..<headEnd]),
                        positions: Array((valueStart + 1)...headEnd),
                        separated: true)
                    throw .valueTooLong(ai: spec.ai, position: headEnd + 1, maxLength: spec.maxLength)
                }
            }
            let value = Array(scan[valueStart..<end])
            let positions = Array((valueStart + 1)..<(end + 1))
            elements.append(
                try element(
                    spec, aiPosition: index + 1, valuePosition: valueStart + 1, value: value,
                    positions: positions,
                    separated: true))
            index = end
            if index < scan.count {
                if scan[index] == Self.groupSeparator {
                    index += 1  // a GS at the very end is tolerated: some encoders add one
                } else if !spec.isPredefinedLength {
                    throw .missingSeparator(
                        ai: spec.ai, position: index + 1,
                        found: GS1DecodeError.describe(scan[index]))
                }
            }
        }
        return elements
    }

    /// "(AI)value(AI)value…"; a "(" inside a value is written "\(".
    private func parseParenthesised(from start: Int) throws(GS1DecodeError) -> [GS1Element] {
        var elements: [GS1Element] = []
        var index = start
        while index < scan.count {
            guard scan[index] == Self.openParenthesis else {
                throw .malformedParentheses(
                    position: index + 1, expected: "\"(\" opening an Application Identifier",
                    found: GS1DecodeError.describe(scan[index]))
            }
            var close = index + 1
            while close < scan.count, close - index <= 4, Self.isDigit(scan[close]) { close += 1 }
            let digits = String(decoding: scan[(index + 1)..<close], as: UTF8.self)
            let found = close < scan.count ? scan[close] : nil
            if digits.utf8.count < 2 && found != Self.closeParenthesis {
                throw .expectedApplicationIdentifier(position: close + 1, found: GS1DecodeError.describe(found))
            }
            guard found == Self.closeParenthesis else {
                throw .malformedParentheses(
                    position: close + 1, expected: "\")\" closing the Application Identifier",
                    found: GS1DecodeError.describe(found))
            }
            guard let spec = GS1ApplicationIdentifierTable.lookup(digits) else {
                if let allowed = GS1ApplicationIdentifierTable.decimalFamily(digits) {
                    throw .invalidDecimalIndicator(ai: digits, position: index + 2, allowed: allowed)
                }
                throw .unknownApplicationIdentifier(position: index + 2, digits: digits, complete: true)
            }
            var value: [UInt8] = []
            var positions: [Int] = []
            var cursor = close + 1
            while cursor < scan.count, scan[cursor] != Self.openParenthesis {
                if scan[cursor] == Self.backslash, cursor + 1 < scan.count, scan[cursor + 1] == Self.openParenthesis {
                    cursor += 1
                }
                value.append(scan[cursor])
                positions.append(cursor + 1)
                cursor += 1
            }
            elements.append(
                try element(
                    spec, aiPosition: index + 2, valuePosition: close + 2, value: value,
                    positions: positions,
                    separated: false))
            index = cursor
        }
        return elements
    }

    /// The known AI at `index` (FNC1-separated form), or the error saying why there is none.
    private func applicationIdentifier(at index: Int) throws(GS1DecodeError) -> GS1ApplicationIdentifier {
        guard Self.isDigit(scan[index]) else {
            throw .expectedApplicationIdentifier(position: index + 1, found: GS1DecodeError.describe(scan[index]))
        }
        var end = index
        while end < scan.count, end - index < 4, Self.isDigit(scan[end]) { end += 1 }
        if let spec = GS1ApplicationIdentifierTable.match(digits: scan[index..<end]) { return spec }
        let digits = String(decoding: scan[index..<end], as: UTF8.self)
        if let allowed = GS1ApplicationIdentifierTable.decimalFamily(digits) {
            throw .invalidDecimalIndicator(ai: digits, position: index + 1, allowed: allowed)
        }
        throw .unknownApplicationIdentifier(position: index + 1, digits: digits, complete: false)
    }

    private func element(
        _ spec: GS1ApplicationIdentifier, aiPosition: Int, valuePosition: Int, value: [UInt8], positions: [Int],
        separated: Bool
    ) throws(GS1DecodeError) -> GS1Element {
        try GS1ValueValidation.checkCharacters(spec, value: value, positions: positions, separated: separated)
        if value.count < spec.minLength || value.count > spec.maxLength {
            throw .wrongLength(
                ai: spec.ai, position: valuePosition, length: value.count,
                expected: GS1ValueValidation.lengthText(spec))
        }
        let decoded = try GS1ValueValidation.validate(
            spec, value: value, positions: positions,
            currentYear: currentYear)
        return GS1Element(
            ai: spec.ai, title: spec.title, value: String(decoding: value, as: UTF8.self),
            position: aiPosition, decoded: decoded)
    }
}
