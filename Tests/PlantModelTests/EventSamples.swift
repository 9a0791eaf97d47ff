@testable import PlantModel

/// One valid event of every type, shared by the event, wire and documentation tests.
enum EventSamples {
    static func t(_ text: String) -> Timestamp { try! Timestamp(parsing: text) }
    static func d(_ text: String) -> DecimalNumber { try! DecimalNumber(parsing: text) }

    static let confirmation = try! Event(
        id: EventID.confirmation(
            plant: "P100", line: "L3", order: "WO-4711", operation: "10",
            windowStart: t("2026-11-22T14:00:00Z")),
        occurredAt: t("2026-11-22T14:15:00Z"),
        payload: .productionConfirmation(
            ProductionConfirmation(
                plant: "P100", line: "L3", workCenter: "WC-PRESS-3", order: "WO-4711", operation: "10",
                yield: d("1180"), scrap: d("12"), rework: .zero, unit: "PCE", runtimeMilliseconds: 842_500,
                downtimeMilliseconds: ["changeover": 12_500, "blocked": 45_000],
                windowStart: t("2026-11-22T14:00:00Z"), windowEnd: t("2026-11-22T14:15:00Z"))))

    static let splitConfirmation = try! Event(
        id: EventID.confirmation(
            plant: "P100", line: "L3", order: "WO-4711", operation: "10",
            windowStart: t("2026-11-22T14:00:00Z"), part: 2),
        occurredAt: t("2026-11-22T14:15:00Z"),
        payload: .productionConfirmation(
            ProductionConfirmation(
                plant: "P100", line: "L3", order: "WO-4711", operation: "10", yield: d("96.5"), scrap: d("0.25"),
                rework: .zero, unit: "KG", runtimeMilliseconds: 300_000, windowStart: t("2026-11-22T14:00:00Z"),
                windowEnd: t("2026-11-22T14:15:00Z"), isFinal: false, counterReset: true, gapBridgedMilliseconds: 1500,
                part: 2)))

    static let downtime = try! Event(
        id: EventID.downtime(plant: "P100", line: "L3", start: t("2026-11-22T14:03:10.250Z")),
        occurredAt: t("2026-11-22T14:05:00Z"),
        payload: .downtime(
            Downtime(
                plant: "P100", line: "L3", reason: "blocked", start: t("2026-11-22T14:03:10.250Z"),
                end: t("2026-11-22T14:05:00Z"))))

    static let transfer = try! Event(
        id: EventID.scan(station: "GI-02", sequence: 88_412),
        occurredAt: t("2026-11-22T14:15:02.125Z"),
        payload: .inventoryMovement(
            InventoryMovement(
                kind: .transfer, plant: "P100", gtin: "04012345678901", lot: "L2026-11", quantity: d("12.5"),
                unit: "KG",
                fromLocation: "A-01-02", toLocation: "B-07", station: "GI-02",
                rawScan: "]C10104012345678901\u{1D}10L2026-11")))

    static let receipt = try! Event(
        id: EventID.fileRow(input: "erp-receipts", digestHex: "9f86d081884c7d65", row: 17),
        occurredAt: t("2026-11-22T06:00:00Z"),
        payload: .inventoryMovement(
            InventoryMovement(
                kind: .receipt, plant: "P100", item: "MAT-100200", sscc: "340123450000000017", toLocation: "DOCK-1")))

    static let hold = try! Event(
        id: EventID.scan(station: "QA-1", sequence: 5),
        occurredAt: t("2026-11-22T15:00:00Z"),
        payload: .qualityHold(
            QualityHold(
                plant: "P100", item: "MAT-100200", lot: "L2026-11", location: "B-07",
                quantity: d("40"), unit: "KG", reason: "QN-2026-0042 visual defect",
                station: "QA-1")))

    static let release = try! Event(
        id: EventID.scan(station: "QA-1", sequence: 9),
        occurredAt: t("2026-11-23T09:30:00Z"),
        payload: .qualityRelease(
            QualityHold(plant: "P100", lot: "L2026-11", reason: "QN-2026-0042 passed re-inspection")))

    static let tombstone = try! Event(
        id: EventID.tombstone(ofID: EventID("scan/GI-02/88413")),
        occurredAt: t("2026-11-22T14:15:09Z"),
        payload: .deadLettered(
            DeadLetterTombstone(
                originalSeq: 1207, originalID: try! EventID("scan/GI-02/88413"), originalType: "inventory_movement",
                originalStream: "inventory", reason: "data.gtin: unknown GTIN 04012345678918 for plant P100")))

    /// A temperature read as uncertain, with its OPC UA StatusCode (0x40000000 + 0x00920000: uncertain).
    static let telemetry = try! Event.telemetrySample(
        plant: "P100", input: "line3-telemetry",
        sample: TelemetrySample(
            tag: "L3.Press.Temp", value: .number(d("-21.5")), statusCode: 0x4092_0000,
            sourceTime: t("2026-11-22T14:15:00.250Z")))

    /// A machine-state boolean from Kepware (`q: true`, no StatusCode).
    static let telemetryBool = try! Event.telemetrySample(
        plant: "P100", input: "line3-telemetry",
        sample: TelemetrySample(
            tag: "L3.Running", value: .bool(true), quality: .good, sourceTime: t("2026-11-22T14:15:01Z")))

    /// A string tag, empty, as a PLC may send it, with a tag that needs escaping in the id.
    static let telemetryText = try! Event.telemetrySample(
        plant: "P100", input: "line3-telemetry",
        sample: TelemetrySample(
            tag: "L3/Order #", value: .string(""), quality: .bad, sourceTime: t("2026-11-22T14:15:02Z")))

    static let all = [
        confirmation, splitConfirmation, downtime, transfer, receipt, hold, release, tombstone, telemetry,
        telemetryBool, telemetryText,
    ]
}
