import PlantModel
import Testing

@testable import PlantCapture

@Suite("TelemetryFeed Kepware JSON parser")
struct TelemetryFeedKepwareParserTests {
    typealias Support = TelemetryFeedTestSupport

    static let example =
        #"{"timestamp": 1593698672213, "values": [{"id": "Channel1.Device1.Tag1", "v": 1121, "q": true, "t": 1593698671342}]}"#

    func parse(_ text: String) throws -> TelemetryLine {
        try KepwareJSONParser.parse(Support.bytes(text))
    }

    @Test func theIssueExampleTakesTheFastPath() throws {
        let expected = [Support.sample("Channel1.Device1.Tag1", Support.number("1121"), at: 1_593_698_671_342)]
        #expect(KepwareJSONParser.fastPath(Support.bytes(Self.example)) == expected)
        #expect(try parse(Self.example) == TelemetryLine(samples: expected))
    }

    @Test func numbersBooleansStringsAndBadQuality() throws {
        let line =
            #"{"timestamp":1,"values":[{"id":"L3.Temp","v":-21.50,"q":true,"t":1000},"#
            + #"{"id":"L3.Run","v":false,"q":false,"t":1001},{"id":"L3.Order","v":"WO-4711","q":true,"t":1002},"#
            + #"{"id":"L3.Big","v":1.5e3,"q":true,"t":0}]}"#
        let expected = [
            Support.sample("L3.Temp", Support.number("-21.5"), at: 1000),
            Support.sample("L3.Run", .bool(false), .bad, at: 1001),
            Support.sample("L3.Order", .string("WO-4711"), at: 1002),
            Support.sample("L3.Big", Support.number("1500"), at: 0),
        ]
        #expect(KepwareJSONParser.fastPath(Support.bytes(line)) == expected)
        #expect(try parse(line).samples == expected)
    }

    @Test func emptyValuesGiveNoSamples() throws {
        #expect(try parse(#"{"timestamp": 5, "values": []}"#) == TelemetryLine(samples: []))
    }

    @Test func floatNoisePastEighteenPlacesIsRoundedHalfToEven() throws {
        let line =
            #"{"timestamp":1,"values":[{"id":"a","v":0.0012345678901234567,"q":true,"t":1},"#
            + #"{"id":"b","v":1e-19,"q":true,"t":1},{"id":"c","v":5e-19,"q":true,"t":1},"#
            + #"{"id":"d","v":-0.9999999999999999999,"q":true,"t":1}]}"#
        let values = try parse(line).samples.map(\.value)
        #expect(
            values == [
                Support.number("0.001234567890123457"), Support.number("0"), Support.number("0"),
                Support.number("-1"),
            ])
    }

    /// Valid variants (spacing, key order, extra keys, escapes): whichever path takes them, the same samples.
    @Test(arguments: [
        #"{ "values" : [ { "t" : 1000 , "q" : true , "v" : 7 , "id" : "A.B" } ] , "timestamp" : 9 }"#,
        #"{"timestamp": 9, "plant": "P100", "values": [{"id": "A.B", "v": 7, "q": true, "t": 1000, "s": 1}]}"#,
        #"{"timestamp": 9, "values": [{"id": "A\u002EB", "v": 7, "q": true, "t": 1000}]}"#,
        "{\"timestamp\": 9,\n\"values\": [{\"id\": \"A.B\", \"v\": 7, \"q\": true, \"t\": 1000}]}\t",
    ])
    func validVariantsGiveTheSameSample(_ text: String) throws {
        #expect(try parse(text).samples == [Support.sample("A.B", Support.number("7"), at: 1000)])
    }

    @Test func unicodeIdsAndEscapedStringsAreKept() throws {
        let line = #"{"timestamp":1,"values":[{"id":"Füller.Temp","v":"say \"hi\"","q":true,"t":2}]}"#
        #expect(KepwareJSONParser.fastPath(Support.bytes(line)) == nil)
        #expect(try parse(line).samples == [Support.sample("Füller.Temp", .string("say \"hi\""), at: 2)])
    }

    @Test func fastAndCarefulPathsAgree() throws {
        var random = Support.SplitMix(seed: 7)
        for _ in 0..<200 {
            let count = Int.random(in: 0...5, using: &random)
            let values = (0..<count).map { k -> String in
                let v: String
                switch Int.random(in: 0...3, using: &random) {
                case 0: v = String(Int.random(in: -1_000_000...1_000_000, using: &random))
                case 1: v = "\(Int.random(in: -99...99, using: &random)).\(Int.random(in: 0...999_999, using: &random))"
                case 2: v = Bool.random(using: &random) ? "true" : "false"
                default: v = "\"text \(k)\""
                }
                let q = Bool.random(using: &random) ? "true" : "false"
                return
                    #"{"id":"Ch.Dev.T\#(k)","v":\#(v),"q":\#(q),"t":\#(Int.random(in: 0...2_000_000_000_000, using: &random))}"#
            }
            let line = Support.bytes(#"{"timestamp":1,"values":["# + values.joined(separator: ",") + "]}")
            let fast = try #require(KepwareJSONParser.fastPath(line))
            let careful = try line.withUnsafeBytes { try KepwareMessageShape.parse($0) }
            #expect(careful == TelemetryLine(samples: fast))
        }
    }

    /// Lines refused whole, with the exact reason.
    @Test(arguments: [
        ("not json", "not JSON: expected 'null' (started at byte 0), found 'o' (at byte 1)"),
        ("", "not JSON: expected a JSON value, found end of input (at byte 0)"),
        ("[1, 2]", #"expected a JSON object like {"timestamp": …, "values": […]}, found an array"#),
        (#""hello""#, #"expected a JSON object like {"timestamp": …, "values": […]}, found string "hello""#),
        (#"{"values": []}"#, #"missing "timestamp""#),
        (#"{"timestamp": 1}"#, #"missing "values""#),
        (#"{"timestamp": 1, "values": {}}"#, "values: expected an array, found an object"),
        (#"{"timestamp": 1, "values": null}"#, "values: expected an array, found null"),
        (
            #"{"timestamp": "x", "values": []}"#,
            #"timestamp: expected epoch milliseconds (an integer 0–253402300799999), found string "x""#
        ),
        (
            #"{"timestamp": 1.5, "values": []}"#,
            "timestamp: expected epoch milliseconds (an integer 0–253402300799999), found number 1.5"
        ),
        (
            #"{"timestamp": -1, "values": []}"#,
            "timestamp: expected epoch milliseconds (an integer 0–253402300799999), found number -1"
        ),
        (#"{"timestamp": 1, "values": ["#, "not JSON: expected a JSON value or ']', found end of input (at byte 28)"),
        (
            #"{"timestamp": 1, "timestamp": 2, "values": []}"#,
            #"not JSON: duplicate key "timestamp" in object (at byte 17)"#
        ),
        (
            #"{"timestamp": 1, "values": []} x"#,
            "not JSON: expected end of input after the JSON value, found 'x' (at byte 31)"
        ),
        (#"{"timestamp": 1, "values": [],}"#, "not JSON: expected a string key after ',', found '}' (at byte 30)"),
        (
            #"{"timestamp": 01, "values": []}"#,
            "not JSON: leading zeros are not allowed in numbers; expected '.', 'e' or the end of the number after '0', found '1' (at byte 15)"
        ),
        (#"{"timestamp": 1, "values": [[[[[[[[1]]]]]]]]}"#, "not JSON: nesting deeper than 8 levels (at byte 34)"),
    ])
    func linesRefusedWhole(_ text: String, _ reason: String) {
        #expect(throws: TelemetryLineError(reason)) { try parse(text) }
    }

    @Test func binaryNoiseAndInvalidUTF8AreRefusedWhole() {
        #expect(throws: TelemetryLineError("not JSON: expected a JSON value, found byte 0x00 (at byte 0)")) {
            try KepwareJSONParser.parse([0x00, 0x01, 0xFF])
        }
        let badID =
            Support.bytes(#"{"timestamp":1,"values":[{"id":"A"#) + [0xC3, 0x28]
            + Support.bytes(#"","v":1,"q":true,"t":1}]}"#)
        let reason =
            "invalid UTF-8: byte 0x28 cannot follow 0xC3 (overlong, surrogate, out of range or truncated sequence)"
        #expect(throws: TelemetryLineError(reason + " (at byte 34)")) {
            try KepwareJSONParser.parse(badID)
        }
    }

    /// Values refused one by one while the good values of the same message are kept.
    @Test(arguments: [
        (#"5"#, #"values[1]: expected an object {"id", "v", "q", "t"}, found number 5"#),
        (#"{"v": 1, "q": true, "t": 1}"#, #"values[1]: missing "id""#),
        (#"{"id": "", "v": 1, "q": true, "t": 1}"#, #"values[1].id: expected a non-empty string, found string """#),
        (#"{"id": 42, "v": 1, "q": true, "t": 1}"#, "values[1].id: expected a non-empty string, found number 42"),
        (#"{"id": "X", "q": true, "t": 1}"#, #"values[1]: missing "v""#),
        (
            #"{"id": "X", "v": null, "q": true, "t": 1}"#,
            "values[1].v: expected a number, boolean or string, found null"
        ),
        (
            #"{"id": "X", "v": [1, 2], "q": true, "t": 1}"#,
            "values[1].v: expected a number, boolean or string, found an array"
        ),
        (
            #"{"id": "X", "v": 1e30, "q": true, "t": 1}"#,
            #"values[1].v: invalid decimal "1e30": out of range (at most 19 significant digits, |significand| < 2^63)"#
        ),
        (#"{"id": "X", "v": 1, "t": 1}"#, #"values[1]: missing "q""#),
        (#"{"id": "X", "v": 1, "q": 1, "t": 1}"#, "values[1].q: expected true or false, found number 1"),
        (#"{"id": "X", "v": 1, "q": "good", "t": 1}"#, #"values[1].q: expected true or false, found string "good""#),
        (#"{"id": "X", "v": 1, "q": true}"#, #"values[1]: missing "t""#),
        (
            #"{"id": "X", "v": 1, "q": true, "t": "2026-11-22T14:15:00Z"}"#,
            #"values[1].t: expected epoch milliseconds (an integer 0–253402300799999), found string "2026-11-22T14:15:00Z""#
        ),
        (
            #"{"id": "X", "v": 1, "q": true, "t": 253402300800000}"#,
            "values[1].t: expected epoch milliseconds (an integer 0–253402300799999), found number 253402300800000"
        ),
    ])
    func valuesRefusedOneByOne(_ bad: String, _ reason: String) throws {
        let good = #"{"id": "OK", "v": 2, "q": true, "t": 3}"#
        let line = try parse(#"{"timestamp": 1, "values": ["# + good + ", " + bad + "]}")
        #expect(
            line == TelemetryLine(samples: [Support.sample("OK", Support.number("2"), at: 3)], rejectedValues: [reason])
        )
    }
}
