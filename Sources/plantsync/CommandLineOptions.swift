// A small, strict command-line parser: flags, options with values, positionals.
// Unknown flags and missing values are usage errors that name the problem (exit 64, EX_USAGE).

struct UsageError: Error, CustomStringConvertible {
    let command: String
    let message: String
    var description: String { "plantsync \(command): \(message)\nTry 'plantsync help \(command)'." }
}

/// What one subcommand accepts.
struct OptionSpec: Sendable {
    var flags: Set<String> = []  // --json
    var valued: Set<String> = []  // --config FILE
    var positionals: ClosedRange<Int> = 0...0
    var positionalNames: [String] = []
}

/// The parsed arguments of one subcommand.
struct ParsedOptions {
    var flags: Set<String> = []
    var values: [String: String] = [:]
    var positionals: [String] = []

    func has(_ flag: String) -> Bool { flags.contains(flag) }
    func value(_ option: String) -> String? { values[option] }
}

enum CommandLineOptions {
    static func parse(_ arguments: [String], command: String, spec: OptionSpec) throws -> ParsedOptions {
        var parsed = ParsedOptions()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("--") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if spec.flags.contains(name) {
                if inlineValue != nil { throw UsageError(command: command, message: "\(name) takes no value") }
                parsed.flags.insert(name)
            } else if spec.valued.contains(name) {
                if let inlineValue {
                    parsed.values[name] = inlineValue
                } else if index < arguments.count, !arguments[index].hasPrefix("--") {
                    parsed.values[name] = arguments[index]
                    index += 1
                } else {
                    throw UsageError(command: command, message: "\(name) needs a value")
                }
            } else {
                let known = spec.flags.union(spec.valued).sorted()
                var message = "unknown option '\(name)'"
                if let near = nearest(name, in: known) { message += " (did you mean '\(near)'?)" }
                throw UsageError(command: command, message: message)
            }
        }
        let count = parsed.positionals.count
        if count < spec.positionals.lowerBound {
            let missing = spec.positionalNames.dropFirst(count).first ?? "argument"
            throw UsageError(command: command, message: "missing \(missing)")
        }
        if count > spec.positionals.upperBound {
            throw UsageError(
                command: command, message: "unexpected argument '\(parsed.positionals[spec.positionals.upperBound])'")
        }
        return parsed
    }

    /// The closest candidate within a small edit distance, for "did you mean".
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= max(2, word.count / 3) }
        return scored.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
