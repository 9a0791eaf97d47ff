import Testing

@testable import PlantModel

@Suite struct EventCanonicalTests {
    func text(_ event: Event) -> String { String(decoding: event.canonicalJSON(), as: UTF8.self) }

    @Test func writesExactCanonicalBytes() {
        #expect(
            text(EventSamples.confirmation) == #"{"data":{"counter_reset":false,"downtime":{"blocked":45,"#
                + #""changeover":12.5},"final":true,"line":"L3","operation":"10","order":"WO-4711","plant":"P100","#
                + #""rework":"0","runtime_s":842.5,"scrap":"12","unit":"PCE","window_end":"2026-11-22T14:15:00.000Z","#
                + #""window_start":"2026-11-22T14:00:00.000Z","work_center":"WC-PRESS-3","yield":"1180"},"#
                + #""id":"conf/P100/L3/WO-4711/10/2026-11-22T14:00:00.000Z","occurred_at":"2026-11-22T14:15:00.000Z","#
                + #""type":"production_confirmation"}"#)
        #expect(
            text(EventSamples.downtime) == #"{"data":{"duration_s":109.75,"end":"2026-11-22T14:05:00.000Z","#
                + #""line":"L3","plant":"P100","reason":"blocked","start":"2026-11-22T14:03:10.250Z"},"#
                + #""id":"down/P100/L3/2026-11-22T14:03:10.250Z","occurred_at":"2026-11-22T14:05:00.000Z","type":"downtime"}"#
        )
        #expect(
            text(EventSamples.transfer) == #"{"data":{"from_location":"A-01-02","gtin":"04012345678901","#
                + #""kind":"transfer","lot":"L2026-11","plant":"P100","quantity":"12.5","#
                + #""raw_scan":"]C10104012345678901\u001d10L2026-11","station":"GI-02","to_location":"B-07","unit":"KG"},"#
                + #""id":"scan/GI-02/88412","occurred_at":"2026-11-22T14:15:02.125Z","type":"inventory_movement"}"#)
        #expect(
            text(EventSamples.tombstone) == #"{"data":{"original_id":"scan/GI-02/88413","original_seq":1207,"#
                + #""original_stream":"inventory","original_type":"inventory_movement","#
                + #""reason":"data.gtin: unknown GTIN 04012345678918 for plant P100"},"id":"dead/scan/GI-02/88413","#
                + #""occurred_at":"2026-11-22T14:15:09.000Z","type":"dead_lettered"}"#)
    }

    @Test(arguments: EventSamples.all)
    func canonicalBytesAreAFixedPoint(event: Event) throws {
        let bytes = event.canonicalJSON()
        // Hand-written key order equals the generic writer's sorted order.
        #expect(JSONWriter.encode(try JSONParser.parse(bytes)) == bytes)
        // Strict decoding gives the same event, which re-encodes to the same bytes.
        let decoded = try Event(canonicalJSON: bytes)
        #expect(decoded == event)
        #expect(decoded.canonicalJSON() == bytes)
        #expect(try Event(json: event.jsonValue) == event)
    }

    @Test func streamsFollowTheType() {
        #expect(EventSamples.confirmation.stream == "production")
        #expect(EventSamples.downtime.stream == "production")
        #expect(EventSamples.transfer.stream == "inventory")
        #expect(EventSamples.hold.stream == "quality")
        #expect(EventSamples.release.stream == "quality")
        #expect(EventSamples.tombstone.stream == "inventory")
        #expect(EventKind.deadLettered.defaultStream == nil)
        #expect(EventSamples.telemetry.stream == "telemetry")
        #expect(EventKind.telemetrySample.defaultStream == StreamName.telemetry)
        #expect(
            EventKind.allCases.map(\.rawValue) == [
                "production_confirmation", "downtime", "inventory_movement",
                "quality_hold", "quality_release", "dead_lettered", "telemetry_sample",
            ])
        #expect(StreamName.priority(of: StreamName.telemetry) < StreamName.priority(of: StreamName.inventory))
        // Every type but raw telemetry travels in a business stream, which is never shed first.
        for kind in EventKind.allCases where kind != .telemetrySample {
            #expect(kind.defaultStream.map { StreamName.priority(of: $0) } ?? 100 == 100, "\(kind)")
        }
    }

    @Test func fieldNameListsAreSortedByUTF8ForTheMergeWalk() {
        let lists = [
            Event.fieldNames, ProductionConfirmation.fieldNames, Downtime.fieldNames,
            InventoryMovement.fieldNames, QualityHold.fieldNames, DeadLetterTombstone.fieldNames,
            RawTelemetrySample.fieldNames, BatchRequest.fieldNames,
        ]
        for list in lists {
            #expect(list == list.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            #expect(Set(list).count == list.count)
        }
    }

    @Test func gs1CheckDigits() {
        #expect(GS1CheckDigit.isValidGTIN("04012345678901"))
        #expect(GS1CheckDigit.isValidGTIN("4006381333931"))
        #expect(!GS1CheckDigit.isValidGTIN("04012345678902"))
        #expect(!GS1CheckDigit.isValidGTIN("0401234567890A"))
        #expect(!GS1CheckDigit.isValidGTIN("401234567890"))
        #expect(GS1CheckDigit.isValidSSCC("340123450000000017"))
        #expect(!GS1CheckDigit.isValidSSCC("340123450000000018"))
        #expect(GS1CheckDigit.compute(for: Array("0401234567890".utf8)) == 1)
    }
}
