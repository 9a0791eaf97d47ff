import PlantModel
import Testing

@testable import PlantCapture

@Suite("TelemetryFeed tag filter, raw stream filter, backoff")
struct TelemetryFeedTagFilterTests {
    typealias Support = TelemetryFeedTestSupport

    @Test(arguments: [
        ("*", "anything.at.all", true),
        ("*", "", true),
        ("Channel1.Line3.*", "Channel1.Line3.Press.GoodCount", true),
        ("Channel1.Line3.*", "Channel1.Line30.Press", false),
        ("*.GoodCount", "L3.Press.GoodCount", true),
        ("*.GoodCount", "L3.Press.GoodCount2", false),
        ("Press??.State", "Press01.State", true),
        ("Press??.State", "Press1.State", false),
        ("a*b*c", "aXXbYYbZZc", true),
        ("a*b*c", "aXXbYYbZZ", false),
        ("Füller.?", "Füller.ä", true),
        ("exact", "exact", true),
        ("exact", "exactly", false),
        ("**x", "yyx", true),
    ])
    func globs(_ pattern: String, _ id: String, _ matches: Bool) {
        #expect(TagPattern(pattern).matches(id) == matches)
    }

    @Test func includeThenExcludeThenRename() {
        let filter = TagFilter(
            include: [TagPattern("L3.*"), TagPattern("L4.Press.*")], exclude: [TagPattern("*.Debug*")],
            rename: ["L3.Press.GoodCount": "line3.good", "L9.Other": "never"])
        #expect(filter.route("L3.Press.GoodCount") == "line3.good")
        #expect(filter.route("L3.Press.Speed") == "L3.Press.Speed")
        #expect(filter.route("L4.Press.Speed") == "L4.Press.Speed")
        #expect(filter.route("L4.Oven.Temp") == nil)
        #expect(filter.route("L3.Press.DebugCounter") == nil)
        #expect(filter.route("L9.Other") == nil)
    }

    @Test func noIncludeMeansEverythingButTheExcluded() {
        let filter = TagFilter(exclude: [TagPattern("_System.*")])
        #expect(filter.route("L3.A") == "L3.A")
        #expect(filter.route("_System._Time") == nil)
    }

    @Test func routerRemembersDecisionsWithinItsCapacity() {
        var router = TagRouter(filter: TagFilter(exclude: [TagPattern("x*")], rename: ["a": "A"]), capacity: 2)
        #expect(router.route("a") == "A")
        #expect(router.route("x1") == nil)
        #expect(router.route("b") == "b")  // over capacity: starts over, still right
        #expect(router.route("a") == "A")
        #expect(router.route("x1") == nil)
    }

    // MARK: - Raw stream

    @Test func rawFilterDeadbandAndMinimumInterval() {
        var filter = RawTelemetryFilter(
            settings: RawTelemetrySettings(enabled: true, deadband: DecimalNumber("0.5")!, minInterval: .seconds(1)))
        let kept = [
            ("T", "10", 0),  // first: kept
            ("T", "10.4", 2000),  // below deadband
            ("T", "10.5", 2500),  // moved 0.5 after 2.5 s: kept
            ("T", "20", 3000),  // moved a lot but only 0.5 s later
            ("T", "10.7", 9000),  // 6.5 s later but moved only 0.2 from the last kept (10.5)
            ("T", "9.9", 9100),  // moved 0.6 from the last kept: kept
            ("U", "1", 9100),  // another tag: its own first
        ].map { tag, value, ms in filter.keep(Support.sample(tag, Support.number(value), at: Int64(ms))) }
        #expect(kept == [true, false, true, false, false, true, true])
    }

    @Test func rawFilterKeepsQualityChangesAndNonNumericChanges() {
        var filter = RawTelemetryFilter(
            settings: RawTelemetrySettings(enabled: true, deadband: DecimalNumber("100")!, minInterval: .seconds(10)))
        let kept = [
            Support.sample("T", Support.number("1"), at: 0),
            Support.sample("T", Support.number("1"), .bad, at: 1),  // quality changed
            Support.sample("T", Support.number("1"), .bad, at: 2),
            Support.sample("S", .string("run"), at: 0),
            Support.sample("S", .string("stop"), at: 5000),  // inside the minimum interval
            Support.sample("S", .string("run"), at: 20_000),  // same as the last kept
            Support.sample("S", .string("stop"), at: 20_001),
        ].map { filter.keep($0) }
        #expect(kept == [true, true, false, true, false, false, true])
    }

    @Test func rawFilterNeverKeepsTwoSamplesOfATagAtOneSourceInstant() {
        // The event id is made of the tag and the source time: a second sample at the same instant (a quality
        // change stamped like the value before it, or any change with min_interval 0s) would be a duplicate.
        var filter = RawTelemetryFilter(
            settings: RawTelemetrySettings(enabled: true, deadband: .zero, minInterval: .zero))
        let kept = [
            Support.sample("T", Support.number("1"), at: 1000),
            Support.sample("T", Support.number("1"), .bad, at: 1000),  // same instant: not kept
            Support.sample("T", Support.number("2"), at: 1000),  // same instant: not kept
            Support.sample("T", Support.number("2"), .bad, at: 1001),  // quality changed a moment later
            Support.sample("T", Support.number("3"), .bad, at: 1001),
            Support.sample("T", Support.number("3"), .bad, at: 1002),  // moved (deadband 0, no minimum interval)
            Support.sample("U", Support.number("3"), at: 1000),  // another tag at that instant: its own first
        ].map { filter.keep($0) }
        #expect(kept == [true, false, false, true, false, true, true])
    }

    @Test func rawStreamIsOffByDefault() {
        let settings = RawTelemetrySettings()
        #expect(!settings.enabled)
        #expect(settings.deadband == DecimalNumber("0.5")!)
        #expect(settings.minInterval == .seconds(1))
    }

    // MARK: - Backoff

    @Test func backoffDoublesUpToTheCapWithEqualJitter() {
        var backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(10))
        let upper = (0..<6).map { _ in backoff.nextDelay { 1 } }
        #expect(upper == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        backoff.reset()
        let lower = (0..<3).map { _ in backoff.nextDelay { 0 } }
        #expect(lower == [.milliseconds(500), .seconds(1), .seconds(2)])
        var random = Support.SplitMix(seed: 3)
        backoff.reset()
        for _ in 0..<4 { _ = backoff.nextDelay() }
        for _ in 0..<100 {
            let delay = backoff.nextDelay { Double.random(in: 0...1, using: &random) }
            #expect(delay >= .seconds(5) && delay <= .seconds(10))
        }
    }
}
