import Foundation
import PlantJournal
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Kills a journal writer with SIGKILL at random moments and checks what survives:
/// every append that returned is there with its id, each stream is a gapless 1…n, every checkpoint
/// matches the last record of its stream (written in the same transaction), and the file is sound.
@Suite(.serialized) struct JournalCrashTests {
    /// What the parent learned from `ok <stream> <seq> <id>` lines: appends that had returned.
    private struct Confirmed {
        var ids: [String: [Int64: String]] = [:]
        var highest: [String: Int64] = [:]

        mutating func take(_ line: String) throws {
            let parts = line.split(separator: " ")
            guard parts.count == 4, parts[0] == "ok", let seq = Int64(parts[2]) else {
                throw ChildProcess.Failure(description: "unexpected line from the child: \(line)")
            }
            let stream = String(parts[1])
            ids[stream, default: [:]][seq] = String(parts[3])
            highest[stream] = max(highest[stream] ?? 0, seq)
        }
    }

    @Test func killedWriterLosesNoReturnedAppendAndLeavesGaplessStreams() throws {
        let testkit = try Binaries.path("plantsync-testkit")
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SeededGenerator(seed: seed)
        try withTemporaryDirectory { directory in
            let path = directory + "/journal.db"
            var confirmed = Confirmed()
            var epoch: String?
            for round in 1...30 {
                let context = "round \(round), seed \(seed)"
                try ChildProcess.run(testkit, ["journal-append-loop", "--db", path, "--streams", "3", "--checkpoints"])
                {
                    child in
                    let ready = try child.waitForLine(timeout: .seconds(30)) { $0.hasPrefix("ready ") }
                    let childEpoch = String(ready.split(separator: " ")[1])
                    #expect(epoch == nil || epoch == childEpoch, "epoch changed in \(context)")
                    epoch = childEpoch

                    // Kill after a random number of returned appends, not after a sleep.
                    let target = Int.random(in: 1...400, using: &random)
                    var seen = 0
                    while seen < target {
                        guard let line = try child.readLine(timeout: .seconds(30)) else {
                            throw ChildProcess.Failure(
                                description: "child ended early in \(context): \(child.stderrText)")
                        }
                        try confirmed.take(line)
                        seen += 1
                    }
                    try checkStatusReader(path: path, confirmed: confirmed, context: context + ", while writing")
                    child.kill(SIGKILL)
                    // Lines the child wrote before dying also stand for returned appends.
                    while let line = try child.readLine(timeout: .seconds(30)) { try confirmed.take(line) }
                    #expect(try child.wait(timeout: .seconds(30)) == .signaled(SIGKILL), "\(context)")
                }
                // Nobody holds the journal now (hot WAL left by the kill): status must still read it.
                try checkStatusReader(path: path, confirmed: confirmed, context: context + ", after the kill")
                try verify(path: path, confirmed: confirmed, context: context)
            }
            #expect(confirmed.highest.count == 3)
        }
    }

    /// A read-only status open sees at least every append already returned.
    private func checkStatusReader(path: String, confirmed: Confirmed, context: String) throws {
        let status = try JournalStatusReader(path: path)
        let lastSeqs = Dictionary(uniqueKeysWithValues: try status.backlog().map { ($0.stream, $0.lastSeq) })
        for (stream, seq) in confirmed.highest {
            #expect((lastSeqs[stream] ?? 0) >= seq, "status reader behind returned appends of \(stream) in \(context)")
        }
    }

    private func verify(path: String, confirmed: Confirmed, context: String) throws {
        // Reopen as the agent would after a crash (WAL recovery), then check the file itself.
        let journal = try Journal.open(path: path)
        defer { journal.close() }
        let db = try Connection(path: path, mode: .readOnly)
        #expect(try db.integrityCheck() == ["ok"], "integrity_check in \(context)")

        let backlog = try journal.backlog()
        for row in backlog {
            let events = try journal.pending(stream: row.stream, after: 0, limit: Int.max)
            #expect(
                events.map(\.seq) == Array(stride(from: 1, through: row.lastSeq, by: 1)),
                "stream \(row.stream) is not a gapless 1…\(row.lastSeq) in \(context)")
            var stored: [Int64: String] = [:]
            for event in events { stored[event.seq] = event.id }
            for (seq, id) in confirmed.ids[row.stream] ?? [:] where stored[seq] != id {
                let found = stored[seq] ?? "missing"
                Issue.record("returned append \(row.stream)/\(seq) \(id) lost or changed (\(found)) in \(context)")
            }
            if let last = events.last {
                #expect(
                    try journal.checkpoint("last/\(row.stream)") == Array(last.id.utf8),
                    "checkpoint of \(row.stream) does not match its last record in \(context)")
            }
        }
        for (stream, seq) in confirmed.highest {
            #expect(
                backlog.first { $0.stream == stream }.map { $0.lastSeq >= seq } == true,
                "stream \(stream) lost returned appends in \(context)")
        }
    }
}
