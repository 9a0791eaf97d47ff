/// One map of settings being decoded, with the accessors that turn its entries into typed values.
///
/// Decoding never stops at a problem: every accessor records what is wrong (file, line, column, key
/// path, what was expected) and returns nil or the default, so one pass finds every mistake in the
/// file. When decoding ends, every key that no accessor asked for is reported as unknown, with a
/// "did you mean" suggestion among the keys that were asked for.
///
/// An adapter's settings decode from a `ConfigMap` without I/O of their own:
///
/// ```swift
/// public struct TelemetryFeedConfiguration: Sendable {
///     public var listen: HostPort
///     public var maxLineBytes: ByteSize
///     public var idleTimeout: Duration
///     public var lines: [String]
///
///     /// Every problem goes into `map`; nil when any required setting is unusable.
///     public init?(_ map: ConfigMap) {
///         let listen = map.required("listen", .listenAddress)
///         maxLineBytes = map.optional("max_line_bytes", .size(in: .kibibytes(1)...(.mebibytes(1))),
///                                     default: .kibibytes(64))
///         idleTimeout = map.optional("idle_timeout", .duration(), default: .seconds(30))
///         lines = map.list("lines", of: .identifier(maxLength: 32))
///         if lines.isEmpty { map.report("at least one line is required", at: "lines") }
///         guard let listen, !lines.isEmpty else { return nil }
///         self.listen = listen
///     }
/// }
///
/// // In a test (or wherever the text comes from):
/// let result = ConfigMap.decode(text: "listen: 127.0.0.1:0\nlines: [L1, L2]\n", file: "feed.yaml",
///                               environment: [:]) { TelemetryFeedConfiguration($0) }
/// ```
///
/// Rules every accessor follows:
/// - An absent key and an empty value (`key:` or `key: null`) both mean "not given": `optional`
///   returns the default, `required` reports `missing required key "…"` (absent) or
///   `expected …, found nothing` (empty).
/// - `${NAME}` references are replaced from the environment before conversion.
/// - A value of the wrong shape (a map where a scalar belongs) is reported, never guessed at.
/// - Sections that are absent decode as empty maps, so their optional settings take defaults and
///   their required ones stay silent (the section as a whole is what is missing).
public final class ConfigMap {
    /// Where this map sits: `hub`, `inputs[2]`; the root is the empty path.
    public let path: ConfigPath
    /// Where problems with the map as a whole are reported: its key, its list item, or 1:1.
    public let position: SourcePosition
    /// False when the section was absent or empty in the file.
    public let isPresent: Bool

    private let entries: [ConfigEntry]
    private let session: DecodingSession
    /// A stand-in for a section that is missing or not a map: missing keys are not reported again.
    private let isPlaceholder: Bool
    private var askedKeys: [String] = []
    private var ignoresUnknownKeys = false

    init(
        entries: [ConfigEntry], path: ConfigPath, position: SourcePosition, session: DecodingSession,
        isPresent: Bool = true, isPlaceholder: Bool = false
    ) {
        self.entries = entries
        self.path = path
        self.position = position
        self.session = session
        self.isPresent = isPresent
        self.isPlaceholder = isPlaceholder
        session.maps.append(self)
    }

    /// The configuration file's name, as given.
    public var file: String { session.file }

    /// The keys written in this map, in file order.
    public var keys: [String] { entries.map(\.key) }

    /// Whether `key` is written (with any value, even empty). Does not count as asking for it.
    public func contains(_ key: String) -> Bool {
        entries.contains { $0.key == key }
    }

    // MARK: - Scalars

    /// The value of `key`, converted; nil (with the problem recorded) when absent, empty or invalid.
    public func required<Value>(_ key: String, _ conversion: ConfigConversion<Value>) -> Value? {
        guard let entry = entry(key) else {
            reportMissing(key)
            return nil
        }
        return convert(entry.value, path: path.appending(key), conversion)
    }

    /// The value of `key`, converted; nil when absent or empty, and nil (with the problem recorded)
    /// when invalid.
    public func optional<Value>(_ key: String, _ conversion: ConfigConversion<Value>) -> Value? {
        guard let entry = entry(key) else { return nil }
        if case .empty = entry.value.content { return nil }
        return convert(entry.value, path: path.appending(key), conversion)
    }

    /// The value of `key`, converted; `defaultValue` when absent or empty, and also when invalid
    /// (the problem is recorded, so decoding as a whole fails).
    public func optional<Value>(
        _ key: String, _ conversion: ConfigConversion<Value>, default defaultValue: Value
    ) -> Value {
        optional(key, conversion) ?? defaultValue
    }

    // MARK: - Lists and sections

    /// A list of scalars (block `- a` items or a flow list `[a, b]`), each converted. Absent or empty
    /// gives `[]` (or, when `required`, a "missing" problem). Invalid items are reported and left out.
    public func list<Value>(_ key: String, of conversion: ConfigConversion<Value>, required: Bool = false) -> [Value] {
        guard let node = listNode(key, required: required, describing: "a list (each item \(conversion.expectation))")
        else { return [] }
        return node.items.enumerated().compactMap { offset, item in
            convert(item, path: node.path.appending(index: offset), conversion)
        }
    }

    /// The map under `key`. Absent or empty gives an empty map (`isPresent == false`) whose optional
    /// settings take their defaults; when `required`, that is reported as missing.
    public func section(_ key: String, required: Bool = false) -> ConfigMap {
        let keyPath = path.appending(key)
        guard let entry = entry(key) else {
            if required { reportMissing(key) }
            return placeholder(keyPath, position, isPresent: false)
        }
        switch entry.value.content {
        case .map(let entries):
            return ConfigMap(entries: entries, path: keyPath, position: entry.keyPosition, session: session)
        case .empty where !required:
            return placeholder(keyPath, entry.keyPosition, isPresent: false)
        default:
            record(entry.value.position, keyPath, "expected a map of settings, found \(entry.value.foundDescription)")
            return placeholder(keyPath, entry.keyPosition, isPresent: true)
        }
    }

    /// The maps of a list under `key` (`- name: a` items), each at its own path (`inputs[0]`).
    /// Absent or empty gives `[]` (or, when `required`, a "missing" problem); items that are not
    /// maps are reported and left out.
    public func sectionList(_ key: String, required: Bool = false) -> [ConfigMap] {
        guard let node = listNode(key, required: required, describing: "a list of maps") else { return [] }
        return node.items.enumerated().compactMap { offset, item in
            let itemPath = node.path.appending(index: offset)
            guard case .map(let entries) = item.content else {
                record(item.position, itemPath, "expected a map of settings, found \(item.foundDescription)")
                return nil
            }
            return ConfigMap(entries: entries, path: itemPath, position: item.position, session: session)
        }
    }

    // MARK: - Problems found by the caller

    /// Records a problem the accessors cannot see, such as one between two settings
    /// (`disk_reserve` must be below `disk_budget`). With `key`, it is reported at that key's value
    /// and path; otherwise at this map.
    public func report(_ message: String, at key: String? = nil) {
        if let key, let entry = entries.first(where: { $0.key == key }) {
            record(entry.value.position, path.appending(key), message)
        } else {
            record(position, path, message)
        }
    }

    /// Keys not asked for so far are accepted silently: for a section deliberately left undecoded
    /// (its `type` is unknown and that was reported already).
    public func ignoreRemainingKeys() {
        ignoresUnknownKeys = true
    }

    // MARK: - Internals

    private func entry(_ key: String) -> ConfigEntry? {
        if !askedKeys.contains(key) { askedKeys.append(key) }
        return entries.first { $0.key == key }
    }

    private func placeholder(_ path: ConfigPath, _ position: SourcePosition, isPresent: Bool) -> ConfigMap {
        ConfigMap(
            entries: [], path: path, position: position, session: session, isPresent: isPresent, isPlaceholder: true)
    }

    private func listNode(
        _ key: String, required: Bool, describing expectation: String
    ) -> (items: [ConfigNode], path: ConfigPath)? {
        let keyPath = path.appending(key)
        guard let entry = entry(key) else {
            if required { reportMissing(key) }
            return nil
        }
        switch entry.value.content {
        case .list(let items):
            if required, items.isEmpty { record(entry.value.position, keyPath, "expected at least one item") }
            return (items, keyPath)
        case .empty:
            if required { record(entry.value.position, keyPath, "expected \(expectation), found nothing") }
            return nil
        default:
            record(entry.value.position, keyPath, "expected \(expectation), found \(entry.value.foundDescription)")
            return nil
        }
    }

    private func convert<Value>(_ node: ConfigNode, path: ConfigPath, _ conversion: ConfigConversion<Value>) -> Value? {
        guard case .scalar(let scalar) = node.content else {
            record(node.position, path, "expected \(conversion.expectation), found \(node.foundDescription)")
            return nil
        }
        let result = EnvironmentReferences.resolve(scalar.text, environment: session.environment)
            .flatMap { conversion.convert($0, session.context) }
        switch result {
        case .success(let value):
            return value
        case .failure(let failure):
            record(node.position, path, failure.message)
            return nil
        }
    }

    private func reportMissing(_ key: String) {
        guard !isPlaceholder else { return }
        record(position, path, "missing required key \(MessageText.quoted(key))")
    }

    private func record(_ position: SourcePosition, _ path: ConfigPath, _ message: String) {
        session.errors.append(ConfigError(file: session.file, position: position, path: path, message: message))
    }

    /// How many problems the whole decoding pass has recorded so far.
    var problemCount: Int { session.errors.count }

    /// Reports the keys nobody asked for.
    func reportUnknownKeys() {
        guard !ignoresUnknownKeys else { return }
        for entry in entries where !askedKeys.contains(entry.key) {
            var message = "unknown key \(MessageText.quoted(entry.key))"
            if askedKeys.isEmpty {
                message += "; this section takes no settings"
            } else if let suggestion = Suggestions.closest(to: entry.key, among: askedKeys) {
                message +=
                    "; did you mean \(MessageText.quoted(suggestion))? Valid keys: "
                    + askedKeys.joined(separator: ", ")
            } else {
                message += "; valid keys: " + askedKeys.joined(separator: ", ")
            }
            record(entry.keyPosition, path.appending(entry.key), message)
        }
    }
}

@available(*, unavailable, message: "a ConfigMap belongs to one decoding pass on one thread")
extension ConfigMap: Sendable {}
