import PlantConfig
import PlantModel
import Synchronization
import Testing

@testable import PlantAgent

/// Issue 6 part 3: one line per happening, logfmt or JSON, levels, repeats rate-limited with a
/// count, nothing but what the caller passed (no secrets are added by the logger).
@Suite("AgentLogger")
struct AgentLoggerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    final class Clock: Sendable {
        let now = Mutex<Int64>(1_795_000_000_000)
        func advance(_ milliseconds: Int64) { now.withLock { $0 += milliseconds } }
        var value: Int64 { now.withLock { $0 } }
    }

    func logger(_ format: LogSettings.Format, level: LogSettings.Level = .info) -> (AgentLogger, Lines, Clock) {
        let lines = Lines()
        let clock = Clock()
        let logger = AgentLogger(
            settings: LogSettings(format: format, level: level), repeatWindow: .seconds(10),
            write: { lines.append($0) }, clock: { clock.value })
        return (logger, lines, clock)
    }

    @Test func logfmtIsOneLineWithQuotedValues() {
        let (logger, lines, _) = logger(.logfmt)
        logger.warning("input", "bad input quarantined", [("input", "drops"), ("reason", "quantity \"zwei\"\nline 2")])
        #expect(
            lines.all == [
                #"ts=2026-11-18T11:06:40.000Z level=warning component=input msg="bad input quarantined" "#
                    + #"input=drops reason="quantity \"zwei\"\nline 2""#
            ])
        #expect(!lines.all[0].contains("\n"))
    }

    @Test func jsonIsOneObjectPerLine() throws {
        let (logger, lines, _) = logger(.json)
        logger.error("forwarder", "authentication failed", [("stream", "production")])
        #expect(
            lines.all == [
                #"{"component":"forwarder","level":"error","msg":"authentication failed","stream":"production","#
                    + #""ts":"2026-11-18T11:06:40.000Z"}"#
            ])
        let parsed = try JSONParser.parse(Array(lines.all[0].utf8))
        #expect(parsed.objectValue?["level"]?.stringValue == "error")
    }

    @Test func levelsBelowTheMinimumAreDropped() {
        let (logger, lines, _) = logger(.logfmt, level: .warning)
        logger.log(.debug, "a", "debug line")
        logger.info("a", "info line")
        logger.warning("a", "warning line")
        logger.error("a", "error line")
        #expect(lines.all.map { $0.components(separatedBy: " msg=")[1] } == [#""warning line""#, #""error line""#])
    }

    @Test func repeatsAreCountedAndReportedWithTheNextLine() {
        let (logger, lines, clock) = logger(.logfmt)
        for _ in 0..<5 {
            logger.error("forwarder", "hub unreachable", [("error", "connection refused")])
            clock.advance(1_000)
        }
        logger.error("forwarder", "another message")
        #expect(lines.all.count == 2)
        clock.advance(10_000)
        logger.error("forwarder", "hub unreachable", [("error", "connection refused")])
        #expect(lines.all.count == 3)
        #expect(lines.all[2].hasSuffix(#"msg="hub unreachable" error="connection refused" repeated=4"#))
    }

    /// Secrets never reach the logger: an agent run with a token logs neither the token nor the
    /// token file's content (checked end to end in OperationsTests); here: the logger writes
    /// exactly the fields given, nothing from the environment.
    @Test func writesOnlyTheFieldsGiven() {
        let (logger, lines, _) = logger(.logfmt)
        logger.info("agent", "running", [("plant", "P100")])
        #expect(lines.all == ["ts=2026-11-18T11:06:40.000Z level=info component=agent msg=running plant=P100"])
    }
}
