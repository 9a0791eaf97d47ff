import PlantModel
import Testing

@testable import PlantAggregate

@Suite struct AggregatorStateTests {
    /// A state with every field in use: tracks of each value kind, a down machine with a reason, an
    /// order, a pending reset and gap, a scrap carry, exclusions and an open part with downtime.
    static func busyState() -> AggregatorState {
        var line = LineHarness(testLine(scrap: .totalMinusGood(totalTag: "scrap")))
        line.order("WO-1", at(0))
        line.send("op", .string("0010"), at(0))
        line.send("state", .bool(true), at(0))
        line.send("good", 100, at(0))
        line.send("good", 10, at(1))  // reset
        line.send("good", 30, at(40))  // gap
        line.send("scrap", 0, at(41))
        line.send("good", 40, at(44))
        line.send("good", 3, at(44, 1), quality: .bad)
        line.send("reason", .number(DecimalNumber("-12.5")!), at(44, 30))
        line.send("state", 3, at(44, 40))
        line.send("state", 1, at(44, 50))
        var state = line.aggregator.state
        state.scrapCarry = -7
        return state
    }

    @Test func encodingRoundTripsEveryField() throws {
        let state = Self.busyState()
        #expect(state.part?.downtime.isEmpty == false)
        #expect(state.pendingResetTags == ["good"])
        let bytes = state.encoded()
        #expect(Array(bytes.prefix(5)) == Array("PSAG".utf8) + [1])
        #expect(try AggregatorState(decoding: bytes) == state)
        #expect(bytes.count < 300)
        #expect(try AggregatorState(decoding: AggregatorState().encoded()) == AggregatorState())
    }

    @Test func damagedBytesAreRefusedWithThePlace() throws {
        let bytes = Self.busyState().encoded()
        #expect(throws: AggregatorStateError.notACheckpoint) { try AggregatorState(decoding: Array("XXXX".utf8) + [1]) }
        #expect(throws: AggregatorStateError.unsupportedVersion(2)) {
            try AggregatorState(decoding: Array(bytes.prefix(4)) + [2] + bytes.dropFirst(5))
        }
        #expect(throws: AggregatorStateError.invalid(offset: bytes.count, expected: "the end of the checkpoint")) {
            try AggregatorState(decoding: bytes + [0])
        }
        #expect(
            AggregatorStateError.truncated(offset: 9).description == "aggregator checkpoint: truncated at byte 9")
        // Every shorter prefix fails cleanly (no trap, no half state).
        for length in 0..<bytes.count {
            #expect(throws: AggregatorStateError.self) { try AggregatorState(decoding: Array(bytes.prefix(length))) }
        }
    }
}
