import PlantConfig
import PlantModel
import Testing

@testable import PlantAggregate

@Suite struct LineConfigurationDecodingTests {
    static func decode(_ text: String) -> Result<[LineConfiguration], ConfigErrors> {
        ConfigMap.decode(text: text, file: "agent.yaml", environment: ["WC": "WC-4711"]) {
            LineConfiguration.decodeList($0)
        }
    }

    /// The problems, one line each; [] when decoding succeeded.
    static func problems(_ text: String) -> [String] {
        switch decode(text) {
        case .success: return []
        case .failure(let errors): return errors.errors.map(\.description)
        }
    }

    @Test func theReadmeExampleDecodesToEverySetting() throws {
        let text = """
            lines:
              - line: L3
                work_center: ${WC}
                unit: PCE
                counters:
                  good: PLC1.L3.Good
                  total: PLC1.L3.Total
                  rework: PLC1.L3.Rework
                  width: 16
                  scale: 0.5
                  max_rollover_step: 2000
                state:
                  tag: PLC1.L3.State
                  values:
                    "1": running
                    "2": idle
                    "3": down
                  reason_tag: PLC1.L3.StopReason
                order:
                  tag: PLC1.L3.Order
                  operation_tag: PLC1.L3.Operation
                window: 15m
                time_zone: Europe/Berlin
                shifts: ["06:00", "14:00", "22:00"]
                lateness: 30s
                gap_after: 5m
              - line: L4
                work_center: WC-9
                counters:
                  good: L4.Good
                order:
                  fixed: WO-STANDING
                  operation: "0010"
            """
        let lines = try Self.decode(text).get()
        #expect(lines.count == 2)
        #expect(
            lines[0]
                == LineConfiguration(
                    line: "L3", workCenter: "WC-4711", unit: "PCE", goodCounterTag: "PLC1.L3.Good",
                    scrap: .totalMinusGood(totalTag: "PLC1.L3.Total"), reworkCounterTag: "PLC1.L3.Rework",
                    counterWidth: .bits16, counterScale: DecimalNumber("0.5")!, maxRolloverStep: 2000,
                    machineState: MachineStateSource(
                        tag: "PLC1.L3.State", values: ["1": .running, "2": .idle, "3": .down],
                        reasonTag: "PLC1.L3.StopReason"),
                    order: .tags(orderTag: "PLC1.L3.Order", operationTag: "PLC1.L3.Operation"),
                    windowMilliseconds: 900_000, timeZone: .named("Europe/Berlin"), shiftStarts: [360, 840, 1320],
                    latenessMilliseconds: 30_000, gapMilliseconds: 300_000))
        #expect(
            lines[1]
                == LineConfiguration(
                    line: "L4", workCenter: "WC-9", goodCounterTag: "L4.Good",
                    order: .fixed(order: "WO-STANDING", operation: "0010")))
    }

    @Test func everyProblemIsReportedWithItsPlaceAndPath() {
        let text = """
            lines:
              - line: L3
                work_center: WC-1
                counters:
                  good: T1
                  scrap: T2
                  total: T3
                  width: 24
                  scale: -1
                state:
                  tag: T1
                  values:
                    "1": runing
                order:
                  fixed: WO-1
                  tag: T9
                window: 7m
                time_zone: Mars/Olympus
                shifts: ["6:00"]
                colour: red
              - line: L3
                work_center: WC-2
                counters:
                  good: X
                order:
                  fixed: WO-2
            """
        let expected: [String] = [
            "agent.yaml:7:14: lines[0].counters.total: give either \"scrap\" or \"total\" (scrap = total - good), not both",
            "agent.yaml:8:14: lines[0].counters.width: expected 16, 32 or 64, found \"24\"",
            "agent.yaml:9:14: lines[0].counters.scale: expected a positive decimal like 1 or 0.25, found \"-1\"",
            "agent.yaml:13:14: lines[0].state.values.1: expected one of running, idle, down, found \"runing\"; did you "
                + "mean \"running\"?",
            "agent.yaml:15:14: lines[0].order.fixed: give either \"tag\" (the order comes from the line) or \"fixed\", not both",
            "agent.yaml:17:13: lines[0].window: expected a window that divides a day (e.g. 5m, 15m, 1h, 8h), so windows "
                + "align to midnight",
            "agent.yaml:18:16: lines[0].time_zone: expected UTC, an offset like +01:00, or a time zone name like "
                + "Europe/Berlin, found \"Mars/Olympus\"",
            "agent.yaml:19:14: lines[0].shifts[0]: expected a time of day like \"06:00\", found \"6:00\"",
            "agent.yaml:20:5: lines[0].colour: unknown key \"colour\"; valid keys: line, work_center, unit, counters, "
                + "state, order, window, time_zone, shifts, lateness, gap_after",
            "agent.yaml:21:11: lines[1].line: line \"L3\" is configured twice; line ids must be unique",
        ]
        #expect(Self.problems(text) == expected)
    }

    @Test func aTagWithTwoMeaningsIsRefused() {
        let text = """
            lines:
              - line: L1
                work_center: WC
                counters:
                  good: T1
                state:
                  tag: T1
                  values:
                    "1": running
                order:
                  fixed: WO-1
            """
        let expected: [String] = [
            "agent.yaml:2:5: lines[0]: tag \"T1\" is used as both counters.good and state.tag; each tag has one meaning"
        ]
        #expect(Self.problems(text) == expected)
    }
}
