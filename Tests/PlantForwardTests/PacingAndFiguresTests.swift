import PlantJournal
import Testing

@testable import PlantForward

@Suite struct PacingAndFiguresTests {
    @Test func pacerLetsABurstThroughThenFollowsTheRate() {
        let pacer = CatchUpPacer(eventsPerSecond: 1_000, burst: .seconds(1))
        let now = ContinuousClock.now
        // 1,000 events (one second's worth) pass at once; then each 500 waits half a second more.
        #expect(pacer.reserve(500, now: now) == now)
        #expect(pacer.reserve(500, now: now) == now)
        #expect(pacer.reserve(500, now: now) == now + .milliseconds(500))
        #expect(pacer.reserve(500, now: now) == now + .seconds(1))
        // Idle time refills the allowance, never beyond one burst.
        let later = now + .seconds(10)
        #expect(pacer.reserve(1_000, now: later) == later)
        #expect(pacer.reserve(250, now: later) == later + .milliseconds(250))
    }

    @Test func drainRateAveragesOverTheLastMinute() {
        let origin = ContinuousClock.now
        var rate = DrainRate(origin: origin)
        rate.record(600, at: origin + .seconds(1))
        rate.record(600, at: origin + .seconds(2))
        #expect(rate.rate(at: origin + .seconds(4)) == 300)
        // A minute later the old buckets no longer count.
        rate.record(60, at: origin + .seconds(100))
        #expect(rate.rate(at: origin + .seconds(100)) == 1)
    }

    @Test func backlogFiguresFollowReadsAcksAndRefreshes() {
        let figures = BacklogFigures(stream: "s", from: nil)
        figures.journaled(through: 30)
        figures.read(first: 1, last: 10, journaledAt: 1_000)
        figures.read(first: 11, last: 20, journaledAt: 2_000)
        #expect(figures.snapshot == .init(lastSeq: 30, acknowledgedSeq: 0, oldestPendingJournaledAt: 1_000))
        #expect(figures.snapshot.oldestAgeSeconds(now: 6_500) == 5)
        figures.acknowledged(through: 10)
        #expect(figures.snapshot == .init(lastSeq: 30, acknowledgedSeq: 10, oldestPendingJournaledAt: 2_000))
        figures.acknowledged(through: 30)
        #expect(figures.snapshot.pending == 0)
        #expect(figures.snapshot.oldestAgeSeconds(now: 9_999) == nil)
    }
}
