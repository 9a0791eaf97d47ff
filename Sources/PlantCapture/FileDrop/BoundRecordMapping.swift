import PlantModel

/// A `RecordMapping` bound to one file's columns: maps each record to an event or says why not.
public struct BoundRecordMapping: Sendable {
    enum Source: Sendable {
        case none
        case field(Int, name: String)
        case constant(String)
    }

    private let configuration: FileDrop.Configuration
    /// Indexed by `DropField.slot`.
    private let sources: [Source]
    /// CSV: the header's field count, which every record must have.
    private let fieldCount: Int?
    private let knownUnits: Set<String>

    init(_ configuration: FileDrop.Configuration, sources: [Source], fieldCount: Int?) {
        self.configuration = configuration
        self.sources = sources
        self.fieldCount = fieldCount
        self.knownUnits = Set(configuration.units.keys).union(configuration.units.values)
    }

    /// The event for `record`, with the given id, or why the record cannot be one.
    public func event(_ record: FileRecord, id: EventID) -> Result<Event, RowRejection> {
        do throws(RowRejection) {
            if let fieldCount, record.fields.count != fieldCount {
                throw RowRejection("expected \(fieldCount) fields as in the header, found \(record.fields.count)")
            }
            let values = Values(mapping: self, record: record)
            let (occurredAt, payload) =
                switch configuration.event {
                case .inventoryMovement: try inventoryMovement(values)
                case .qualityHold: try qualityHold(values)
                case .productionConfirmation: try productionConfirmation(values)
                }
            do {
                return .success(try Event(id: id, occurredAt: occurredAt, payload: payload))
            } catch {
                let path = error.path.hasPrefix("data.") ? String(error.path.dropFirst(5)) : error.path
                throw RowRejection(path.isEmpty || path == "data" ? error.message : "\(path): \(error.message)")
            }
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Event types

    private func inventoryMovement(_ values: Values) throws(RowRejection) -> (Timestamp, EventPayload) {
        let kindText = try values.required(.kind)
        guard let kind = InventoryMovement.Kind(rawValue: kindText) else {
            let kinds = InventoryMovement.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw values.invalid(.kind, "expected one of \(kinds), found \"\(kindText)\"")
        }
        let quantity = try values.decimal(.quantity)
        let movement = InventoryMovement(
            kind: kind, plant: try values.required(.plant), item: values.text(.item), gtin: values.text(.gtin),
            lot: values.text(.lot), serial: values.text(.serial), sscc: values.text(.sscc), quantity: quantity,
            unit: try values.unit(defaulted: quantity != nil), fromLocation: values.text(.fromLocation),
            toLocation: values.text(.toLocation), order: values.text(.order), station: values.text(.station))
        return (try values.requiredTimestamp(.occurredAt), .inventoryMovement(movement))
    }

    private func qualityHold(_ values: Values) throws(RowRejection) -> (Timestamp, EventPayload) {
        let quantity = try values.decimal(.quantity)
        let hold = QualityHold(
            plant: try values.required(.plant), item: values.text(.item), gtin: values.text(.gtin),
            lot: values.text(.lot), sscc: values.text(.sscc), location: values.text(.location), quantity: quantity,
            unit: try values.unit(defaulted: quantity != nil), reason: try values.required(.reason),
            station: values.text(.station))
        return (try values.requiredTimestamp(.occurredAt), .qualityHold(hold))
    }

    private func productionConfirmation(_ values: Values) throws(RowRejection) -> (Timestamp, EventPayload) {
        guard let yield = try values.decimal(.yield) else { throw values.invalid(.yield, "empty; expected a value") }
        guard let unit = try values.unit(defaulted: true) else {
            throw RowRejection("unit: missing; map unit to a column or constant, or set default_unit")
        }
        let windowEnd = try values.requiredTimestamp(.windowEnd)
        let runtime = try values.decimal(.runtime) ?? .zero
        guard runtime.scale <= 3, let runtimeMilliseconds = try? runtime.multiplied(by: 1000).int64Value else {
            throw values.invalid(.runtime, "expected seconds with at most 3 decimals, found \"\(runtime)\"")
        }
        let confirmation = ProductionConfirmation(
            plant: try values.required(.plant), line: try values.required(.line),
            workCenter: values.text(.workCenter), order: try values.required(.order),
            operation: try values.required(.operation), yield: yield, scrap: try values.decimal(.scrap) ?? .zero,
            rework: try values.decimal(.rework) ?? .zero, unit: unit, runtimeMilliseconds: runtimeMilliseconds,
            windowStart: try values.requiredTimestamp(.windowStart), windowEnd: windowEnd,
            isFinal: try values.flag(.final) ?? true)
        return (try values.timestamp(.occurredAt) ?? windowEnd, .productionConfirmation(confirmation))
    }

    // MARK: - Values of one record

    /// Typed reads of one record's fields; every failure names the field and where it came from.
    private struct Values {
        let mapping: BoundRecordMapping
        let record: FileRecord

        var configuration: FileDrop.Configuration { mapping.configuration }

        /// The value, or nil when not mapped or empty.
        func text(_ field: DropField) -> String? {
            let value: String
            switch mapping.sources[field.slot] {
            case .none: return nil
            case .constant(let constant): value = constant
            case .field(let index, _):
                guard index < record.fields.count else { return nil }
                value = record.fields[index]
            }
            return value.isEmpty ? nil : value
        }

        func invalid(_ field: DropField, _ message: String) -> RowRejection {
            switch mapping.sources[field.slot] {
            case .field(_, let name): RowRejection("\(field.rawValue) (column \"\(name)\"): \(message)")
            case .constant(let value): RowRejection("\(field.rawValue) (constant \"=\(value)\"): \(message)")
            case .none: RowRejection("\(field.rawValue): \(message)")
            }
        }

        func required(_ field: DropField) throws(RowRejection) -> String {
            guard let value = text(field) else { throw invalid(field, "empty; expected a value") }
            return value
        }

        func decimal(_ field: DropField) throws(RowRejection) -> DecimalNumber? {
            guard let raw = text(field) else { return nil }
            let value = RecordMapping.trimmed(raw)
            if configuration.decimalComma {
                guard let normalized = DecimalComma.normalized(value), let decimal = DecimalNumber(normalized) else {
                    throw invalid(field, "expected a decimal number like 1234,5 or 1.234,5, found \"\(raw)\"")
                }
                return decimal
            }
            guard let decimal = DecimalNumber(value), !value.contains(",") else {
                throw invalid(field, "expected a decimal number like 1234.5, found \"\(raw)\"")
            }
            return decimal
        }

        func timestamp(_ field: DropField) throws(RowRejection) -> Timestamp? {
            guard let raw = text(field) else { return nil }
            switch configuration.timestampFormat.timestamp(
                RecordMapping.trimmed(raw), utcOffsetMinutes: configuration.utcOffsetMinutes)
            {
            case .success(let timestamp): return timestamp
            case .failure(let problem): throw invalid(field, problem.message)
            }
        }

        func requiredTimestamp(_ field: DropField) throws(RowRejection) -> Timestamp {
            guard let timestamp = try timestamp(field) else { throw invalid(field, "empty; expected a time") }
            return timestamp
        }

        func flag(_ field: DropField) throws(RowRejection) -> Bool? {
            guard let raw = text(field) else { return nil }
            switch RecordMapping.trimmed(raw) {
            case "true", "1": return true
            case "false", "0": return false
            default: throw invalid(field, "expected true, false, 1 or 0, found \"\(raw)\"")
            }
        }

        /// The row's unit translated through `units:`, or `default_unit` when the row has none and
        /// `defaulted` (a quantity needs one).
        func unit(defaulted: Bool) throws(RowRejection) -> String? {
            guard let raw = text(.unit) else { return defaulted ? configuration.defaultUnit : nil }
            let unit = RecordMapping.trimmed(raw)
            if configuration.units.isEmpty { return unit }
            if let translated = configuration.units[unit] { return translated }
            if mapping.knownUnits.contains(unit) { return unit }
            let known = mapping.knownUnits.sorted().joined(separator: ", ")
            throw invalid(.unit, "unknown unit \"\(raw)\"; expected one of \(known) (see units:)")
        }
    }
}

/// `1234,5` and `1.234,5` → `1234.5`: a comma for the decimals, points only as thousands separators.
enum DecimalComma {
    static func normalized(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        var sign: [UInt8] = []
        if bytes.first == UInt8(ascii: "-") { sign = [bytes.removeFirst()] }
        let parts = bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard parts.count <= 2, let integer = parts.first, !integer.isEmpty else { return nil }
        let groups = integer.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if groups.count > 1 {
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
                return nil
            }
        }
        var result = sign + groups.joined()
        if parts.count == 2 {
            guard !parts[1].isEmpty else { return nil }
            result.append(UInt8(ascii: "."))
            result += parts[1]
        }
        guard result.dropFirst(sign.count).allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") })
        else { return nil }
        return String(decoding: result, as: UTF8.self)
    }
}
