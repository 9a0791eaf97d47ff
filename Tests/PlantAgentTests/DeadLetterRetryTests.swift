import Foundation
import PlantJournal
import PlantModel
import Testing

@testable import PlantAgent

/// `Journal.retryDeadLetter` (Sources/PlantJournal/DeadLetterRetry.swift) on a real journal file.
@Suite("Dead-letter retry")
struct DeadLetterRetryTests {
    static func withJournal(_ body: (Journal, String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "plantsync-retry-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = JournalOptions()
        options.clock = { 1_795_000_000_000 }
        let journal = try Journal.open(path: directory + "/journal.sqlite", options: options)
        defer { journal.close() }
        try body(journal, directory)
    }

    static func record(_ number: Int) -> JournalRecord {
        JournalRecord(
            stream: "inventory", id: "file/drops/d/\(number)", type: "inventory_movement",
            occurredAt: 1_794_999_000_000 + Int64(number), body: Array("{\"n\":\(number)}".utf8))
    }

    /// Dead-letters seq 2 of three events, as the forwarder does after a 422.
    static func deadLetterSecond(_ journal: Journal) throws {
        try journal.append((1...3).map(record))
        try journal.deadLetter(
            stream: "inventory", seq: 2, reason: "rejected by the hub (422): invalid_event",
            tombstone: JournalRecord(
                stream: "inventory", id: "dead/file/drops/d/2", type: "dead_lettered", occurredAt: 0,
                body: Array("{\"t\":2}".utf8)))
    }

    @Test func aRetryJournalsTheEventAgainAtTheEndWithItsId() throws {
        try Self.withJournal { journal, _ in
            try Self.deadLetterSecond(journal)
            #expect(try journal.deadLetterCount() == 1)
            let retry = try journal.retryDeadLetter(id: "file/drops/d/2", requestedBy: "maria")
            #expect(
                retry
                    == DeadLetterRetry(
                        id: "file/drops/d/2", stream: "inventory", originalSeq: 2, newSeq: 4,
                        reason: "rejected by the hub (422): invalid_event", requestedBy: "maria",
                        retriedAt: 1_795_000_000_000))
            let events = try journal.pending(stream: "inventory", after: 0, limit: 10)
            #expect(events.map(\.id) == ["file/drops/d/1", "dead/file/drops/d/2", "file/drops/d/3", "file/drops/d/2"])
            #expect(events.last?.body == Array("{\"n\":2}".utf8))
            #expect(events.last?.occurredAt == 1_794_999_000_002)
            #expect(try journal.deadLetterCount() == 0)
            #expect(try journal.backlog().first?.pendingCount == 4)
            #expect(try journal.backlog().first?.pendingBytes == 7 + 7 + 7 + 7)
            // The audit record: who, when, from which seq to which.
            #expect(
                try journal.deadLetterRetries().map { String(decoding: $0, as: UTF8.self) } == [
                    #"{"at_ms":1795000000000,"by":"maria","id":"file/drops/d/2","new_seq":4,"original_seq":2,"#
                        + #""reason":"rejected by the hub (422): invalid_event","stream":"inventory"}"#
                ])
        }
    }

    @Test func theIdStaysUniqueAfterwards() throws {
        try Self.withJournal { journal, _ in
            try Self.deadLetterSecond(journal)
            _ = try journal.retryDeadLetter(id: "file/drops/d/2", requestedBy: "maria")
            // Reading the same input again cannot make a second copy.
            let again = try journal.append([Self.record(2)])
            #expect(again == [.duplicate(existingSeq: 4, stream: "inventory")])
            // Appends after the retry continue the numbering (the writer's cached last seq was refreshed).
            let next = try journal.append([Self.record(5)])
            #expect(next == [.appended(seq: 5)])
            #expect(throws: DeadLetterRetryError.notFound(id: "file/drops/d/2")) {
                try journal.retryDeadLetter(id: "file/drops/d/2", requestedBy: "maria")
            }
        }
    }

    @Test func unknownIdsAreRefusedWithAClearMessage() throws {
        try Self.withJournal { journal, _ in
            try Self.deadLetterSecond(journal)
            do {
                _ = try journal.retryDeadLetter(id: "nope", requestedBy: "x")
                Issue.record("expected a refusal")
            } catch let error as DeadLetterRetryError {
                #expect(
                    error.description == "no dead letter with id \"nope\"; 'plantsync dead-letters list' shows them")
            }
            #expect(try journal.deadLetterCount() == 1)
        }
    }

    @Test func readersSeeDeadLettersById() throws {
        try Self.withJournal { journal, _ in
            try Self.deadLetterSecond(journal)
            let reader = try JournalStatusReader(path: journal.path)
            #expect(try reader.deadLetter(id: "file/drops/d/2")?.seq == 2)
            #expect(try reader.allDeadLetters().map(\.id) == ["file/drops/d/2"])
            #expect(try journal.deadLetter(id: "file/drops/d/9") == nil)
        }
    }

    /// `DeadLetterOperations` while no agent runs: takes the data directory's lock, retries in the
    /// journal itself; while the lock is held by someone else it goes through the endpoint (none
    /// here, so it says so).
    @Test func theOperationRespectsTheAgentLock() throws {
        let directory = NSTemporaryDirectory() + "plantsync-retry-op-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal.open(path: AgentLayout.journalPath(dataDirectory: directory))
        try Self.deadLetterSecond(journal)
        try journal.append([Self.record(7)])
        journal.close()

        let lock = try AgentLock.acquire(dataDirectory: directory)
        #expect(AgentLock.holder(dataDirectory: directory) == .agent(pid: getpid()))
        do {
            let second = try AgentLock.acquire(dataDirectory: directory)
            second.release()
            Issue.record("a second lock was granted")
        } catch {
            #expect(error == .held(path: directory + "/agent.lock", pid: getpid()))
        }
        do {
            _ = try DeadLetterOperations.retry(dataDirectory: directory, id: "file/drops/d/2", by: "maria")
            Issue.record("expected a refusal while the lock is held without an endpoint")
        } catch {
            #expect(error.exitCode == 69)
            #expect(
                error.description.hasPrefix("the agent (pid \(getpid())) owns the journal but has no status endpoint"))
        }
        lock.release()
        #expect(AgentLock.holder(dataDirectory: directory) == .nobody)

        let outcome = try DeadLetterOperations.retry(dataDirectory: directory, id: "file/drops/d/2", by: "maria")
        #expect(outcome.1 == .journal)
        #expect(outcome.0.newSeq == 5)
        do {
            _ = try DeadLetterOperations.retry(dataDirectory: directory, id: "file/drops/d/2", by: "maria")
            Issue.record("expected not found")
        } catch {
            #expect(error.exitCode == 66)
        }
    }
}
