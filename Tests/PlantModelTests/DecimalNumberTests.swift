import Testing

@testable import PlantModel

@Suite struct DecimalNumberTests {
    static let canonicalForms: [(String, String, Int64, Int)] = [
        ("0", "0", 0, 0),
        ("-0", "0", 0, 0),
        ("0.000", "0", 0, 0),
        ("12.5", "12.5", 125, 1),
        ("12.50", "12.5", 125, 1),
        ("-0.001", "-0.001", -1, 3),
        ("0012.500", "12.5", 125, 1),
        ("100", "100", 100, 0),
        ("100.0", "100", 100, 0),
        ("10.05", "10.05", 1005, 2),
        ("1.5e3", "1500", 1500, 0),
        ("1.5E-3", "0.0015", 15, 4),
        ("25e-1", "2.5", 25, 1),
        ("0.000000000000000001", "0.000000000000000001", 1, 18),
        ("1.0000000000000000000000000", "1", 1, 0),
        ("9223372036854775807", "9223372036854775807", .max, 0),
        ("-9223372036854775808", "-9223372036854775808", .min, 0),
        ("-922337203685477580.8", "-922337203685477580.8", .min, 1),
        ("0e999999999", "0", 0, 0),
    ]

    @Test(arguments: canonicalForms)
    func parsesAndPrintsCanonically(text: String, canonical: String, significand: Int64, scale: Int) throws {
        let value = try DecimalNumber(parsing: text)
        #expect(value.description == canonical)
        #expect(value.significand == significand)
        #expect(value.scale == scale)
        #expect(try DecimalNumber(parsing: canonical) == value)
    }

    static let malformed: [(String, String)] = [
        ("", #"invalid decimal "": expected a digit or '-' at offset 0, found end of text"#),
        ("1,5", #"invalid decimal "1,5": expected a digit, '.', 'e' or end of text at offset 1, found ','"#),
        ("+1", #"invalid decimal "+1": expected a digit or '-' at offset 0, found '+'"#),
        ("-", #"invalid decimal "-": expected a digit at offset 1, found end of text"#),
        ("1.", #"invalid decimal "1.": expected a digit after '.' at offset 2, found end of text"#),
        (".5", #"invalid decimal ".5": expected a digit or '-' at offset 0, found '.'"#),
        (" 1", #"invalid decimal " 1": expected a digit or '-' at offset 0, found ' '"#),
        ("1 ", #"invalid decimal "1 ": expected a digit, '.', 'e' or end of text at offset 1, found ' '"#),
        ("1.5.2", #"invalid decimal "1.5.2": expected a digit, 'e' or end of text at offset 3, found '.'"#),
        ("1e", #"invalid decimal "1e": expected a digit in the exponent at offset 2, found end of text"#),
        ("1e5x", #"invalid decimal "1e5x": expected a digit or end of text at offset 3, found 'x'"#),
        ("1\t", #"invalid decimal "1\#t": expected a digit, '.', 'e' or end of text at offset 1, found byte 0x09"#),
        ("0.0000000000000000001", #"invalid decimal "0.0000000000000000001": more than 18 decimal places"#),
        (
            "9223372036854775808",
            #"invalid decimal "9223372036854775808": out of range (at most 19 significant digits, |significand| < 2^63)"#
        ),
        (
            "-9223372036854775809",
            #"invalid decimal "-9223372036854775809": out of range (at most 19 significant digits, |significand| < 2^63)"#
        ),
        (
            "1e19",
            #"invalid decimal "1e19": out of range (at most 19 significant digits, |significand| < 2^63)"#
        ),
        (
            "123456789012345678901234",
            #"invalid decimal "123456789012345678901234": out of range (at most 19 significant digits, |significand| < 2^63)"#
        ),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedTextWithExactMessage(text: String, message: String) {
        #expect(throws: DecimalError.self) { try DecimalNumber(parsing: text) }
        do {
            _ = try DecimalNumber(parsing: text)
        } catch {
            #expect(error.description == message)
        }
        #expect(DecimalNumber(text) == nil)
    }

    static let sums: [(String, String, String, String)] = [
        // a, b, a + b, a - b
        ("12.5", "0.5", "13", "12"),
        ("0.1", "0.2", "0.3", "-0.1"),
        ("-1.25", "1.25", "0", "-2.5"),
        ("1000", "0.001", "1000.001", "999.999"),
        ("0.000000000000000001", "1", "1.000000000000000001", "-0.999999999999999999"),
        // Alignment overflows 64 bits, yet the exact results fit.
        ("922337203685477580.5", "0.5", "922337203685477581", "922337203685477580"),
    ]

    @Test(arguments: sums)
    func addsAndSubtractsExactly(a: String, b: String, sum: String, difference: String) throws {
        let x = try DecimalNumber(parsing: a)
        let y = try DecimalNumber(parsing: b)
        #expect(try (x + y).description == sum)
        #expect(try (x - y).description == difference)
    }

    @Test func alignmentOverflowThatDoesNotFitIsReported() throws {
        // 9e18 - 0.5 = 8999999999999999999.5 needs a 20-digit significand at scale 1.
        let x = try DecimalNumber(parsing: "9000000000000000000")
        #expect(throws: DecimalError.overflow(operation: "9000000000000000000 + -0.5")) {
            try x + DecimalNumber(parsing: "-0.5")
        }
        #expect(throws: DecimalError.overflow(operation: "9223372036854775807 + 1")) {
            try DecimalNumber(integer: .max) + DecimalNumber(integer: 1)
        }
        #expect(throws: DecimalError.overflow(operation: "-9223372036854775808 - 1")) {
            try DecimalNumber(integer: .min) - DecimalNumber(integer: 1)
        }
        #expect(throws: DecimalError.overflow(operation: "-(-9223372036854775808)")) {
            try DecimalNumber(integer: .min).negated()
        }
    }

    static let products: [(String, String, String)] = [
        ("12.5", "4", "50"),
        ("0.5", "0.2", "0.1"),
        ("-1.5", "1.5", "-2.25"),
        ("0.001", "0.001", "0.000001"),
        ("0.000000001", "0.000000001", "0.000000000000000001"),
        ("0", "-7.25", "0"),
        ("0.5", "-18", "-9"),
    ]

    @Test(arguments: products)
    func multipliesExactly(a: String, b: String, product: String) throws {
        let x = try DecimalNumber(parsing: a)
        let y = try DecimalNumber(parsing: b)
        #expect(try (x * y).description == product)
    }

    @Test func multiplicationOverflowAndPrecisionAreReported() throws {
        let big = try DecimalNumber(parsing: "5000000000")
        #expect(throws: DecimalError.overflow(operation: "5000000000 * 5000000000")) { try big * big }
        #expect(throws: DecimalError.overflow(operation: "4611686018427387904 * 2")) {
            try DecimalNumber(integer: 4_611_686_018_427_387_904) * Int64(2)
        }
        let tiny = try DecimalNumber(parsing: "0.0000000001")
        #expect(throws: DecimalError.precisionExceeded(operation: "0.0000000001 * 0.0000000001")) { try tiny * tiny }
        // Integer multiplication whose 64-bit product overflows but whose normalised value fits.
        let half = try DecimalNumber(parsing: "0.5")
        #expect(try half * Int64(4_000_000_000_000_000_000) == DecimalNumber(integer: 2_000_000_000_000_000_000))
        #expect(throws: DecimalError.overflow(operation: "0.05 * 9223372036854775807")) {
            try DecimalNumber(parsing: "0.05") * Int64.max
        }
    }

    @Test func roundingRules() throws {
        let cases: [(String, Int, FloatingPointRoundingRule, String)] = [
            ("2.345", 2, .toNearestOrAwayFromZero, "2.35"),
            ("-2.345", 2, .toNearestOrAwayFromZero, "-2.35"),
            ("2.345", 2, .toNearestOrEven, "2.34"),
            ("2.355", 2, .toNearestOrEven, "2.36"),
            ("2.3451", 2, .toNearestOrEven, "2.35"),
            ("2.349", 2, .towardZero, "2.34"),
            ("2.341", 2, .awayFromZero, "2.35"),
            ("-2.341", 2, .up, "-2.34"),
            ("-2.341", 2, .down, "-2.35"),
            ("9.999", 2, .toNearestOrAwayFromZero, "10"),
            ("-0.004", 2, .toNearestOrAwayFromZero, "0"),
            ("1.5", 3, .toNearestOrAwayFromZero, "1.5"),
        ]
        for (text, scale, rule, expected) in cases {
            #expect(try DecimalNumber(parsing: text).rounded(toScale: scale, rule: rule).description == expected)
        }
        let grams = try DecimalNumber(parsing: "1234.5678")
        let perKilogram = try DecimalNumber(parsing: "0.001")
        #expect(try grams.multiplied(by: perKilogram, roundingToScale: 3).description == "1.235")
        #expect(throws: DecimalError.scaleOutOfRange(19)) { try grams.rounded(toScale: 19) }
    }

    @Test func comparesAcrossScales() throws {
        let ordered = try [
            "-9223372036854775808", "-1.5", "-1.25", "0", "0.000000000000000001", "0.1", "1", "1.05",
            "922337203685477580.7", "9223372036854775807",
        ].map { try DecimalNumber(parsing: $0) }
        for i in ordered.indices {
            for j in ordered.indices {
                #expect((ordered[i] < ordered[j]) == (i < j), "\(ordered[i]) < \(ordered[j])")
                #expect((ordered[i] == ordered[j]) == (i == j))
            }
        }
        #expect(try DecimalNumber(parsing: "1.50") == DecimalNumber(parsing: "1.5"))
        #expect(try DecimalNumber(parsing: "1.50").hashValue == DecimalNumber(parsing: "1.5").hashValue)
    }

    @Test func canonicalShapeCheckAgreesWithDescription() {
        let texts = [
            "0", "-0", "00", "0.0", "0.5", "-0.5", "1", "10", "10.50", "10.05", "01.5", "1.", ".5", "1e3", "-",
            "", "12.5", "-12.5", "9223372036854775807", "-922337203685477580.8", "1.000000000000000001",
        ]
        for text in texts {
            let viaDescription = (try? DecimalNumber(parsing: text))?.description == text
            #expect(DecimalNumber.isCanonical(text) == viaDescription, "\(text)")
        }
        var random = SeededRandom(seed: 42)
        for _ in 0..<500 {
            let value = try! DecimalNumber(
                significand: .random(in: .min ... .max, using: &random),
                scale: .random(in: 0...18, using: &random))
            #expect(DecimalNumber.isCanonical(value.description))
        }
    }

    @Test func constructorsValidateScale() throws {
        #expect(try DecimalNumber(significand: 1500, scale: 3).description == "1.5")
        #expect(throws: DecimalError.scaleOutOfRange(19)) { try DecimalNumber(significand: 1, scale: 19) }
        #expect(throws: DecimalError.scaleOutOfRange(-1)) { try DecimalNumber(significand: 1, scale: -1) }
        #expect(DecimalNumber(integer: -42).description == "-42")
        #expect(DecimalNumber(integer: -42).int64Value == -42)
        #expect(try DecimalNumber(parsing: "4.2").int64Value == nil)
    }
}
