import Testing

@testable import PlantModel

@Suite struct JSONWriterTests {
    func text(_ value: JSONValue) -> String { String(decoding: JSONWriter.encode(value), as: UTF8.self) }

    @Test func sortsKeysByUTF8BytesAndOmitsNullMembers() {
        let value: JSONValue = [
            "b": 1, "a": .null, "B": true, "aa": [.null, 2], "é": "x", "z": ["y": .null, "x": "1"],
        ]
        #expect(text(value) == #"{"B":true,"aa":[null,2],"b":1,"z":{"x":"1"},"é":"x"}"#)
        var object = JSONObject()
        object["m"] = "1"
        object["c"] = "2"
        object["m"] = nil
        object["d"] = .null
        #expect(text(.object(object)) == #"{"c":"2"}"#)
        #expect(object.keys == ["c", "d"])
    }

    @Test func escapesMinimally() {
        let value: JSONValue = .string(
            "q\" b\\ s/ nl\n cr\r tab\t bs\u{8} ff\u{C} nul\u{0} us\u{1F} del\u{7F} é € 😀 \u{2028}")
        #expect(
            text(value) == #""q\" b\\ s/ nl\n cr\r tab\t bs\b ff\f nul\u0000 us\u001f del"# + "\u{7F} é € 😀 \u{2028}\"")
        #expect(text(["k\"ey": 1]) == #"{"k\"ey":1}"#)
    }

    @Test func writesNumbersVerbatimAndIntegersExactly() {
        #expect(
            text([.number(JSONNumber(uncheckedText: "1.50e+3")), .integer(.min), .integer(0), .integer(.max)])
                == "[1.50e+3,-9223372036854775808,0,9223372036854775807]")
        #expect(text(.decimal(DecimalNumber(integer: -7))) == "-7")
    }

    @Test func roundTripsGeneratedValues() throws {
        var random = SeededRandom(seed: 0x5EED_2026)
        for _ in 0..<2000 {
            let value = random.jsonValue(depth: 0)
            let bytes = JSONWriter.encode(value)
            let parsed = try JSONParser.parse(bytes)
            #expect(parsed == value.withoutNullMembers, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(JSONWriter.encode(parsed) == bytes)
        }
    }
}

/// SplitMix64: small, seeded, reproducible.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func string() -> String {
        let alphabet: [Unicode.Scalar] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é",
            "\u{301}", "€", "😀", "\u{FFFF}", "\u{10FFFF}", "_", "-", ".",
        ]
        let count = Int.random(in: 0...8, using: &self)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<count { scalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &self)]) }
        return String(scalars)
    }

    mutating func number() -> JSONNumber {
        switch Int.random(in: 0..<3, using: &self) {
        case 0: return JSONNumber(Int64.random(in: .min ... .max, using: &self))
        case 1:
            let decimal = try! DecimalNumber(
                significand: .random(in: -1_000_000...1_000_000, using: &self),
                scale: .random(in: 0...18, using: &self))
            return JSONNumber(decimal)
        default:
            let texts = ["0", "-0", "1e3", "1E-7", "-12.500", "0.0", "6.02e+23"]
            return JSONNumber(uncheckedText: texts[Int.random(in: 0..<texts.count, using: &self)])
        }
    }

    mutating func jsonValue(depth: Int) -> JSONValue {
        let pick = Int.random(in: 0..<(depth >= 4 ? 4 : 6), using: &self)
        switch pick {
        case 0: return Bool.random(using: &self) ? .null : .bool(Bool.random(using: &self))
        case 1: return .number(number())
        case 2, 3: return .string(string())
        case 4: return .array((0..<Int.random(in: 0...4, using: &self)).map { _ in jsonValue(depth: depth + 1) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...5, using: &self) { object[string()] = jsonValue(depth: depth + 1) }
            return .object(object)
        }
    }
}

extension JSONValue {
    /// What a round trip through the writer gives: object members with null values dropped.
    var withoutNullMembers: JSONValue {
        switch self {
        case .array(let elements): return .array(elements.map(\.withoutNullMembers))
        case .object(let object):
            var result = JSONObject()
            for member in object where !member.value.isNull { result[member.key] = member.value.withoutNullMembers }
            return .object(result)
        default: return self
        }
    }
}
