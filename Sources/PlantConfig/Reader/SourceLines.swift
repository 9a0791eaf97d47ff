/// A line that holds content (not blank, not only a comment), as Unicode scalars.
/// `start` is where its content begins: the indentation for a line as written, or the column after
/// `- ` when the reader treats the rest of a list item line as a line of its own.
struct SourceLine {
    let number: Int
    let scalars: [Unicode.Scalar]
    var start: Int

    func position(at index: Int) -> SourcePosition {
        SourcePosition(line: number, column: index + 1)
    }

    /// `- item` or a lone `-` at `start`.
    var isListItem: Bool {
        scalars[start] == "-" && (start + 1 == scalars.count || scalars[start + 1] == " ")
    }
}

/// A problem found while reading, before any key path is known.
struct SyntaxProblem: Error {
    let index: Int
    let message: String
}

/// Splits a document into content lines and refuses, line by line, what the subset never allows:
/// control characters, tabs in indentation, document markers and directives.
enum SourceLines {
    /// Decodes UTF-8, refusing invalid input at the position of the first bad byte.
    static func decode(_ bytes: [UInt8], file: String) -> Result<[Unicode.Scalar], ConfigError> {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(bytes.count)
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var line = 1
        var column = 1
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                scalars.append(scalar)
                offset += UTF8.width(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return .success(scalars)
            case .error:
                let byte = bytes[offset]
                let message = "the file is not valid UTF-8 text (byte 0x\(MessageText.hex(UInt32(byte), digits: 2)))"
                return .failure(
                    ConfigError(file: file, line: line, column: column, path: .root, message: message))
            }
        }
    }

    static func split(_ text: [Unicode.Scalar], file: String, errors: inout [ConfigError]) -> [SourceLine] {
        var body = text[...]
        if body.first == "\u{FEFF}" { body = body.dropFirst() }  // A byte order mark is not content.
        var lines: [SourceLine] = []
        var number = 0
        var rest = body
        while !rest.isEmpty || number == 0 {
            number += 1
            let end = rest.firstIndex(of: "\n") ?? rest.endIndex
            var scalars = Array(rest[..<end])
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            if scalars.last == "\r" { scalars.removeLast() }
            if let line = contentLine(number: number, scalars: scalars, file: file, errors: &errors) {
                lines.append(line)
            }
            if rest.isEmpty { break }
        }
        return lines
    }

    private static func contentLine(
        number: Int, scalars: [Unicode.Scalar], file: String, errors: inout [ConfigError]
    ) -> SourceLine? {
        func refuse(_ index: Int, _ message: String) -> SourceLine? {
            errors.append(
                ConfigError(file: file, line: number, column: index + 1, path: .root, message: message))
            return nil
        }
        if let bad = scalars.firstIndex(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
            let code = "U+" + MessageText.hex(scalars[bad].value, digits: 4)
            return refuse(
                bad, "control character \(code) is not allowed; write it as an escape in a double-quoted string")
        }
        var start = 0
        var firstTab: Int?
        while start < scalars.count, scalars[start] == " " || scalars[start] == "\t" {
            if scalars[start] == "\t", firstTab == nil { firstTab = start }
            start += 1
        }
        if start == scalars.count || scalars[start] == "#" { return nil }
        if let tab = firstTab {
            return refuse(tab, "tab character in indentation; indent with spaces")
        }
        if start == 0 {
            if hasMarker("---", scalars) {
                return refuse(0, "document markers (---) are not supported; a configuration file holds one document")
            }
            if hasMarker("...", scalars) {
                return refuse(
                    0, "document end markers (...) are not supported; a configuration file holds one document")
            }
            if scalars[0] == "%" {
                return refuse(0, "directives (%) are not supported")
            }
        }
        return SourceLine(number: number, scalars: scalars, start: start)
    }

    private static func hasMarker(_ marker: String, _ scalars: [Unicode.Scalar]) -> Bool {
        let marks = Array(marker.unicodeScalars)
        guard scalars.starts(with: marks) else { return false }
        return scalars.count == marks.count || scalars[marks.count] == " " || scalars[marks.count] == "\t"
    }
}
