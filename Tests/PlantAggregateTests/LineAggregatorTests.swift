import PlantModel
import Testing

@testable import PlantAggregate

@Suite struct LineAggregatorTests {
    @Test func windowCloseEmitsTheWindowsCountsAndRuntime() {
        var line = LineHarness()
        line.order("WO-1", at(0))
        line.send("op", .string("0010"), at(0))
        line.send("state", 1, at(0))
        line.send("good", 100, at(0, 1))
        line.send("scrap", 5, at(0, 1))
        line.send("good", 110, at(5))
        line.send("good", 130, at(14))
        line.send("scrap", 7, at(14))
        #expect(line.outputs.isEmpty)
        line.send("good", 135, at(16))
        #expect(
            line.confirmations.map(\.summary) == [
                "conf/P100/L3/WO-1/0010/2026-11-23T06:00:00.000Z 06:00:00-06:15:00 good=30 scrap=2 rework=0 PCE"
                    + " run=900s idle=0s down=0s"
            ])
        let confirmation = line.confirmations[0]
        #expect(confirmation.windowEnd == at(15))
        #expect(confirmation.workCenter == "WC-7")
        #expect(confirmation.final)
        #expect(line.outputs.count == 1)
    }

    @Test func orderChangesSplitTheWindowIntoNumberedParts() {
        var line = LineHarness()
        line.order("WO-1", at(0))
        line.send("good", 0, at(0))
        line.send("good", 10, at(5))
        line.order("WO-2", at(7))
        line.send("good", 25, at(10))
        line.order("WO-1", at(12))
        line.send("good", 27, at(13))
        line.tick(at(15, 9))
        #expect(line.confirmations.count == 2)
        line.tick(at(15, 10))
        #expect(
            line.confirmations.map(\.summary) == [
                "conf/P100/L3/WO-1/-/2026-11-23T06:00:00.000Z 06:00:00-06:07:00 good=10 scrap=0 rework=0 PCE"
                    + " run=0s idle=0s down=0s",
                "conf/P100/L3/WO-2/-/2026-11-23T06:00:00.000Z#2 06:07:00-06:12:00 good=15 scrap=0 rework=0 PCE"
                    + " run=0s idle=0s down=0s",
                "conf/P100/L3/WO-1/-/2026-11-23T06:00:00.000Z#3 06:12:00-06:15:00 good=2 scrap=0 rework=0 PCE"
                    + " run=0s idle=0s down=0s",
            ])
    }

    @Test func aDropThatIsNoRolloverIsAResetFlaggedAndLogged() {
        var line = LineHarness()
        line.order("WO-1", at(0))
        line.send("good", 1000, at(1))
        line.send("good", 1100, at(2))
        let emitted = line.send("good", 5, at(3))
        #expect(emitted == [.note(.counterReset(line: "L3", tag: "good", from: 1100, to: 5, at: at(3)))])
        #expect(
            line.notes[0].description
                == "line L3: counter good reset at 2026-11-23T06:03:00.000Z (from 1100 to 5); counting resumes from 5")
        line.send("good", 15, at(4))
        line.tick(at(20))
        #expect(line.confirmations.map(\.good) == [DecimalNumber(110)])
        #expect(line.confirmations[0].counterResetTags == ["good"])
    }

    @Test(arguments: [(CounterWidth.bits16, UInt64(65_530)), (.bits32, 4_294_967_290), (.bits64, UInt64.max - 5)])
    func rolloverAtEachWidthCountsTheWrappedStep(width: CounterWidth, top: UInt64) {
        var line = LineHarness(testLine(width: width))
        line.order("WO-1", at(0))
        // 64-bit registers arrive as signed 64-bit numbers: the bit pattern is the counter.
        line.send("good", Int64(bitPattern: width == .bits64 ? top : top), at(1))
        line.send("good", 4, at(2))
        line.tick(at(20))
        #expect(line.confirmations.map(\.good) == [DecimalNumber(10)])
        #expect(!line.confirmations[0].counterReset)
    }

    @Test func rejectedSamplesAreExcludedCountedAndReportedPerWindow() {
        var line = LineHarness()
        line.order("WO-1", at(0))
        line.send("good", 10, at(1))
        line.send("good", 500, at(2), quality: .bad)
        line.send("good", 400, at(2), quality: .uncertain)
        line.send("good", 12, at(3))
        line.send("good", 12, at(3))  // duplicate
        line.send("good", 11, at(2))  // older than the last accepted
        line.send("good", 13, at(3))  // same time, another value
        line.send("good", .number(DecimalNumber("14.5")!), at(4))  // not a counter value
        line.send("state", 9, at(4))  // not in the value map
        line.tick(at(20))
        var expected = ExclusionCounts()
        expected.bad = 1
        expected.uncertain = 1
        expected.duplicates = 1
        expected.outOfOrder = 2
        expected.invalid = 2
        #expect(line.notes == [.samplesExcluded(line: "L3", windowStart: at(0), counts: expected)])
        #expect(line.confirmations.map(\.good) == [DecimalNumber(2)])
        #expect(
            line.notes[0].description == "line L3: samples excluded in window 2026-11-23T06:00:00.000Z: bad 1, "
                + "uncertain 1, out of order 2, duplicates 1, invalid 2")
    }

    @Test func productionDuringAGapLandsInTheFirstWindowAfterItFlagged() {
        var line = LineHarness()
        line.order("WO-1", at(0))
        line.send("good", 10, at(1))
        line.send("good", 12, at(2))
        line.tick(at(16))
        line.tick(at(35))
        line.send("good", 50, at(40))
        line.tick(at(46))
        #expect(
            line.confirmations.map(\.summary) == [
                "conf/P100/L3/WO-1/-/2026-11-23T06:00:00.000Z 06:00:00-06:15:00 good=2 scrap=0 rework=0 PCE"
                    + " run=0s idle=0s down=0s",
                "conf/P100/L3/WO-1/-/2026-11-23T06:30:00.000Z 06:30:00-06:45:00 good=38 scrap=0 rework=0 PCE"
                    + " run=0s idle=0s down=0s gap=2280s",
            ])
    }

    @Test func stateTimeIsSplitExactlyAtWindowEdgesWithDowntimeByReason() {
        var line = LineHarness()
        line.order("WO-1", at(0))
        line.send("state", 1, at(0))
        line.send("good", 0, at(0))
        line.send("good", 5, at(5))
        line.send("reason", .string("E42"), at(9, 59))
        line.send("state", 3, at(10))
        line.send("reason", .string("E17"), at(12))
        line.send("state", 1, at(20))
        line.send("good", 8, at(25))
        line.tick(at(31))
        #expect(
            line.confirmations.map(\.summary) == [
                "conf/P100/L3/WO-1/-/2026-11-23T06:00:00.000Z 06:00:00-06:15:00 good=5 scrap=0 rework=0 PCE"
                    + " run=600s idle=0s down=300s reasons=E17:180s,E42:120s",
                "conf/P100/L3/WO-1/-/2026-11-23T06:15:00.000Z 06:15:00-06:30:00 good=3 scrap=0 rework=0 PCE"
                    + " run=600s idle=0s down=300s reasons=E17:300s",
            ])
        #expect(
            line.downtime.map(\.summary) == [
                "down/P100/L3/2026-11-23T06:10:00.000Z WO-1 E42 120s",
                "down/P100/L3/2026-11-23T06:12:00.000Z WO-1 E17 180s",
                "down/P100/L3/2026-11-23T06:15:00.000Z WO-1 E17 300s",
            ])
    }

    @Test func aDownMachineReportsDowntimeInEveryWindowButNoConfirmation() {
        var line = LineHarness()
        line.order("WO-1", at(0))
        line.send("state", 3, at(0))
        line.tick(at(50))
        #expect(line.confirmations.isEmpty)
        #expect(
            line.downtime.map(\.summary) == [
                "down/P100/L3/2026-11-23T06:00:00.000Z WO-1 unspecified 900s",
                "down/P100/L3/2026-11-23T06:15:00.000Z WO-1 unspecified 900s",
                "down/P100/L3/2026-11-23T06:30:00.000Z WO-1 unspecified 900s",
            ])
    }

    @Test func windowsWithoutProductionOrStateChangeEmitNothing() {
        var line = LineHarness()
        line.order("WO-1", at(0))
        line.send("state", 1, at(0))
        line.send("good", 5, at(0))
        line.send("good", 5, at(10))
        line.send("state", 1, at(11))
        line.tick(at(20))
        line.tick(at(200))
        #expect(line.outputs.isEmpty)
    }

    @Test func shutdownEmitsAPartialAndTheRestartContinuesWithoutDoubleCounting() throws {
        var line = LineHarness()
        line.order("WO-1", at(0))
        line.send("state", 1, at(0))
        line.send("good", 0, at(0))
        line.send("good", 10, at(5))
        line.shutdown(at(6))
        let bytes = line.aggregator.state.encoded()

        var restarted = LineHarness(state: try AggregatorState(decoding: bytes))
        restarted.send("good", 10, at(5))  // the feed sends its last value again
        restarted.send("state", 1, at(0))
        restarted.send("good", 25, at(8))
        restarted.tick(at(15, 10))
        restarted.send("good", 30, at(17))
        restarted.shutdown(at(20))
        #expect(
            (line.confirmations + restarted.confirmations).map(\.summary) == [
                "conf/P100/L3/WO-1/-/2026-11-23T06:00:00.000Z#p1 06:00:00-06:06:00 good=10 scrap=0 rework=0 PCE"
                    + " run=360s idle=0s down=0s partial",
                // 06:06–06:08 the agent was down: that time is booked to no state.
                "conf/P100/L3/WO-1/-/2026-11-23T06:00:00.000Z 06:06:00-06:15:00 good=15 scrap=0 rework=0 PCE"
                    + " run=420s idle=0s down=0s",
                "conf/P100/L3/WO-1/-/2026-11-23T06:15:00.000Z#p1 06:15:00-06:20:00 good=5 scrap=0 rework=0 PCE"
                    + " run=300s idle=0s down=0s partial",
            ])
        var excluded = ExclusionCounts()
        excluded.duplicates = 2
        #expect(restarted.notes == [.samplesExcluded(line: "L3", windowStart: at(0), counts: excluded)])
    }

    @Test func scrapFromTotalMinusGoodCarriesANegativeDifferenceAndScales() {
        var line = LineHarness(testLine(scale: DecimalNumber("0.5")!, scrap: .totalMinusGood(totalTag: "total")))
        line.order("WO-1", at(0))
        line.send("total", 0, at(0))
        line.send("good", 0, at(0))
        line.send("good", 10, at(14))
        line.send("total", 12, at(15, 1))
        line.send("good", 11, at(16))
        line.tick(at(31))
        #expect(line.confirmations.map { "\($0.good) \($0.scrap)" } == ["5 0", "0.5 0.5"])
    }

    @Test func shiftStartsCutWindows() {
        var line = LineHarness(testLine(shifts: [367, 1320]))
        line.order("WO-1", at(0))
        line.send("good", 0, at(0))
        line.send("good", 1, at(6))
        line.send("good", 3, at(8))
        line.tick(at(16))
        #expect(
            line.confirmations.map(\.id.rawValue) == [
                "conf/P100/L3/WO-1/-/2026-11-23T06:00:00.000Z", "conf/P100/L3/WO-1/-/2026-11-23T06:07:00.000Z",
            ])
        #expect(line.confirmations.map(\.windowEnd) == [at(7), at(15)])
    }

    @Test func ticksHonourTheLatenessAllowanceAndLateSamplesLandInTheOpenWindow() {
        var line = LineHarness(testLine(lateness: 30_000))
        line.order("WO-1", at(0))
        line.send("good", 0, at(0))
        line.send("good", 4, at(14))
        line.send("state", 1, at(15, 5))  // another tag moves on: the window closes
        #expect(line.confirmations.count == 1)
        line.send("good", 6, at(14, 59))  // late for its window: counted in the open one
        line.tick(at(30, 29))
        #expect(line.confirmations.count == 1)
        line.tick(at(30, 30))
        #expect(line.confirmations.map(\.good) == [DecimalNumber(4), DecimalNumber(2)])
        #expect(line.confirmations.map(\.windowStart) == [at(0), at(15)])
    }

    /// A kill loses what the process had not committed; after the restart an order change can arrive
    /// before the counters: their next increase may hold units of the old order. It is booked to the new
    /// order, flagged, and the totals stay exact.
    @Test func anIncreaseFromACheckpointedReadingAcrossAnOrderChangeIsFlagged() throws {
        var line = LineHarness()
        line.order("WO-1", at(0))
        line.send("good", 0, at(0))
        line.send("good", 10, at(2))
        let checkpoint = try AggregatorState(decoding: line.aggregator.state.encoded())

        var restarted = LineHarness(state: checkpoint)
        restarted.order("WO-2", at(5))  // the gateway's current values on reconnect: the order first
        restarted.send("good", 40, at(6))
        restarted.send("good", 45, at(7))
        restarted.tick(at(15, 10))
        let confirmations = line.confirmations + restarted.confirmations
        #expect(confirmations.map(\.order) == ["WO-1", "WO-2"])
        #expect(confirmations.map(\.good) == [DecimalNumber(10), DecimalNumber(35)])
        #expect(confirmations.map(\.gapMilliseconds) == [0, minutes(4)])
    }

    @Test func anOrderChangeSeenLiveIsNotFlagged() throws {
        var line = LineHarness()
        line.order("WO-1", at(0))
        line.send("good", 0, at(0))
        line.send("good", 10, at(2))
        line.order("WO-2", at(5))
        line.send("good", 40, at(6))
        line.tick(at(15, 10))
        #expect(line.confirmations.map(\.gapMilliseconds) == [0, 0])

        // After a restart, a counter that reports before any order change bridges no order change either.
        var restarted = LineHarness(state: try AggregatorState(decoding: line.aggregator.state.encoded()))
        restarted.send("good", 50, at(16))
        restarted.order("WO-3", at(17))
        restarted.send("good", 55, at(18))
        restarted.tick(at(30, 10))
        #expect(restarted.confirmations.map(\.gapMilliseconds) == [0, 0])
        #expect(restarted.confirmations.map(\.good) == [DecimalNumber(10), DecimalNumber(5)])
    }
}
