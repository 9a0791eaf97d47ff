import Testing

@testable import PlantForward

@Suite struct RetryBackoffTests {
    @Test func ceilingDoublesFromBaseUpToTheCap() {
        var backoff = RetryBackoff(base: .milliseconds(250), cap: .seconds(2))
        var ceilings: [Duration] = []
        for _ in 0..<6 {
            ceilings.append(backoff.ceiling)
            _ = backoff.nextDelay(unit: 0.5)
        }
        #expect(
            ceilings == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(2), .seconds(2)])
        #expect(backoff.failures == 6)
    }

    @Test func delayIsTheRandomShareOfTheCeiling() {
        var backoff = RetryBackoff(base: .milliseconds(100), cap: .seconds(30))
        #expect(backoff.nextDelay(unit: 0.0) == .zero)
        #expect(backoff.nextDelay(unit: 0.25) == .milliseconds(50))
        #expect(backoff.nextDelay(unit: 0.5) == .milliseconds(200))
        #expect(backoff.nextDelay(unit: 0.75) == .milliseconds(600))
    }

    @Test func resetStartsAgainFromBase() {
        var backoff = RetryBackoff(base: .milliseconds(100), cap: .seconds(30))
        for _ in 0..<5 { _ = backoff.nextDelay(unit: 1) }
        backoff.reset()
        #expect(backoff.failures == 0)
        #expect(backoff.nextDelay(unit: 1) == .milliseconds(100))
    }

    @Test func manyFailuresNeverOverflowPastTheCap() {
        var backoff = RetryBackoff(base: .seconds(1), cap: .seconds(60))
        for _ in 0..<200 { _ = backoff.nextDelay(unit: 0.5) }
        #expect(backoff.ceiling == .seconds(60))
        #expect(backoff.nextDelay(unit: 1) == .seconds(60))
    }

    @Test func retryAfterAcceptsDelaySecondsOnly() {
        #expect(parseRetryAfter("1") == .seconds(1))
        #expect(parseRetryAfter(" 120 ") == .seconds(120))
        #expect(parseRetryAfter("0") == .zero)
        #expect(parseRetryAfter(nil) == nil)
        #expect(parseRetryAfter("") == nil)
        #expect(parseRetryAfter("-1") == nil)
        #expect(parseRetryAfter("1.5") == nil)
        #expect(parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT") == nil)
        #expect(parseRetryAfter("9999999999") == nil)
    }
}
