/// One problem in a configuration file, with the place it was found.
///
/// Its description is what `plantsync check-config` prints, one per line:
/// `agent.yaml:14:5: inputs[1].port: expected an integer 1–65535, found "80a"`.
/// The file is shown exactly as the caller named it (the path given to `load(path:)`, or the `file:`
/// given to `parse`), the way compilers do. `line` and `column` are 0 for a problem with the file as
/// a whole (it cannot be read); the path is left out when the problem is not under any key.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var path: ConfigPath
    public var message: String

    public init(file: String, line: Int, column: Int, path: ConfigPath, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public init(file: String, position: SourcePosition, path: ConfigPath, message: String) {
        self.init(file: file, line: position.line, column: position.column, path: path, message: message)
    }

    public var description: String {
        var text = file
        if line > 0 { text += ":\(line):\(column)" }
        text += ": "
        if !path.isRoot { text += "\(path): " }
        return text + message
    }
}

/// Every problem found in one configuration, sorted by position (problems at the same position keep
/// the order they were found in). Never empty when returned as a failure.
public struct ConfigErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public let errors: [ConfigError]

    public init(_ errors: [ConfigError]) {
        self.errors = errors.enumerated()
            .sorted { lhs, rhs in
                let left = (lhs.element.file, lhs.element.line, lhs.element.column, lhs.offset)
                let right = (rhs.element.file, rhs.element.line, rhs.element.column, rhs.offset)
                return left < right
            }
            .map(\.element)
    }

    /// One problem per line, in file order.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
