import Testing

@testable import PlantModel

@Suite struct EventDecodingTests {
    /// Decodes `event` after `change` edits its JSON; returns the error text (or "accepted").
    func error(of event: Event, _ change: (inout JSONObject) -> Void) -> String {
        var root = event.jsonValue.objectValue!
        change(&root)
        do {
            _ = try Event(json: .object(root))
            return "accepted"
        } catch {
            return error.description
        }
    }

    func dataError(_ event: Event, _ change: (inout JSONObject) -> Void) -> String {
        error(of: event) { root in
            var data = root["data"]!.objectValue!
            change(&data)
            root["data"] = .object(data)
        }
    }

    @Test func unknownFieldsNameThePathAndTheAllowedFields() {
        #expect(
            dataError(EventSamples.transfer) { $0["from_locaton"] = "A-01" } == "data.from_locaton: unknown field; "
                + "expected one of from_location, gtin, item, kind, lot, order, plant, quantity, raw_scan, serial, sscc, "
                + "station, to_location, unit")
        #expect(
            error(of: EventSamples.transfer) { root in root["seq"] = 1201 }
                == "seq: unknown field; expected one of data, id, occurred_at, type")
        #expect(
            dataError(EventSamples.downtime) { $0["duration"] = 5 }
                == "duration: unknown field; expected one of duration_s, end, line, plant, reason, start".withData)
    }

    @Test func missingAndMistypedFields() {
        #expect(
            dataError(EventSamples.confirmation) { $0["plant"] = nil }
                == "data.plant: missing required field; expected a non-empty string")
        #expect(
            dataError(EventSamples.confirmation) { $0["plant"] = JSONValue.null }
                == "data.plant: missing required field; expected a non-empty string")
        #expect(
            dataError(EventSamples.confirmation) { $0["line"] = 3 }
                == "data.line: expected a non-empty string, found number")
        #expect(
            dataError(EventSamples.confirmation) { $0["order"] = "" }
                == "data.order: expected a non-empty string, found \"\"")
        #expect(
            dataError(EventSamples.confirmation) { $0["final"] = "yes" }
                == "data.final: expected true or false, found string")
        #expect(
            dataError(EventSamples.confirmation) { $0["downtime"] = [] }
                == "data.downtime: expected an object of reason → seconds, found array")
        #expect(
            dataError(EventSamples.confirmation) { $0["downtime"] = ["blocked": "45"] }
                == "data.downtime.blocked: expected seconds (a number ≥ 0, at most 3 decimals), found string")
        #expect(
            dataError(EventSamples.confirmation) { $0["runtime_s"] = .number(JSONNumber(uncheckedText: "1.2345")) }
                == "data.runtime_s: expected seconds (a number ≥ 0, at most 3 decimals) in canonical form, found 1.2345"
        )
        #expect(
            dataError(EventSamples.confirmation) { $0["runtime_s"] = -1 }
                == "data.runtime_s: expected seconds (a number ≥ 0, at most 3 decimals) in canonical form, found -1")
        #expect(
            dataError(EventSamples.splitConfirmation) { $0["part"] = 0 }
                == "data.part: expected an integer ≥ 1, found 0")
        #expect(
            dataError(EventSamples.splitConfirmation) {
                $0["gap_bridged_ms"] = .number(JSONNumber(uncheckedText: "1.5"))
            }
                == "data.gap_bridged_ms: expected an integer ≥ 0, found 1.5")
        #expect(
            error(of: EventSamples.transfer) { root in root["data"] = nil }
                == "data: missing required field; expected an object")
        #expect(
            error(of: EventSamples.transfer) { root in root["data"] = "x" }
                == "data: expected an object, found string")
        #expect(
            dataError(EventSamples.transfer) { $0["kind"] = "move" } == "data.kind: expected one of adjustment, "
                + "cycle_count, issue, production_receipt, receipt, transfer, found \"move\"")
    }

    @Test func quantitiesAreCanonicalDecimalStrings() {
        #expect(
            dataError(EventSamples.transfer) { $0["quantity"] = .number(JSONNumber(uncheckedText: "12.5")) }
                == "data.quantity: expected a decimal string like \"12.5\", found number (quantities are strings: \"12.5\")"
        )
        #expect(
            dataError(EventSamples.transfer) { $0["quantity"] = "12.50" } == "data.quantity: expected a canonical "
                + "decimal (no exponent, no leading or trailing zeros) \"12.5\", found \"12.50\"")
        #expect(
            dataError(EventSamples.transfer) { $0["quantity"] = "1,5" } == "data.quantity: invalid decimal \"1,5\": "
                + "expected a digit, '.', 'e' or end of text at offset 1, found ','")
        #expect(
            dataError(EventSamples.transfer) { $0["quantity"] = "-2" }
                == "data.quantity: expected a quantity ≥ 0, found \"-2\"")
    }

    @Test func timestampsAndIdentity() {
        #expect(
            error(of: EventSamples.transfer) { root in root["occurred_at"] = "2026-11-22T15:15:02.125+01:00" }
                == "occurred_at: expected the canonical UTC form \"2026-11-22T14:15:02.125Z\", found "
                + "\"2026-11-22T15:15:02.125+01:00\"")
        #expect(
            error(of: EventSamples.transfer) { root in root["occurred_at"] = "2026-11-22" }
                == "occurred_at: invalid timestamp \"2026-11-22\": expected 'T' between date and time at offset 10, "
                + "found end of text")
        #expect(
            error(of: EventSamples.transfer) { root in root["id"] = "scan/GI 02/1" }
                == "id: invalid event id: byte 0x20 at offset 7; expected printable ASCII without spaces")
        #expect(
            error(of: EventSamples.transfer) { root in root["type"] = "movement" } == "type: expected one of "
                + "dead_lettered, downtime, inventory_movement, production_confirmation, quality_hold, quality_release, "
                + "telemetry_sample, found \"movement\"")
        #expect(
            dataError(EventSamples.tombstone) { $0["original_id"] = "a\u{7F}" }
                == "data.original_id: invalid event id: byte 0x7F at offset 1; expected printable ASCII without spaces")
    }

    @Test func businessRules() {
        #expect(
            dataError(EventSamples.transfer) { $0["from_location"] = nil }
                == "data.from_location: required for kind transfer")
        #expect(
            dataError(EventSamples.transfer) { $0["to_location"] = "A-01-02" }
                == "data.to_location: expected a location different from from_location \"A-01-02\"")
        #expect(
            dataError(EventSamples.transfer) { $0["gtin"] = "04012345678902" }
                == "data.gtin: expected 8, 12, 13 or 14 digits with a valid GS1 check digit, found \"04012345678902\"")
        #expect(
            dataError(EventSamples.transfer) { $0["gtin"] = nil }
                == "data: expected at least one of item, gtin, sscc to say what moved")
        #expect(dataError(EventSamples.transfer) { $0["unit"] = nil } == "data.unit: required when quantity is given")
        #expect(
            dataError(EventSamples.receipt) { $0["sscc"] = "340123450000000018" }
                == "data.sscc: expected 18 digits with a valid GS1 check digit, found \"340123450000000018\"")
        #expect(
            dataError(EventSamples.receipt) {
                $0["sscc"] = nil; $0["gtin"] = "04012345678901"
            }
                == "data.quantity: required unless an sscc moves as a whole")
        #expect(
            dataError(EventSamples.receipt) {
                $0["kind"] = "adjustment"; $0["from_location"] = "X"
            }
                == "data.to_location: expected exactly one of from_location (write-off) or to_location (write-up) for "
                + "kind adjustment")
        #expect(
            dataError(EventSamples.receipt) { $0["kind"] = "production_receipt" }
                == "data.order: required for kind production_receipt")
        #expect(
            dataError(EventSamples.receipt) {
                $0["kind"] = "cycle_count"; $0["from_location"] = "X"
            }
                == "data.from_location: not allowed for kind cycle_count")
        #expect(
            dataError(EventSamples.release) { $0["lot"] = nil }
                == "data: expected at least one of item, gtin, lot, sscc to say what is held")
        #expect(
            dataError(EventSamples.downtime) { $0["duration_s"] = 200 }
                == "data.duration_s: expected 0 to 109.75 seconds (end - start), found 200")
        #expect(
            dataError(EventSamples.confirmation) { $0["window_end"] = "2026-11-22T14:00:00.000Z" }
                == "data.window_end: expected a time after window_start 2026-11-22T14:00:00.000Z, found "
                + "2026-11-22T14:00:00.000Z")
        #expect(
            dataError(EventSamples.tombstone) { $0["original_seq"] = 0 }
                == "data.original_seq: expected an integer ≥ 1, found 0")
    }

    @Test func swiftConstructionValidatesToo() {
        let movement = InventoryMovement(kind: .issue, plant: "P100", item: "MAT-1", quantity: .zero, unit: "PCE")
        #expect(throws: EventFieldError(path: "data.from_location", message: "required for kind issue")) {
            try Event(id: EventID("x"), occurredAt: .epoch, payload: .inventoryMovement(movement))
        }
    }

    @Test func documentLevelErrors() {
        #expect(throws: EventFieldError(path: "", message: "expected an object, found array")) {
            try Event(canonicalJSON: Array("[]".utf8))
        }
        #expect(
            throws: EventFieldError(
                path: "",
                message: "JSON error at byte 1: expected a string key or '}', "
                    + "found end of input")
        ) {
            try Event(canonicalJSON: Array("{".utf8))
        }
    }

    @Test func eventIDBuilders() throws {
        let start = try Timestamp(parsing: "2026-11-22T14:00:00Z")
        #expect(
            try EventID.confirmation(
                plant: "P100", line: "L3", order: "WO-4711", operation: "10",
                windowStart: start
            ).rawValue
                == "conf/P100/L3/WO-4711/10/2026-11-22T14:00:00.000Z")
        #expect(
            try EventID.confirmation(
                plant: "P100", line: "L3", order: "WO-4711", operation: "10",
                windowStart: start, part: 2
            ).rawValue
                == "conf/P100/L3/WO-4711/10/2026-11-22T14:00:00.000Z#2")
        #expect(
            try EventID.confirmation(
                plant: "P100", line: "L3", order: "WO-4711", operation: "10",
                windowStart: start, part: 1
            ).rawValue
                == "conf/P100/L3/WO-4711/10/2026-11-22T14:00:00.000Z")
        #expect(
            try EventID.fileRow(input: "erp drops", digestHex: "9f86d081", row: 17).rawValue
                == "file/erp%20drops/9f86d081/17")
        #expect(try EventID.scan(station: "GI/02#ä", sequence: 88_412).rawValue == "scan/GI%2F02%23%C3%A4/88412")
        #expect(try EventID.scan(station: "", sequence: 1).rawValue == "scan/%00/1")
        #expect(
            try EventID.downtime(plant: "P100", line: "L3", start: start).rawValue
                == "down/P100/L3/2026-11-22T14:00:00.000Z")
        #expect(EventID.tombstone(ofID: try EventID("scan/GI-02/1")).rawValue == "dead/scan/GI-02/1")
        let long = try EventID(String(repeating: "x", count: 512))
        let tombstone = EventID.tombstone(ofID: long)
        #expect(tombstone.rawValue.utf8.count == 512)
        #expect(tombstone.rawValue.hasPrefix("dead/xxxx"))
        #expect(try EventID(tombstone.rawValue) == tombstone)
        #expect(EventID.tombstone(ofID: long) == tombstone)
        #expect(throws: EventIDError.empty) { try EventID("") }
        #expect(throws: EventIDError.tooLong(length: 513)) { try EventID(String(repeating: "x", count: 513)) }
        #expect(throws: EventIDError.invalidCharacter(offset: 2, byte: 0xC3)) { try EventID("ab\u{E9}") }
        #expect(throws: EventIDError.tooLong(length: 514)) {
            try EventID.scan(station: String(repeating: "s", count: 500), sequence: 12_345_678)
        }
    }
}

extension String {
    fileprivate var withData: String { "data." + self }
}
