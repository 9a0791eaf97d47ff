/// Turns a scalar's text (after `${ENV}` references are resolved) into a typed value, or says why it
/// cannot. `ConfigMap` accessors take one: `map.required("port", .integer(in: 1...65535))`.
///
/// Quoting never changes the type: `port: "8080"` is the integer 8080 when the accessor asks for an
/// integer. Write your own with `ConfigConversion(expecting:)` for a value only your adapter knows:
///
/// ```swift
/// extension ConfigConversion where Value == StationCode {
///     static let stationCode = ConfigConversion(expecting: "a station code like S01") { StationCode($0) }
/// }
/// ```
public struct ConfigConversion<Value>: Sendable {
    /// What a valid value looks like, completing "expected …": `an integer 1–65535`.
    public let expectation: String
    let convert: @Sendable (String, ConfigConversionContext) -> Result<Value, ConfigConversionFailure>

    /// A conversion that may fail with its own message or consult files through the context.
    public init(
        expecting expectation: String,
        _ convert: @escaping @Sendable (String, ConfigConversionContext) -> Result<Value, ConfigConversionFailure>
    ) {
        self.expectation = expectation
        self.convert = convert
    }

    /// A conversion whose only failure is "expected <expectation>, found "<text>"".
    public init(expecting expectation: String, _ convert: @escaping @Sendable (String) -> Value?) {
        self.init(expecting: expectation) { text, _ in
            if let value = convert(text) { return .success(value) }
            return .failure(.expected(expectation, found: text))
        }
    }

    /// Converts `text` outside any map (for tests and for values that come from elsewhere).
    public func callAsFunction(
        _ text: String, files: any ConfigFileReader = SystemConfigFiles()
    ) -> Result<Value, ConfigConversionFailure> {
        convert(text, ConfigConversionContext(files: files))
    }

    /// The same text check, then `transform` on the result (nil: the value is refused as not matching
    /// `expectation`).
    public func map<Other>(
        expecting expectation: String? = nil, _ transform: @escaping @Sendable (Value) -> Other?
    ) -> ConfigConversion<Other> {
        let expected = expectation ?? self.expectation
        return ConfigConversion<Other>(expecting: expected) { text, context in
            switch self.convert(text, context) {
            case .failure(let failure): return .failure(failure)
            case .success(let value):
                if let other = transform(value) { return .success(other) }
                return .failure(.expected(expected, found: text))
            }
        }
    }
}

/// What a conversion may consult besides the text: files, through the injected reader.
public struct ConfigConversionContext: Sendable {
    public let files: any ConfigFileReader

    public init(files: any ConfigFileReader) {
        self.files = files
    }
}

/// Why a scalar was refused; the message follows the key path in the error.
public struct ConfigConversionFailure: Error, Sendable, Hashable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    /// `expected an integer 1–65535, found "80a"`.
    public static func expected(_ expectation: String, found text: String) -> ConfigConversionFailure {
        ConfigConversionFailure("expected \(expectation), found \(MessageText.quoted(text))")
    }
}

// MARK: - Text, words and identifiers

extension ConfigConversion where Value == String {
    /// Any text, including the empty string `""`.
    public static var string: ConfigConversion<String> {
        ConfigConversion(expecting: "a string") { $0 }
    }

    /// Text with at least one character.
    public static var nonEmptyString: ConfigConversion<String> {
        ConfigConversion(expecting: "a non-empty string") { $0.isEmpty ? nil : $0 }
    }

    /// One of `words`, exactly (case matters). A near miss gets a suggestion.
    public static func oneOf(_ words: [String]) -> ConfigConversion<String> {
        let expectation = MessageText.choice(words)
        return ConfigConversion(expecting: expectation) { text, _ in
            if words.contains(text) { return .success(text) }
            var failure = ConfigConversionFailure.expected(expectation, found: text).message
            if let suggestion = Suggestions.closest(to: text, among: words) {
                failure += "; did you mean \(MessageText.quoted(suggestion))?"
            }
            return .failure(ConfigConversionFailure(failure))
        }
    }

    /// 1 to `maxLength` ASCII letters, digits, `_` or `-`: names that go into ids, paths and metrics.
    public static func identifier(maxLength: Int) -> ConfigConversion<String> {
        ConfigConversion(expecting: "1–\(maxLength) letters, digits, \"_\" or \"-\"") { text in
            guard (1...maxLength).contains(text.unicodeScalars.count) else { return nil }
            let valid = text.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
                default: false
                }
            }
            return valid ? text : nil
        }
    }

    /// An absolute file system path (not checked for existence).
    public static var absolutePath: ConfigConversion<String> {
        ConfigConversion(expecting: "an absolute path") { $0.hasPrefix("/") ? $0 : nil }
    }
}

extension ConfigConversion where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    /// A case of a string enum, by raw value: `map.optional("durability", .word(), default: .full)`.
    public static func word(_ type: Value.Type = Value.self) -> ConfigConversion<Value> {
        ConfigConversion<String>.oneOf(Value.allCases.map(\.rawValue)).map { Value(rawValue: $0) }
    }
}

// MARK: - Numbers and booleans

extension ConfigConversion where Value == Int {
    /// A decimal integer (`-12`, `4000`; no `+`, no separators, no hex) within `range`.
    public static func integer(in range: ClosedRange<Int> = Int.min...Int.max) -> ConfigConversion<Int> {
        let expectation: String
        switch (range.lowerBound, range.upperBound) {
        case (Int.min, Int.max): expectation = "an integer"
        case (let low, Int.max): expectation = "an integer of at least \(low)"
        case (Int.min, let high): expectation = "an integer of at most \(high)"
        case (let low, let high): expectation = "an integer \(low)–\(high)"
        }
        return ConfigConversion(expecting: expectation) { text in
            guard NumberSyntax.isInteger(text), let value = Int(text), range.contains(value) else { return nil }
            return value
        }
    }
}

extension ConfigConversion where Value == Bool {
    /// Exactly `true` or `false`. YAML 1.1's `yes`, `no`, `on`, `off` are refused: they surprise
    /// (a plant id `NO` must not turn into false), and one spelling keeps files uniform.
    public static var boolean: ConfigConversion<Bool> {
        ConfigConversion(expecting: "true or false") { text in
            switch text {
            case "true": true
            case "false": false
            default: nil
            }
        }
    }
}

extension ConfigConversion where Value == ConfigDecimal {
    /// A decimal number such as `12`, `-0.5` or `1500.250`, kept exactly as written.
    public static var decimal: ConfigConversion<ConfigDecimal> {
        ConfigConversion(expecting: "a decimal number like 12.5") { ConfigDecimal($0) }
    }
}

/// A decimal number kept as its text (`-?digits[.digits]`), so no digit is lost to binary floating
/// point; the consumer parses it into its own exact type.
public struct ConfigDecimal: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    /// nil unless `text` is `-?[0-9]+(\.[0-9]+)?`.
    public init?(_ text: String) {
        var parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, NumberSyntax.isInteger(String(parts.removeFirst())) else { return nil }
        if let fraction = parts.first {
            guard !fraction.isEmpty, fraction.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else {
                return nil
            }
        }
        self.text = text
    }

    /// The nearest `Double`, for settings where that is precise enough.
    public var doubleValue: Double { Double(text)! }

    public var description: String { text }
}

enum NumberSyntax {
    /// `-?[0-9]+`.
    static func isInteger(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.first == "-" { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }
}
