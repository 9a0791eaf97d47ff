/// Why an event (or a part of it) is not acceptable: the JSON path of the field and what was expected,
/// e.g. `data.from_locaton: unknown field; expected one of from_location, gtin, …`.
public struct EventFieldError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Dotted path from the event's root: "id", "data.quantity", "data.downtime.blocked". Empty when the
    /// document as a whole is wrong (not JSON, not an object).
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }

    /// The same error with `prefix` put in front of its path (e.g. "events[3]").
    public func prefixed(_ prefix: String) -> EventFieldError {
        EventFieldError(path: path.isEmpty ? prefix : "\(prefix).\(path)", message: message)
    }
}
