/// Reads PlantSync's YAML subset into a tree of `ConfigNode`s with positions.
///
/// The subset: block maps and block lists (a list may sit at its key's own indentation, and a list
/// item may be a map: `- name: x` with further keys under `name`), `# comments` (full-line and
/// trailing; `#` inside quotes is text), plain, single-quoted (`''` is a quote) and double-quoted
/// scalars (escapes `\" \\ \n \t \r \0 \xNN \uNNNN`), empty values, plain `null` and `~` as empty,
/// and on one line the flow forms `[]`, `{}` and flow lists of scalars `[a, "b c", d]`.
///
/// Refused with an error naming line and column: tabs in indentation, indentation that matches no
/// enclosing block, duplicate keys, unterminated quotes, invalid escapes, anchors, aliases, tags,
/// document markers and directives, block scalars (`|`, `>`), multi-line plain or quoted scalars,
/// non-empty flow maps, nested flow collections, control characters, input that is not UTF-8, and
/// a line that is neither `key: value` nor `- item`. Every such problem in the file is reported,
/// not just the first: after an error the reader skips the offending line and the lines nested
/// under it, and goes on.
public enum ConfigReader {
    public static func read(text: String, file: String) -> Result<ConfigDocument, ConfigErrors> {
        read(scalars: Array(text.unicodeScalars), file: file)
    }

    public static func read(bytes: [UInt8], file: String) -> Result<ConfigDocument, ConfigErrors> {
        switch SourceLines.decode(bytes, file: file) {
        case .success(let scalars): read(scalars: scalars, file: file)
        case .failure(let error): .failure(ConfigErrors([error]))
        }
    }

    static func read(scalars: [Unicode.Scalar], file: String) -> Result<ConfigDocument, ConfigErrors> {
        var errors: [ConfigError] = []
        let lines = SourceLines.split(scalars, file: file, errors: &errors)
        var reader = BlockReader(file: file, lines: lines)
        let root = reader.readDocument()
        errors += reader.errors
        if !errors.isEmpty { return .failure(ConfigErrors(errors)) }
        return .success(ConfigDocument(file: file, root: root))
    }
}

/// The block structure: which lines belong to which map or list, by indentation.
private struct BlockReader {
    let file: String
    var lines: [SourceLine]
    var index = 0
    var errors: [ConfigError] = []

    init(file: String, lines: [SourceLine]) {
        self.file = file
        self.lines = lines
    }

    mutating func readDocument() -> ConfigNode {
        guard !lines.isEmpty else { return ConfigNode(.map([]), at: .start) }
        if lines[0].isListItem && lines[0].start == 0 {
            return readList(indent: 0, path: .root, atKeyIndent: false)
        }
        return readMap(indent: 0, path: .root)
    }

    // MARK: - Maps

    private mutating func readMap(indent: Int, path: ConfigPath) -> ConfigNode {
        let position = lines[index].position(at: lines[index].start)
        var entries: [ConfigEntry] = []
        var firstLine: [String: Int] = [:]
        var childIndent: Int?
        while index < lines.count {
            let line = lines[index]
            if line.start < indent { break }
            if line.start > indent {
                reportIndentation(line, expected: indent, orChild: childIndent, path: path)
                skip(deeperThan: indent)
                continue
            }
            let syntax = ScalarSyntax(line)
            let shape: ScalarSyntax.Shape
            do {
                shape = try syntax.shape()
            } catch {
                report(error, line, path)
                skip(deeperThan: indent)
                continue
            }
            guard case .entry(let key, let keyIndex, let valueIndex) = shape else {
                reportNotAnEntry(line, isListItem: line.isListItem, path: path)
                skip(deeperThan: indent)
                continue
            }
            let keyPath = path.appending(key)
            let keyPosition = line.position(at: keyIndex)
            index += 1
            let (value, nestedIndent) = readValue(
                syntax, from: valueIndex, ownerIndent: indent, inMap: true, path: keyPath, emptyAt: keyPosition)
            childIndent = nestedIndent
            if let first = firstLine[key] {
                errors.append(
                    ConfigError(
                        file: file, position: keyPosition, path: keyPath,
                        message: "duplicate key \(MessageText.quoted(key)); first defined on line \(first)"))
            } else {
                firstLine[key] = line.number
                entries.append(ConfigEntry(key: key, keyPosition: keyPosition, value: value))
            }
        }
        return ConfigNode(.map(entries), at: position)
    }

    /// The value of a key or list item: on the same line, or as a block on the following lines.
    /// Returns the indentation of that block when there is one.
    private mutating func readValue(
        _ syntax: ScalarSyntax, from valueIndex: Int, ownerIndent: Int, inMap: Bool, path: ConfigPath,
        emptyAt emptyPosition: SourcePosition
    ) -> (ConfigNode, Int?) {
        do {
            if let inline = try syntax.value(from: valueIndex) { return (inline, nil) }
        } catch {
            report(error, syntax.line, path)
            skip(deeperThan: ownerIndent, includingCurrent: false)
            return (ConfigNode(.empty, at: emptyPosition), nil)
        }
        guard index < lines.count else { return (ConfigNode(.empty, at: emptyPosition), nil) }
        let next = lines[index]
        if next.start > ownerIndent {
            return (readBlock(indent: next.start, path: path), next.start)
        }
        if inMap, next.start == ownerIndent, next.isListItem {
            return (readList(indent: ownerIndent, path: path, atKeyIndent: true), nil)
        }
        return (ConfigNode(.empty, at: emptyPosition), nil)
    }

    /// A nested block starting at the current line.
    private mutating func readBlock(indent: Int, path: ConfigPath) -> ConfigNode {
        let line = lines[index]
        if line.isListItem { return readList(indent: indent, path: path, atKeyIndent: false) }
        // A map; if the line is not a key after all, the map reader reports why and skips the block.
        return readMap(indent: indent, path: path)
    }

    // MARK: - Lists

    /// A block list. `atKeyIndent`: the list sits at its key's indentation (`key:` then `- a` below
    /// it, unindented), so a line at that indentation that is not an item ends the list.
    private mutating func readList(indent: Int, path: ConfigPath, atKeyIndent: Bool) -> ConfigNode {
        let position = lines[index].position(at: lines[index].start)
        var items: [ConfigNode] = []
        var childIndent: Int?
        while index < lines.count {
            let line = lines[index]
            if line.start < indent { break }
            if line.start > indent {
                reportIndentation(line, expected: indent, orChild: childIndent, path: path)
                skip(deeperThan: indent)
                continue
            }
            guard line.isListItem else {
                if atKeyIndent { break }
                reportNotAnEntry(line, isListItem: false, path: path, inList: true)
                skip(deeperThan: indent)
                continue
            }
            let itemPath = path.appending(index: items.count)
            let dashPosition = line.position(at: line.start)
            var contentStart = line.start + 1
            while contentStart < line.scalars.count, line.scalars[contentStart] == " " { contentStart += 1 }
            if contentStart == line.scalars.count || line.scalars[contentStart] == "#" {
                index += 1
                let (item, nested) = readValue(
                    ScalarSyntax(line), from: line.scalars.count, ownerIndent: indent, inMap: false, path: itemPath,
                    emptyAt: dashPosition)
                items.append(item)
                childIndent = nested
                continue
            }
            // The rest of the line is read as if it were a line of its own, indented to its first
            // character: `- name: a` opens a map whose further keys line up under `name`.
            lines[index].start = contentStart
            let item = readItemContent(path: itemPath, indent: indent)
            switch item.content {
            case .map, .list: childIndent = contentStart
            case .scalar, .empty: childIndent = nil
            }
            items.append(item)
        }
        return ConfigNode(.list(items), at: position)
    }

    private mutating func readItemContent(path: ConfigPath, indent: Int) -> ConfigNode {
        let line = lines[index]
        let syntax = ScalarSyntax(line)
        let shape: ScalarSyntax.Shape
        do {
            shape = try syntax.shape()
        } catch {
            report(error, line, path)
            skip(deeperThan: indent)
            return ConfigNode(.empty, at: line.position(at: line.start))
        }
        switch shape {
        case .listItem:
            return readList(indent: line.start, path: path, atKeyIndent: false)
        case .entry:
            return readMap(indent: line.start, path: path)
        case .value:
            index += 1
            let (node, _) = readValue(
                syntax, from: line.start, ownerIndent: indent, inMap: false, path: path,
                emptyAt: line.position(at: line.start))
            return node
        }
    }

    // MARK: - Errors and recovery

    /// Skips the current line (unless told otherwise) and every following line nested deeper than
    /// `indent`, so one mistake does not cascade into errors for the lines that belong to it.
    private mutating func skip(deeperThan indent: Int, includingCurrent: Bool = true) {
        if includingCurrent { index += 1 }
        while index < lines.count, lines[index].start > indent { index += 1 }
    }

    private mutating func report(_ problem: SyntaxProblem, _ line: SourceLine, _ path: ConfigPath) {
        errors.append(
            ConfigError(file: file, position: line.position(at: problem.index), path: path, message: problem.message))
    }

    private mutating func reportIndentation(_ line: SourceLine, expected: Int, orChild child: Int?, path: ConfigPath) {
        var expectation = "\(expected)"
        if let child, child > line.start { expectation += " or \(child)" }
        let message = "bad indentation: expected \(expectation) spaces, found \(line.start)"
        errors.append(ConfigError(file: file, position: line.position(at: line.start), path: path, message: message))
    }

    private mutating func reportNotAnEntry(
        _ line: SourceLine, isListItem: Bool, path: ConfigPath, inList: Bool = false
    ) {
        // In a map, a value that is itself malformed (an anchor, an unterminated quote) says more than
        // "not a key".
        if !isListItem && !inList {
            do {
                _ = try ScalarSyntax(line).value(from: line.start)
            } catch {
                report(error, line, path)
                return
            }
        }
        let text = String(String.UnicodeScalarView(line.scalars[line.start...]))
        let message: String
        if isListItem {
            message = "expected \"key: value\", found a list item; a list must follow its key on the next lines"
        } else if inList {
            message = "expected a list item \"- …\", found \(MessageText.quoted(text))"
        } else {
            message = "expected a key followed by \":\", found \(MessageText.quoted(text))"
        }
        errors.append(ConfigError(file: file, position: line.position(at: line.start), path: path, message: message))
    }
}
