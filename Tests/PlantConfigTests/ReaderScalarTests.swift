import PlantConfig
import Testing

/// Each scalar style, escapes, comments and flow forms, as the reader sees them.
@Suite struct ReaderScalarTests {
    @Test(arguments: [
        // Plain scalars: trailing spaces and comments are not part of the value; "#" without a space
        // before it is text; ":" not followed by a space is text.
        ("a: hello world", #"{a@1:1=p"hello world"@1:4}@1:1"#),
        ("a: hello   # a comment", #"{a@1:1=p"hello"@1:4}@1:1"#),
        ("a: C#5", #"{a@1:1=p"C#5"@1:4}@1:1"#),
        ("a: https://hub:8443/x", #"{a@1:1=p"https://hub:8443/x"@1:4}@1:1"#),
        ("a: -12", #"{a@1:1=p"-12"@1:4}@1:1"#),
        ("a: 'it''s # not a comment'", ##"{a@1:1=s"it's # not a comment"@1:4}@1:1"##),
        ("a: ''", #"{a@1:1=s""@1:4}@1:1"#),
        ("a: '\\n stays'", #"{a@1:1=s"\n stays"@1:4}@1:1"#),
        ("a: \"# text\" # comment", ##"{a@1:1=d"# text"@1:4}@1:1"##),
        ("a: \"\"", #"{a@1:1=d""@1:4}@1:1"#),
        // Empty values: nothing, a comment, null, ~. Quoted "null" stays text.
        ("a:", "{a@1:1=empty@1:1}@1:1"),
        ("a:   # nothing", "{a@1:1=empty@1:1}@1:1"),
        ("a: null", "{a@1:1=empty@1:4}@1:1"),
        ("a: ~", "{a@1:1=empty@1:4}@1:1"),
        ("a: 'null'", #"{a@1:1=s"null"@1:4}@1:1"#),
        // Tabs between key and value are separation, not indentation.
        ("a:\tb", #"{a@1:1=p"b"@1:4}@1:1"#),
        // Quoted keys.
        ("\"a b\": 1", #"{a b@1:1=p"1"@1:8}@1:1"#),
        ("'x:y' : 2", #"{x:y@1:1=p"2"@1:9}@1:1"#),
        // Flow forms.
        ("a: []", "{a@1:1=[]@1:4}@1:1"),
        ("a: {}", "{a@1:1={}@1:4}@1:1"),
        ("a: [ ]", "{a@1:1=[]@1:4}@1:1"),
        ("a: [x, 'y z', \"w\",]", #"{a@1:1=[p"x"@1:5, s"y z"@1:8, d"w"@1:15]@1:4}@1:1"#),
        ("a: [1,2] # c", #"{a@1:1=[p"1"@1:5, p"2"@1:7]@1:4}@1:1"#),
        // Columns count Unicode scalars, not bytes.
        ("é: ü", #"{é@1:1=p"ü"@1:4}@1:1"#),
    ])
    func scalarForms(text: String, expected: String) throws {
        #expect(render(try readRoot(text)) == expected)
    }

    @Test(arguments: [
        (#"\""#, "\""),
        (#"\\"#, "\\"),
        (#"\n"#, "\n"),
        (#"\t"#, "\t"),
        (#"\r"#, "\r"),
        (#"\0"#, "\u{0}"),
        (#"\x41\x7e"#, "A~"),
        (#"\xE9"#, "é"),
        (#"\u00e9\u20AC"#, "é€"),
        (#"a\"b\\c"#, "a\"b\\c"),
    ])
    func doubleQuotedEscapes(escaped: String, expected: String) throws {
        let root = try readRoot("k: \"\(escaped)\"")
        guard case .map(let entries) = root.content, case .scalar(let scalar) = entries[0].value.content else {
            Issue.record("not a scalar: \(render(root))")
            return
        }
        #expect(scalar.text == expected)
        #expect(scalar.style == .doubleQuoted)
    }

    @Test(arguments: [
        (#"k: "a\qb""#, #"test.yaml:1:6: k: invalid escape "\q"; valid escapes are \" \\ \n \t \r \0 \xNN \uNNNN"#),
        (#"k: "\x4""#, #"test.yaml:1:5: k: escape "\x" must be followed by 2 hexadecimal digits"#),
        (#"k: "\xZZ""#, #"test.yaml:1:5: k: escape "\x" must be followed by 2 hexadecimal digits"#),
        (#"k: "\u12""#, #"test.yaml:1:5: k: escape "\u" must be followed by 4 hexadecimal digits"#),
        (#"k: "\uD800""#, #"test.yaml:1:5: k: escape "\uD800" is not a Unicode scalar value (a surrogate)"#),
        (#"k: "abc\"#, #"test.yaml:1:4: k: unterminated double-quoted string; close it with " on the same line"#),
        ("k: 'it''s", "test.yaml:1:4: k: unterminated single-quoted string; close it with ' on the same line"),
        (#"k: "a"b"#, "test.yaml:1:7: k: unexpected text after the value; quote the whole value"),
        (##"k: "a"#b"##, "test.yaml:1:7: k: a # comment needs a space before it"),
        ("k: [a, b", #"test.yaml:1:4: k: unterminated flow list; close it with "]" on the same line"#),
        ("k: [a, [b]]", "test.yaml:1:8: k: nested flow collections are not supported; write them in block form"),
        ("k: [a, , b]", "test.yaml:1:8: k: empty item in a flow list"),
        ("k: [a b: c]", #"test.yaml:1:8: k: unexpected ": " inside a plain value; quote the value"#),
        ("k: {a: 1}", "test.yaml:1:4: k: flow maps are only supported empty ({}); write the map in block form"),
        ("k: `x`", #"test.yaml:1:4: k: a value cannot start with "`"; quote the value"#),
        ("k: - a", "test.yaml:1:4: k: a list must start on the line after its key"),
        ("k: ? a", "test.yaml:1:4: k: complex keys (?) are not supported"),
        (": 1", #"test.yaml:1:1: empty key before ":""#),
    ])
    func malformedScalars(text: String, expected: String) {
        #expect(readErrors(text) == expected)
    }

    @Test func nonUTF8InputIsRefusedAtTheBadByte() {
        let bytes: [UInt8] = Array("a: 1\nb: caf".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        guard case .failure(let errors) = ConfigReader.read(bytes: bytes, file: "x.yaml") else {
            Issue.record("accepted non-UTF-8 input")
            return
        }
        #expect(errors.description == "x.yaml:2:7: the file is not valid UTF-8 text (byte 0xC3)")
    }

    @Test func byteOrderMarkAndCRLFAreAccepted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a: 1\r\nb: 'x'\r\n".utf8)
        guard case .success(let document) = ConfigReader.read(bytes: bytes, file: "x.yaml") else {
            Issue.record("refused")
            return
        }
        #expect(render(document.root) == #"{a@1:1=p"1"@1:4, b@2:1=s"x"@2:4}@1:1"#)
    }
}
