import PlantJournal
import PlantModel

@testable import PlantAgent

/// A status as the agent would build it: two streams, two inputs, a hub refusing the token.
enum StatusFixtures {
    static let now: Int64 = 1_795_000_000_000

    static func status(source: AgentStatus.Source = .live) -> AgentStatus {
        let streams = [
            PlantJournal.StreamBacklog(
                stream: "inventory", lastSeq: 120, acknowledgedSeq: 100, acknowledgedAt: now - 65_000,
                pendingCount: 20, pendingBytes: 8_192, oldestPendingJournaledAt: now - 90_000, deadLetterCount: 1),
            PlantJournal.StreamBacklog(
                stream: "production", lastSeq: 7, acknowledgedSeq: 7, acknowledgedAt: now - 5_000, pendingCount: 0,
                pendingBytes: 0, oldestPendingJournaledAt: nil, deadLetterCount: 0),
        ]
        let journal = JournalStatus(
            path: "/var/lib/plantsync/journal.sqlite", epoch: "4f1c", streams: streams, deadLetters: 1,
            quarantined: 2, readAt: now)
        let record = AgentStateRecord(
            plant: "P100", pid: 4242, startedAt: now - 3_600_000, writtenAt: now - 12_000,
            statusListen: "127.0.0.1:9466",
            hub: AgentStateRecord.Hub(
                url: "https://hub.example:8443/", reachability: "auth failure",
                reason: "hub refused the token (401)", since: now - 120_000,
                lastError: "hub refused the token (401)", lastErrorAt: now - 20_000, lastErrorStream: "inventory"),
            streams: [
                .init(stream: "inventory", state: "auth failure", stateReason: "401", drainRate: 0),
                .init(stream: "production", state: "ok", drainRate: 2.5),
            ],
            inputs: [
                .init(
                    name: "line3-feed", type: "telemetry_tcp", connection: "connected", lastData: now - 1_000,
                    received: 5_000, journaled: 0, quarantined: 1, receivedRate: 12.5),
                .init(
                    name: "dock<1>", type: "scanner_tcp", connection: "connecting", lastData: nil, received: 0,
                    journaled: 0, quarantined: 0, receivedRate: 0, lastError: "connection refused",
                    lastErrorAt: now - 3_000),
            ],
            disk: .init(budgetBytes: 4 << 30, reserveBytes: 256 << 20, usedBytes: 12 << 20, freeBytes: 20 << 30))
        let letter = DeadLetter(
            stream: "inventory", seq: 57, id: "file/drops/abc/3", type: "inventory_movement",
            occurredAt: now - 200_000, body: Array(#"{"id":"file/drops/abc/3"}"#.utf8), journaledAt: now - 190_000,
            reason: "rejected by the hub (422): invalid_event: quantity: <bad>", deadLetteredAt: now - 180_000)
        return AgentStatus(
            source: source, journal: journal, state: record, running: .agent(pid: 4242), recentDeadLetters: [letter])
    }
}
