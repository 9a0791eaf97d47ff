import PlantCapture
import PlantModel
import Testing

@Suite("FileDrop record mapping")
struct FileDropMappingTests {
    private static let header = ["Zeit", "Art", "Material", "Menge", "ME", "Lager"]

    private static func receipts(
        decimalComma: Bool = true, format: DropTimestampFormat = .rfc3339, offset: Int = 0,
        units: [String: String] = [:], defaultUnit: String? = nil
    ) -> FileDrop.Configuration {
        FileDrop.Configuration(
            directory: "/srv/drop", event: .inventoryMovement,
            columns: [
                .occurredAt: .column("Zeit"), .kind: .column("Art"), .plant: .constant("P100"),
                .item: .column("Material"), .quantity: .column("Menge"), .unit: .column("ME"),
                .toLocation: .column("Lager"),
            ],
            delimiter: UInt8(ascii: ";"), decimalComma: decimalComma, timestampFormat: format,
            utcOffsetMinutes: offset, defaultUnit: defaultUnit, units: units)
    }

    private static let id = try! EventID("file/in/abc/1")

    private func map(_ fields: [String], _ configuration: FileDrop.Configuration) throws -> Result<Event, RowRejection>
    {
        let mapping = try RecordMapping(configuration).bound(toHeader: Self.header).get()
        return mapping.event(FileRecord(fields: fields, line: 7, endOffset: 0, raw: []), id: Self.id)
    }

    private func reason(_ fields: [String], _ configuration: FileDrop.Configuration) throws -> String? {
        if case .failure(let rejection) = try map(fields, configuration) { return rejection.reason }
        return nil
    }

    private func movement(quantity: String, unit: String = "PCE", at time: String = "2026-11-22T14:15:00.000Z") throws
        -> Event
    {
        try Event(
            id: Self.id, occurredAt: Timestamp(parsing: time),
            payload: .inventoryMovement(
                InventoryMovement(
                    kind: .receipt, plant: "P100", item: "M-1", quantity: DecimalNumber(parsing: quantity), unit: unit,
                    toLocation: "WE01")))
    }

    @Test func decimalCommaWithThousandsPointsAndUnitTranslation() throws {
        let configuration = Self.receipts(units: ["Stk": "PCE"])
        let row = ["2026-11-22T15:15:00+01:00", "receipt", "M-1", "1.234,5", "Stk", "WE01"]
        #expect(try map(row, configuration).get() == movement(quantity: "1234.5"))
        let plain = ["2026-11-22T14:15:00Z", "receipt", "M-1", " 12,250 ", "PCE", "WE01"]
        #expect(try map(plain, configuration).get() == movement(quantity: "12.25"))
    }

    @Test func decimalPointWhenDecimalCommaIsOff() throws {
        let row = ["2026-11-22T14:15:00Z", "receipt", "M-1", "1234.5", "PCE", "WE01"]
        #expect(try map(row, Self.receipts(decimalComma: false)).get() == movement(quantity: "1234.5"))
        #expect(
            try reason(
                ["2026-11-22T14:15:00Z", "receipt", "M-1", "1234,5", "PCE", "WE01"],
                Self.receipts(decimalComma: false))
                == "quantity (column \"Menge\"): expected a decimal number like 1234.5, found \"1234,5\"")
    }

    @Test func badDecimalCommaNumbers() throws {
        for text in ["1.23,5", "1,2,3", "12,", "abc", "1.2345,0"] {
            #expect(
                try reason(["2026-11-22T14:15:00Z", "receipt", "M-1", text, "PCE", "WE01"], Self.receipts())
                    == "quantity (column \"Menge\"): expected a decimal number like 1234,5 or 1.234,5, found \"\(text)\""
            )
        }
    }

    @Test func timestampPatternReadsPlantLocalTime() throws {
        let configuration = Self.receipts(
            format: try DropTimestampFormat.parse("%d.%m.%Y %H:%M").get(), offset: 60)
        let row = ["22.11.2026 15:15", "receipt", "M-1", "3", "PCE", "WE01"]
        #expect(try map(row, configuration).get() == movement(quantity: "3"))
        let short = ["2.1.2026 0:05", "receipt", "M-1", "3", "PCE", "WE01"]
        #expect(try map(short, configuration).get() == movement(quantity: "3", at: "2026-01-01T23:05:00.000Z"))
        #expect(
            try reason(["31.02.2026 10:00", "receipt", "M-1", "3", "PCE", "WE01"], configuration)
                == "occurred_at (column \"Zeit\"): expected a time like \"%d.%m.%Y %H:%M\", found \"31.02.2026 10:00\" "
                + "(a day 1-28 expected, found 31)")
        #expect(
            try reason(["2026-11-22 10:00", "receipt", "M-1", "3", "PCE", "WE01"], configuration)
                == "occurred_at (column \"Zeit\"): expected a time like \"%d.%m.%Y %H:%M\", found \"2026-11-22 10:00\"")
    }

    @Test func epochFormats() throws {
        let milliseconds = Self.receipts(format: .epochMilliseconds)
        #expect(
            try map(["1795356900000", "receipt", "M-1", "3", "PCE", "WE01"], milliseconds).get()
                == movement(quantity: "3"))
        let seconds = Self.receipts(format: .epochSeconds)
        #expect(
            try map(["1795356900.25", "receipt", "M-1", "3", "PCE", "WE01"], seconds).get()
                == movement(quantity: "3", at: "2026-11-22T14:15:00.250Z"))
        #expect(
            try reason(["17953569e3", "receipt", "M-1", "3", "PCE", "WE01"], milliseconds)
                == "occurred_at (column \"Zeit\"): expected milliseconds since 1970 (an integer), found \"17953569e3\"")
    }

    @Test func rowProblemsNameFieldColumnAndValue() throws {
        let configuration = Self.receipts(units: ["Stk": "PCE"])
        #expect(
            try reason(["2026-11-22T14:15:00Z", "receipt", "M-1", "3", "kg", "WE01"], configuration)
                == "unit (column \"ME\"): unknown unit \"kg\"; expected one of PCE, Stk (see units:)")
        #expect(
            try reason(["2026-11-22T14:15:00Z", "recieve", "M-1", "3", "PCE", "WE01"], configuration)
                == "kind (column \"Art\"): expected one of receipt, issue, transfer, adjustment, production_receipt, "
                + "cycle_count, found \"recieve\"")
        #expect(
            try reason(["", "receipt", "M-1", "3", "PCE", "WE01"], configuration)
                == "occurred_at (column \"Zeit\"): empty; expected a time")
        #expect(
            try reason(["2026-11-22T14:15:00Z", "receipt", "M-1", "3", "PCE"], configuration)
                == "expected 6 fields as in the header, found 5")
        #expect(
            try reason(["2026-11-22T14:15:00Z", "receipt", "M-1", "3", "PCE", ""], configuration)
                == "to_location: required for kind receipt")
        #expect(
            try reason(["2026-11-22T14:15:00Z", "receipt", "M-1", "-3", "PCE", "WE01"], configuration)
                == "quantity: expected a quantity ≥ 0, found \"-3\"")
    }

    @Test func defaultUnitFillsAnEmptyUnit() throws {
        let configuration = Self.receipts(defaultUnit: "PCE")
        #expect(
            try map(["2026-11-22T14:15:00Z", "receipt", "M-1", "3", "", "WE01"], configuration).get()
                == movement(quantity: "3"))
    }

    @Test func missingAndRepeatedColumnsRefuseTheFile() {
        let mapping = RecordMapping(Self.receipts())
        #expect(
            mapping.bound(toHeader: ["Zeit", "Art", "Material", "ME"]).failureReason
                == "header has no columns \"Menge\" (for quantity), \"Lager\" (for to_location); found \"Zeit\", "
                + "\"Art\", \"Material\", \"ME\"")
        #expect(
            mapping.bound(toHeader: Self.header + [" Lager "]).failureReason
                == "column \"Lager\" (for to_location) appears more than once in the header (columns 6 and 7)")
    }

    @Test func productionConfirmationWithDefaults() throws {
        let configuration = FileDrop.Configuration(
            directory: "/srv/drop", event: .productionConfirmation,
            columns: [
                .plant: .constant("P100"), .line: .column("line"), .order: .column("order"),
                .operation: .constant("0010"), .yield: .column("good"), .windowStart: .column("from"),
                .windowEnd: .column("to"), .final: .column("final"),
            ],
            defaultUnit: "PCE")
        let mapping = try RecordMapping(configuration).bound(toHeader: ["line", "order", "good", "from", "to", "final"])
            .get()
        let record = FileRecord(
            fields: ["L3", "WO-4711", "840", "2026-11-22T14:00:00Z", "2026-11-22T15:00:00Z", "0"], line: 2,
            endOffset: 0, raw: [])
        let event = try mapping.event(record, id: Self.id).get()
        #expect(
            String(decoding: event.canonicalJSON(), as: UTF8.self)
                == "{\"data\":{\"counter_reset\":false,\"downtime\":{},\"final\":false,\"line\":\"L3\",\"operation\":\"0010\","
                + "\"order\":\"WO-4711\",\"plant\":\"P100\",\"rework\":\"0\",\"runtime_s\":0,\"scrap\":\"0\",\"unit\":\"PCE\","
                + "\"window_end\":\"2026-11-22T15:00:00.000Z\",\"window_start\":\"2026-11-22T14:00:00.000Z\","
                + "\"yield\":\"840\"},\"id\":\"file/in/abc/1\",\"occurred_at\":\"2026-11-22T15:00:00.000Z\","
                + "\"type\":\"production_confirmation\"}")
    }

    @Test func qualityHoldFromJSONLines() throws {
        let configuration = FileDrop.Configuration(
            directory: "/srv/drop", format: .jsonl, event: .qualityHold,
            columns: [
                .occurredAt: .column("ts"), .plant: .constant("P100"), .lot: .column("batch"),
                .quantity: .column("qty"), .unit: .column("uom"), .reason: .column("why"),
            ],
            timestampFormat: .epochMilliseconds)
        let (keys, mapping) = RecordMapping(configuration).boundToKeys()
        #expect(keys == ["ts", "batch", "qty", "uom", "why"])
        var decoder = JSONLinesDecoder(keys: keys)
        var line = dropBytes("{\"ts\":1795356900000,\"batch\":\"B7\",\"qty\":12.5,\"uom\":\"KG\",\"why\":\"QN-17\"}\n")[
            ...]
        guard case .record(let record)? = decoder.decode(&line) else {
            Issue.record("no record")
            return
        }
        let event = try mapping.event(record, id: Self.id).get()
        #expect(
            event
                == (try Event(
                    id: Self.id, occurredAt: Timestamp(parsing: "2026-11-22T14:15:00Z"),
                    payload: .qualityHold(
                        QualityHold(
                            plant: "P100", lot: "B7", quantity: DecimalNumber(parsing: "12.5"), unit: "KG",
                            reason: "QN-17")))))
    }
}

extension Result {
    fileprivate var failureReason: String? {
        if case .failure(let error) = self { return (error as? FileRefusal)?.reason }
        return nil
    }
}
