import PlantModel
import Testing

@testable import PlantAggregate

@Suite struct AggregatorEventTests {
    @Test func confirmationsAndDowntimeBecomeCanonicalEvents() throws {
        var line = LineHarness(testLine(scale: DecimalNumber("0.25")!))
        line.order("WO-4711", at(0))
        line.send("op", .string("0010"), at(0))
        line.send("state", 1, at(0))
        line.send("good", 0, at(0))
        line.send("scrap", 0, at(0))
        line.send("good", 10, at(2))
        line.send("reason", .string("E42"), at(3))
        line.send("state", 3, at(4))
        line.order("WO-4712", at(5))
        line.send("good", 14, at(6))
        line.send("scrap", 2, at(6))
        line.send("state", 1, at(7, 30))
        line.shutdown(at(9))
        let events = line.outputs.events.map { String(decoding: $0.canonicalJSON(), as: UTF8.self) }
        #expect(
            events == [
                #"{"data":{"counter_reset":false,"downtime":{"E42":60},"final":true,"line":"L3","operation":"0010","#
                    + #""order":"WO-4711","plant":"P100","rework":"0","runtime_s":240,"scrap":"0","unit":"PCE","#
                    + #""window_end":"2026-11-23T06:15:00.000Z","window_start":"2026-11-23T06:00:00.000Z","#
                    + #""work_center":"WC-7","yield":"2.5"},"id":"conf/P100/L3/WO-4711/0010/2026-11-23T06:00:00.000Z","#
                    + #""occurred_at":"2026-11-23T06:05:00.000Z","type":"production_confirmation"}"#,
                #"{"data":{"duration_s":60,"end":"2026-11-23T06:05:00.000Z","line":"L3","plant":"P100","reason":"E42","#
                    + #""start":"2026-11-23T06:04:00.000Z"},"id":"down/P100/L3/2026-11-23T06:04:00.000Z","#
                    + #""occurred_at":"2026-11-23T06:05:00.000Z","type":"downtime"}"#,
                #"{"data":{"counter_reset":false,"downtime":{"E42":150},"final":false,"line":"L3","operation":"0010","#
                    + #""order":"WO-4712","part":2,"plant":"P100","rework":"0","runtime_s":90,"scrap":"0.5","unit":"PCE","#
                    + #""window_end":"2026-11-23T06:15:00.000Z","window_start":"2026-11-23T06:00:00.000Z","#
                    + #""work_center":"WC-7","yield":"1"},"id":"conf/P100/L3/WO-4712/0010/2026-11-23T06:00:00.000Z#2#p1","#
                    + #""occurred_at":"2026-11-23T06:09:00.000Z","type":"production_confirmation"}"#,
                #"{"data":{"duration_s":150,"end":"2026-11-23T06:07:30.000Z","line":"L3","plant":"P100","reason":"E42","#
                    + #""start":"2026-11-23T06:05:00.000Z"},"id":"down/P100/L3/2026-11-23T06:05:00.000Z","#
                    + #""occurred_at":"2026-11-23T06:07:30.000Z","type":"downtime"}"#,
            ])
        // Every event reads back as itself (the journal and the hub decode them strictly).
        for event in line.outputs.events {
            #expect(try Event(canonicalJSON: event.canonicalJSON()) == event)
        }
    }
}
