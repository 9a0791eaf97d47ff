import PlantJournal
import PlantModel
import Testing

@testable import PlantAgent

@Suite("Agent state record and status text")
struct AgentStatusTests {
    @Test func theRecordRoundTrips() throws {
        let record = try #require(StatusFixtures.status().state)
        let decoded = try #require(AgentStateRecord(encoded: record.encoded))
        #expect(decoded == record)
    }

    @Test func unknownKeysAreIgnoredAndMissingOnesDefault() throws {
        let bytes = Array(
            #"{"v":2,"plant":"P100","hub":{"url":"https://h/","reachability":"reachable","new":1},"x":[]}"#.utf8)
        let record = try #require(AgentStateRecord(encoded: bytes))
        #expect(record.plant == "P100")
        #expect(record.hub.reachability == "reachable")
        #expect(record.inputs.isEmpty && record.disk == nil && record.journalHealth == "ok")
        #expect(AgentStateRecord(encoded: Array("[]".utf8)) == nil)
        #expect(AgentStateRecord(encoded: Array("{\"plant\":\"P\"}".utf8)) == nil)
    }

    @Test func theTextShowsHubInputsAndETA() {
        let text = StatusFixtures.status(source: .journal).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "plant P100: agent running (pid 4242); its state as of 12s ago (2026-11-18T11:06:28.000Z)")
        #expect(
            lines[1]
                == "hub https://hub.example:8443/: auth failure since 2m00s ago (2026-11-18T11:04:40.000Z) — hub refused the token (401)"
        )
        #expect(lines[2] == "  last error 20s ago (2026-11-18T11:06:20.000Z): hub refused the token (401)")
        #expect(lines[4].hasPrefix("STREAM      PENDING  BYTES    OLDEST  LAST SEQ  ACKED  ACKED AT  "))
        #expect(
            lines[5].hasPrefix(
                "inventory   20       8.0 KiB  1m30s   120       100    1m05s ago (2026-11-18T11:05:35.000Z)"))
        #expect(lines[5].hasSuffix("auth failure  0        never  1"))
        #expect(lines[6].hasSuffix("ok            2.5      0s     0"))
        #expect(lines[8].hasPrefix("INPUT       TYPE           CONNECTION  LAST DATA"))
        #expect(lines[10].contains("dock<1>     scanner_tcp    connecting  never"))
        #expect(lines[10].hasSuffix("3s ago (2026-11-18T11:06:37.000Z): connection refused"))
        #expect(
            lines.contains(
                "disk: journal uses 12.0 MiB of its 4.0 GiB budget; 20.0 GiB free on its file system (reserve 256.0 MiB)"
            ))
        #expect(lines.contains("dead letters: 1 (plantsync dead-letters list)   quarantined inputs: 2"))
    }

    @Test func aStoppedAgentSaysWhen() {
        var status = StatusFixtures.status(source: .journal)
        status.running = .nobody
        status.state?.stopped = true
        #expect(status.text.hasPrefix("plant P100: agent not running (stopped 12s ago (2026-11-18T11:06:28.000Z))\n"))
        status.state?.stopped = false
        #expect(status.text.contains("it did not stop cleanly"))
        status.state = nil
        #expect(status.text.hasPrefix("agent not running\nhub: unknown (no agent has run with this journal yet)\n"))
    }

    @Test func etaIsPendingOverDrainRate() {
        var row = StatusFixtures.status().streams[0]
        row.forwarding?.drainRate = 3
        #expect(row.etaSeconds == 7)  // 20 pending / 3 per second, rounded up
        row.forwarding = nil
        #expect(row.etaSeconds == nil)
    }

    @Test func theChartBreaksAtGapsAndScalesNicely() {
        #expect(BacklogChart.niceCeiling(1) == 1)
        #expect(BacklogChart.niceCeiling(3) == 5)
        #expect(BacklogChart.niceCeiling(1_234) == 2_000)
        #expect(BacklogChart.compact(12_500) == "12k")
        #expect(BacklogChart.compact(3_400_000) == "3.4M")
        let points = [0, 1, 2, 10, 11].map { minute in
            PlantJournal.BacklogSample(
                sampledAt: Int64(minute) * 60_000, stream: "s", pendingCount: 1, pendingBytes: 0, oldestPendingAge: nil)
        }
        #expect(BacklogChart.runs(points, gapAfter: 180_000).map(\.count) == [3, 2])
    }
}
