import Testing

@testable import PlantModel

@Suite struct JSONParserTests {
    func parse(_ text: String, limits: JSONParser.Limits = .init()) throws -> JSONValue {
        try JSONParser(limits: limits).parse(text)
    }

    @Test func parsesValidDocuments() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == .bool(true))
        #expect(try parse("\n\tfalse\r\n") == .bool(false))
        #expect(try parse("-0.50e+03") == .number(JSONNumber(uncheckedText: "-0.50e+03")))
        #expect(try parse("0") == .integer(0))
        #expect(try parse(#""""#) == .string(""))
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object(JSONObject()))
        let value = try parse(#"{"b": [1, 2.5, "x", null, {"z": true}], "a": {"k": "v"}, "": 0}"#)
        let expected: JSONValue = [
            "": 0, "a": ["k": "v"],
            "b": [
                1, .number(JSONNumber(uncheckedText: "2.5")), "x", .null,
                ["z": true],
            ],
        ]
        #expect(value == expected)
        #expect(value.objectValue?.keys == ["", "a", "b"])
        #expect(value.objectValue?["b"]?.arrayValue?.count == 5)
    }

    @Test func decodesEscapesAndUnicode() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u00e9\u20AC\ud83d\ude00""#) == .string("é€😀"))
        #expect(try parse("\"é€😀 plain\"") == .string("é€😀 plain"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        // Byte-wise keys: precomposed and decomposed é are different keys, not duplicates.
        let object = try parse("{\"\u{E9}\": 1, \"e\u{301}\": 2}").objectValue
        #expect(object?.count == 2)
        #expect(object?.keys == ["e\u{301}", "\u{E9}"])
    }

    static let malformed: [(input: [UInt8], offset: Int, code: JSONParseError.Code, message: String)] = [
        (b(""), 0, .syntax, "expected a JSON value, found end of input"),
        (b("   "), 3, .syntax, "expected a JSON value, found end of input"),
        (b("{"), 1, .syntax, "expected a string key or '}', found end of input"),
        (b("{\"a\" 1}"), 5, .syntax, "expected ':' after object key, found '1'"),
        (b("{\"a\":1,}"), 7, .syntax, "expected a string key after ',', found '}'"),
        (b("{\"a\":1 \"b\":2}"), 7, .syntax, "expected ',' or '}' after an object member, found '\"'"),
        (b("{a:1}"), 1, .syntax, "expected a string key or '}', found 'a'"),
        (b("[1,]"), 3, .syntax, "expected a JSON value after ',', found ']'"),
        (b("[1 2]"), 3, .syntax, "expected ',' or ']' after an array element, found '2'"),
        (b("[1,2"), 4, .syntax, "expected ',' or ']' after an array element, found end of input"),
        (b("{\"a\":}"), 5, .syntax, "expected a JSON value after ':', found '}'"),
        (b("tru"), 3, .syntax, "expected 'true' (started at byte 0), found end of input"),
        (b("[nul]"), 4, .syntax, "expected 'null' (started at byte 1), found ']'"),
        (
            b("01"), 1, .syntax,
            "leading zeros are not allowed in numbers; expected '.', 'e' or the end of the number after '0', found '1'"
        ),
        (b("-"), 1, .syntax, "expected a digit after '-', found end of input"),
        (b("1."), 2, .syntax, "expected a digit after '.', found end of input"),
        (b("1e+"), 3, .syntax, "expected a digit in the exponent, found end of input"),
        (b(".5"), 0, .syntax, "expected a JSON value, found '.'"),
        (b("+1"), 0, .syntax, "expected a JSON value, found '+'"),
        (b("NaN"), 0, .syntax, "expected a JSON value, found 'N'"),
        (b("'a'"), 0, .syntax, "expected a JSON value, found '''"),
        (b("\"abc"), 4, .syntax, "expected '\"' to close the string that started at byte 0, found end of input"),
        (
            b("\"a\\qb\""), 2, .syntax,
            "invalid escape; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX, found \\q"
        ),
        (b("\"\\u12G4\""), 5, .syntax, "expected 4 hex digits after \\u, found 'G'"),
        (
            b("\"a\nb\""), 2, .syntax,
            "unescaped control character 0x0A in string; expected it escaped (e.g. \\n or \\u000A)"
        ),
        (
            b("\"\\ud800\""), 1, .loneSurrogate,
            "lone high surrogate \\uD800; expected a low surrogate \\uDC00-\\uDFFF to follow"
        ),
        (
            b("\"\\ud800\\u0041\""), 7, .loneSurrogate,
            "lone high surrogate \\uD800; expected a low surrogate \\uDC00-\\uDFFF to follow, found \\u0041"
        ),
        (
            b("\"x\\udc00\""), 2, .loneSurrogate,
            "lone low surrogate \\uDC00; expected a high surrogate \\uD800-\\uDBFF before it"
        ),
        ([0x22, 0xFF, 0x22], 1, .invalidUTF8, "invalid UTF-8: byte 0xFF cannot start a character"),
        ([0x22, 0xC0, 0xAF, 0x22], 1, .invalidUTF8, "invalid UTF-8: byte 0xC0 cannot start a character"),
        (
            [0x22, 0xE0, 0x80, 0xAF, 0x22], 2, .invalidUTF8,
            "invalid UTF-8: byte 0x80 cannot follow 0xE0 (overlong, surrogate, out of range or truncated sequence)"
        ),
        (
            [0x22, 0xED, 0xA0, 0x80, 0x22], 2, .invalidUTF8,
            "invalid UTF-8: byte 0xA0 cannot follow 0xED (overlong, surrogate, out of range or truncated sequence)"
        ),
        (
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 2, .invalidUTF8,
            "invalid UTF-8: byte 0x90 cannot follow 0xF4 (overlong, surrogate, out of range or truncated sequence)"
        ),
        ([0x22, 0xC3], 2, .invalidUTF8, "invalid UTF-8: sequence starting with 0xC3 is truncated by end of input"),
        (
            [0x22, 0xC3, 0x22], 2, .invalidUTF8,
            "invalid UTF-8: byte 0x22 cannot follow 0xC3 (overlong, surrogate, out of range or truncated sequence)"
        ),
        ([0xEF, 0xBB, 0xBF, 0x7B, 0x7D], 0, .syntax, "expected a JSON value, found byte 0xEF"),
        (b("{\"a\":1,\"b\":2,\"a\":3}"), 13, .duplicateKey, "duplicate key \"a\" in object"),
        (b("{\"b\":1,\"a\":2,\"a\":3}"), 13, .duplicateKey, "duplicate key \"a\" in object"),
        (b("{} {}"), 3, .trailingData, "expected end of input after the JSON value, found '{'"),
        (b("1 x"), 2, .trailingData, "expected end of input after the JSON value, found 'x'"),
        (b("[1]\u{0}"), 3, .trailingData, "expected end of input after the JSON value, found byte 0x00"),
        (b("// c\n1"), 0, .syntax, "expected a JSON value, found '/'"),
    ]

    static func b(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(arguments: malformed)
    func rejectsMalformedInputAtExactOffset(input: [UInt8], offset: Int, code: JSONParseError.Code, message: String) {
        #expect(throws: JSONParseError(code: code, offset: offset, message: message)) {
            try JSONParser.parse(input)
        }
    }

    @Test func enforcesDepthAndSizeLimits() throws {
        let limits = JSONParser.Limits(maxDepth: 3, maxBytes: 32)
        #expect(try parse("[[[1]]]", limits: limits) == [[[1]]])
        #expect(throws: JSONParseError(code: .depthLimit, offset: 3, message: "nesting deeper than 3 levels")) {
            try parse("[[[[1]]]]", limits: limits)
        }
        #expect(throws: JSONParseError(code: .depthLimit, offset: 10, message: "nesting deeper than 2 levels")) {
            try parse(#"{"a":{"b":{"c":1}}}"#, limits: JSONParser.Limits(maxDepth: 2))
        }
        #expect(
            throws: JSONParseError(
                code: .sizeLimit, offset: 32, message: "input of 33 bytes exceeds the limit of 32 bytes")
        ) {
            try parse("[" + String(repeating: "1,", count: 15) + "1]", limits: limits)
        }
        // Deep nesting is refused without exhausting the stack.
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONParseError(code: .depthLimit, offset: 64, message: "nesting deeper than 64 levels")) {
            try parse(deep)
        }
    }

    @Test func largeUnsortedObjectsDetectDuplicatesAndSort() throws {
        var text = "{"
        for k in (0..<100).reversed() { text += "\"k\(k)\":\(k)," }
        let sorted = try parse(String(text.dropLast()) + "}")
        #expect(sorted.objectValue?.count == 100)
        #expect(
            sorted.objectValue?.keys
                == (0..<100).map { "k\($0)" }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(sorted.objectValue?["k42"] == 42)
        let withDuplicate = text + "\"k7\":0}"
        let offset = withDuplicate.utf8.count - 7
        #expect(throws: JSONParseError(code: .duplicateKey, offset: offset, message: "duplicate key \"k7\" in object"))
        {
            try parse(withDuplicate)
        }
    }

    @Test func knownAndUnknownKeysParseAlike() throws {
        // Known keys come from the intern table; near misses, escapes and long keys take the normal path.
        let text =
            #"{"plant":1,"plan":2,"plants":3,"pl\u0061nt2":4,"original_stream":5,"original_streams":6,"\u0070lant":7}"#
        #expect(throws: JSONParseError(code: .duplicateKey, offset: 88, message: "duplicate key \"plant\" in object")) {
            try parse(text)
        }
        let object = try #require(try parse(String(text.dropLast(16)) + "}").objectValue)
        #expect(object.keys == ["original_stream", "original_streams", "plan", "plant", "plant2", "plants"])
        #expect(object["plant"] == 1)
        #expect(object["plant2"] == 4)
        #expect(JSONKeyTable.shared.lookup(UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
    }

    @Test func numbersKeepTheirText() throws {
        let number = try #require(try parse("12.50").numberValue)
        #expect(number.text == "12.50")
        #expect(try number.decimalValue() == DecimalNumber(parsing: "12.5"))
        #expect(number.int64Value == nil)
        #expect(try parse("-42").numberValue?.int64Value == -42)
        #expect(try JSONNumber(validating: "1e3").text == "1e3")
        #expect(throws: JSONParseError(code: .syntax, offset: 0, message: "expected a JSON number, found a string")) {
            try JSONNumber(validating: "\"1\"")
        }
    }
}
