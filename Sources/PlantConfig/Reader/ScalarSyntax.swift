/// Reads the scalar forms of the subset within one line: plain, single-quoted and double-quoted
/// scalars, and the flow forms `[]`, `{}` and `[a, "b", c]` (a flow list of scalars on one line).
/// Everything here is line-local; quoted scalars and flow lists must close on the line they open.
struct ScalarSyntax {
    let line: SourceLine
    private var scalars: [Unicode.Scalar] { line.scalars }

    init(_ line: SourceLine) {
        self.line = line
    }

    /// What the content at `line.start` is.
    enum Shape {
        case listItem
        /// `key:`; the value starts at `valueIndex` (possibly the end of the line).
        case entry(key: String, keyIndex: Int, valueIndex: Int)
        case value
    }

    func shape() throws(SyntaxProblem) -> Shape {
        let start = line.start
        if line.isListItem { return .listItem }
        let first = scalars[start]
        if first == "\"" || first == "'" {
            let (key, end) = try first == "\"" ? doubleQuoted(at: start) : singleQuoted(at: start)
            let colon = skipSpace(from: end)
            if colon < scalars.count, scalars[colon] == ":", isBreak(colon + 1) {
                return .entry(key: key, keyIndex: start, valueIndex: colon + 1)
            }
            return .value
        }
        if Self.indicators.contains(first) { return .value }
        var index = start
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "#", index > start, isSpace(index - 1) { break }
            if scalar == ":", isBreak(index + 1) {
                let key = String(String.UnicodeScalarView(scalars[start..<index])).trimmingTrailingSpace()
                if key.isEmpty { throw SyntaxProblem(index: start, message: "empty key before \":\"") }
                return .entry(key: key, keyIndex: start, valueIndex: index + 1)
            }
            index += 1
        }
        return .value
    }

    /// The value from `index` to the end of the line (after a key's `:` or a list dash), or nil when
    /// only spaces or a comment follow.
    func value(from index: Int) throws(SyntaxProblem) -> ConfigNode? {
        let start = skipSpace(from: index)
        guard start < scalars.count, scalars[start] != "#" else { return nil }
        let (node, end) = try self.node(at: start, inFlow: false)
        let after = skipSpace(from: end)
        if after < scalars.count, scalars[after] != "#" || after == end {
            let message =
                scalars[after] == "#"
                ? "a # comment needs a space before it" : "unexpected text after the value; quote the whole value"
            throw SyntaxProblem(index: after, message: message)
        }
        return node
    }

    // MARK: - Values

    private static let indicators: Set<Unicode.Scalar> = ["&", "*", "!", "|", ">", "@", "`", "[", "]", "{", "}", ","]

    private func node(at index: Int, inFlow: Bool) throws(SyntaxProblem) -> (ConfigNode, Int) {
        let position = line.position(at: index)
        switch scalars[index] {
        case "\"":
            let (text, end) = try doubleQuoted(at: index)
            return (ConfigNode(.scalar(ConfigScalar(text, style: .doubleQuoted)), at: position), end)
        case "'":
            let (text, end) = try singleQuoted(at: index)
            return (ConfigNode(.scalar(ConfigScalar(text, style: .singleQuoted)), at: position), end)
        case "[" where !inFlow:
            return try flowList(at: index)
        case "{" where !inFlow:
            let close = skipSpace(from: index + 1)
            guard close < scalars.count, scalars[close] == "}" else {
                throw SyntaxProblem(
                    index: index, message: "flow maps are only supported empty ({}); write the map in block form")
            }
            return (ConfigNode(.map([]), at: position), close + 1)
        case "[", "{":
            throw SyntaxProblem(
                index: index, message: "nested flow collections are not supported; write them in block form")
        case "&":
            throw SyntaxProblem(index: index, message: "anchors (&) are not supported; repeat the value instead")
        case "*":
            throw SyntaxProblem(index: index, message: "aliases (*) are not supported; repeat the value instead")
        case "!":
            throw SyntaxProblem(
                index: index, message: "tags (!) are not supported; quote the value if \"!\" is part of it")
        case "|", ">":
            throw SyntaxProblem(
                index: index,
                message: "block scalars (| and >) are not supported; use a double-quoted string with \\n escapes")
        case "-" where isBreak(index + 1) && !inFlow:
            throw SyntaxProblem(index: index, message: "a list must start on the line after its key")
        case "?" where isBreak(index + 1):
            throw SyntaxProblem(index: index, message: "complex keys (?) are not supported")
        case "@", "`", ",", "]", "}":
            let character = String(scalars[index])
            throw SyntaxProblem(index: index, message: "a value cannot start with \"\(character)\"; quote the value")
        default:
            return try plain(at: index, inFlow: inFlow)
        }
    }

    private func plain(at index: Int, inFlow: Bool) throws(SyntaxProblem) -> (ConfigNode, Int) {
        var end = index
        while end < scalars.count {
            let scalar = scalars[end]
            if scalar == "#", end > index, isSpace(end - 1) { break }
            if inFlow, scalar == "," || scalar == "]" || scalar == "[" || scalar == "{" || scalar == "}" { break }
            if scalar == ":", isBreak(end + 1) || (inFlow && (scalars[end + 1] == "," || scalars[end + 1] == "]")) {
                throw SyntaxProblem(index: end, message: "unexpected \": \" inside a plain value; quote the value")
            }
            end += 1
        }
        var last = end
        while last > index, isSpace(last - 1) { last -= 1 }
        let text = String(String.UnicodeScalarView(scalars[index..<last]))
        let position = line.position(at: index)
        if text == "null" || text == "~" { return (ConfigNode(.empty, at: position), last) }
        return (ConfigNode(.scalar(ConfigScalar(text, style: .plain)), at: position), last)
    }

    private func flowList(at open: Int) throws(SyntaxProblem) -> (ConfigNode, Int) {
        var items: [ConfigNode] = []
        var index = skipSpace(from: open + 1)
        while true {
            guard index < scalars.count, scalars[index] != "#" else {
                throw SyntaxProblem(
                    index: open, message: "unterminated flow list; close it with \"]\" on the same line")
            }
            if scalars[index] == "]" { return (ConfigNode(.list(items), at: line.position(at: open)), index + 1) }
            if scalars[index] == "," {
                throw SyntaxProblem(index: index, message: "empty item in a flow list")
            }
            let (item, end) = try node(at: index, inFlow: true)
            items.append(item)
            index = skipSpace(from: end)
            guard index < scalars.count else { continue }  // Reported as unterminated above.
            if scalars[index] == "," {
                index = skipSpace(from: index + 1)
            } else if scalars[index] != "]" && scalars[index] != "#" {
                throw SyntaxProblem(index: index, message: "expected \",\" or \"]\" in a flow list")
            }
        }
    }

    // MARK: - Quoted scalars

    /// `'text'` with `''` standing for one quote. Returns the text and the index after the closing quote.
    func singleQuoted(at open: Int) throws(SyntaxProblem) -> (String, Int) {
        var text = String.UnicodeScalarView()
        var index = open + 1
        while index < scalars.count {
            if scalars[index] == "'" {
                if index + 1 < scalars.count, scalars[index + 1] == "'" {
                    text.append("'")
                    index += 2
                    continue
                }
                return (String(text), index + 1)
            }
            text.append(scalars[index])
            index += 1
        }
        throw SyntaxProblem(index: open, message: "unterminated single-quoted string; close it with ' on the same line")
    }

    /// `"text"` with the escapes \" \\ \n \t \r \0 \xNN \uNNNN.
    func doubleQuoted(at open: Int) throws(SyntaxProblem) -> (String, Int) {
        var text = String.UnicodeScalarView()
        var index = open + 1
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\"" { return (String(text), index + 1) }
            guard scalar == "\\" else {
                text.append(scalar)
                index += 1
                continue
            }
            guard index + 1 < scalars.count else { break }
            switch scalars[index + 1] {
            case "\"": text.append("\"")
            case "\\": text.append("\\")
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            case "0": text.append("\u{0}")
            case "x":
                text.append(try hexEscape(at: index, digits: 2))
                index += 2
            case "u":
                text.append(try hexEscape(at: index, digits: 4))
                index += 4
            default:
                let shown = String(scalars[index + 1])
                throw SyntaxProblem(
                    index: index,
                    message: "invalid escape \"\\\(shown)\"; valid escapes are \\\" \\\\ \\n \\t \\r \\0 \\xNN \\uNNNN")
            }
            index += 2
        }
        throw SyntaxProblem(
            index: open, message: "unterminated double-quoted string; close it with \" on the same line")
    }

    private func hexEscape(at backslash: Int, digits: Int) throws(SyntaxProblem) -> Unicode.Scalar {
        let letter = String(scalars[backslash + 1])
        let first = backslash + 2
        guard first + digits <= scalars.count,
            let value = UInt32(String(String.UnicodeScalarView(scalars[first..<first + digits])), radix: 16),
            scalars[first..<first + digits].allSatisfy(\.properties.isASCIIHexDigit)
        else {
            throw SyntaxProblem(
                index: backslash, message: "escape \"\\\(letter)\" must be followed by \(digits) hexadecimal digits")
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw SyntaxProblem(
                index: backslash,
                message:
                    "escape \"\\u\(MessageText.hex(value, digits: 4))\" is not a Unicode scalar value (a surrogate)")
        }
        return scalar
    }

    // MARK: - Helpers

    private func isSpace(_ index: Int) -> Bool {
        scalars[index] == " " || scalars[index] == "\t"
    }

    /// The end of the line or a space: what must follow `:` for it to separate a key from its value.
    private func isBreak(_ index: Int) -> Bool {
        index >= scalars.count || isSpace(index)
    }

    private func skipSpace(from index: Int) -> Int {
        var index = index
        while index < scalars.count, isSpace(index) { index += 1 }
        return index
    }
}

extension String {
    func trimmingTrailingSpace() -> String {
        var scalars = Array(unicodeScalars)
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
