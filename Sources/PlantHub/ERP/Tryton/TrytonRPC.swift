import PlantModel

/// Why a Tryton call failed, already sorted into what the outbox does with it.
enum TrytonFailure: Error, Hashable {
    /// Worth trying again (network, 5xx, locked database, a concurrent update).
    case transient(String, retryAfter: Duration? = nil)
    /// Tryton refused for good (a user, validation or access error; an unmapped value).
    case permanent(String)
    /// The session expired or was never valid (HTTP 401): log in again and repeat the call once.
    case sessionExpired

    var deliveryFailure: DeliveryFailure {
        switch self {
        case .transient(let message, let retryAfter): return .transient(message, retryAfter: retryAfter)
        case .permanent(let message): return .permanent(message)
        case .sessionExpired: return .transient("Tryton refused the session twice in a row")
        }
    }
}

/// Tryton's JSON-RPC wire format: request bodies, its typed values (`date`, `Decimal`), and the answers
/// (HTTP 200 with `result`, or with `error`: `[exception class, [message, …]]` or `[text, traceback]`).
enum TrytonRPC {
    /// Longest part of Tryton's message kept in a failure (the outbox keeps 2,000 bytes anyway).
    static let maxMessageBytes = 2_000

    /// `{"id":N,"method":"model.production.search_read","params":[…]}`.
    static func requestBody(id: Int64, method: String, params: [JSONValue]) -> [UInt8] {
        JSONWriter.encode(["id": .integer(id), "method": .string(method), "params": .array(params)])
    }

    /// Tryton's date object, `{"__class__":"date","year":2026,"month":11,"day":22}`.
    static func date(_ date: CivilDate) -> JSONValue {
        [
            "__class__": "date", "year": .integer(Int64(date.year)), "month": .integer(Int64(date.month)),
            "day": .integer(Int64(date.day)),
        ]
    }

    /// Tryton's exact decimal (Numeric fields), `{"__class__":"Decimal","decimal":"12.5"}`.
    static func decimal(_ value: DecimalNumber) -> JSONValue {
        ["__class__": "Decimal", "decimal": .string(value.description)]
    }

    /// A Float field's value (quantities): the exact decimal text as a JSON number.
    static func float(_ value: DecimalNumber) -> JSONValue { .decimal(value) }

    /// A number Tryton sent (a Python float such as `100.0` or a `Decimal` object) as an exact decimal;
    /// nil for anything else.
    static func decimalValue(_ value: JSONValue) -> DecimalNumber? {
        var text: String
        switch value {
        case .number(let number): text = number.text
        case .object(let object):
            guard object["__class__"]?.stringValue == "Decimal", let decimal = object["decimal"]?.stringValue else {
                return nil
            }
            text = decimal
        default: return nil
        }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if text == "-0" { text = "0" }
        return try? DecimalNumber(parsing: text)
    }

    /// The `result` of an answer, or why there is none.
    static func result(status: Int, retryAfter: String?, body: [UInt8], method: String) -> Result<
        JSONValue, TrytonFailure
    > {
        if status == 401 { return .failure(.sessionExpired) }
        // Tryton answers 403 for a method that is not in the model's `__rpc__` (stock.move's `assign`),
        // whatever the session: logging in again or retrying cannot help, so the posting parks.
        if status == 403 {
            return .failure(
                .permanent(
                    "Tryton \(method): HTTP 403: Tryton does not allow this method over JSON-RPC "
                        + "(not in the model's __rpc__)"))
        }
        guard status == 200 else {
            let text = String(decoding: body.prefix(maxMessageBytes), as: UTF8.self)
                .trimmingTrailingNewlines()
            let message = "Tryton \(method): HTTP \(status)" + (text.isEmpty ? "" : ": \(text)")
            if status == 408 || status == 429 || (500...599).contains(status) {
                let wait = retryAfter.flatMap { Int64($0) }.map { Duration.seconds(max(0, $0)) }
                return .failure(.transient(message, retryAfter: wait))
            }
            return .failure(.permanent(message))
        }
        let answer: JSONValue
        do {
            answer = try JSONParser.parse(body)
        } catch {
            return .failure(.transient("Tryton \(method): the answer is not JSON: \(error)"))
        }
        guard let object = answer.objectValue else {
            return .failure(.transient("Tryton \(method): the answer is a JSON \(answer.typeName), expected an object"))
        }
        if let error = object["error"], !error.isNull { return .failure(classify(error, method: method)) }
        return .success(object["result"] ?? .null)
    }

    /// Sorts Tryton's `error` member: user-facing refusals are permanent (with Tryton's own message),
    /// a locked database or a concurrent update is transient, and so is anything unexpected (a server
    /// fault, like HTTP 500: it shows as retrying with the message until someone looks).
    static func classify(_ error: JSONValue, method: String) -> TrytonFailure {
        let parts = error.arrayValue ?? [error]
        let kind = parts.first?.stringValue ?? error.description
        var messages: [String] = []
        if parts.count > 1 {
            if let args = parts[1].arrayValue {
                messages = args.compactMap { $0.stringValue }.filter { !$0.isEmpty }
            } else if let text = parts[1].stringValue, !text.isEmpty, !isTraceback(text) {
                messages = [text]
            }
        }
        let detail = messages.isEmpty ? kind : "\(kind): \(messages.joined(separator: " "))"
        let message = "Tryton \(method): " + String(decoding: Array(detail.utf8.prefix(maxMessageBytes)), as: UTF8.self)
        // A move dated after Tryton's own today (its local day, ours is the event's UTC day): not wrong,
        // early. It waits and is tried again, so no one has to `retry` it by hand after midnight.
        if kind == "UserWarning", parts.count > 1,
            parts[1].arrayValue?.first?.stringValue?.hasPrefix("effective_date_future") == true
        {
            return .transient(message + " (waits for that day in Tryton)", retryAfter: .seconds(600))
        }
        switch kind {
        case "UserError", "UserWarning", "ValidationError", "AccessError", "DomainValidationError",
            "RequiredValidationError", "SizeValidationError", "DigitsValidationError", "SelectionValidationError",
            "ForeignKeyError", "SQLConstraintError", "ImportDataError", "RecursionError":
            return .permanent(message)
        case "LoginException":
            return .transient("\(message) (the login was refused: check the user and password_file)")
        default:
            // ConcurrencyException, "database is locked", RateLimitException, TimeOutException, server faults.
            return .transient(message)
        }
    }

    private static func isTraceback(_ text: String) -> Bool { text.hasPrefix("Traceback") }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
