import Testing

@testable import PlantJournal

@Suite struct JournalDiskBudgetTests {
    /// Current journal size as the writer measures it.
    private func usage(_ journal: Journal) throws -> Int64 {
        try journal.withWriteConnection { db in try DiskUsage.measure(db, path: db.path).journalBytes }
    }

    @Test func lowPriorityStreamsAreRefusedFirstThenEveryStreamAtTheBudget() throws {
        try withTemporaryDirectory { (directory) throws in
            let path = directory + "/j.db"
            var options = testOptions()
            options.streamPriorities = ["telemetry": .low]
            // The WAL counts as usage: keep it small (checkpoint every 8 pages, truncate on reset) so
            // its size cannot swamp the margins below. No fsync needed for this test.
            options.walAutoCheckpointPages = 8
            options.journalSizeLimit = 0
            options.durability = .normal
            options.diskMeasureInterval = .zero  // measure before every group: no timing in the test
            // Measure an almost empty journal's size, then reopen with a budget above it.
            let probe = try Journal.open(path: path, options: options)
            try probe.append([record("production", "p0")])
            let base = try usage(probe)
            probe.close()
            options.diskBudget = base + 400_000
            options.lowPriorityShare = Double(base + 150_000) / Double(base + 400_000)
            let journal = try Journal.open(path: path, options: options)
            defer { journal.close() }
            let body = String(repeating: "t", count: 1_000)

            var telemetryRefusal: DiskRefusal?
            for n in 1...1_000 {
                do {
                    try journal.append([record("telemetry", "t\(n)", body: body)])
                } catch let JournalError.diskBudgetExceeded(refusal) {
                    telemetryRefusal = refusal
                    break
                }
            }
            let low = try #require(telemetryRefusal)
            #expect(low.stream == "telemetry")
            #expect(low.priority == .low)
            guard case let .budget(wouldUse, limit) = low.limit else {
                Issue.record("expected a budget refusal, got \(low.limit)")
                return
            }
            #expect(limit == Int64(Double(base + 400_000) * options.lowPriorityShare))
            #expect(wouldUse > limit)
            #expect(
                JournalError.diskBudgetExceeded(low).description
                    == "journal \(path): append to stream \"telemetry\" (low priority) refused: the journal would use "
                    + "\(wouldUse) bytes, over its limit of \(limit) bytes")

            // Business events still go in; a call mixing both is judged by its business event.
            try journal.append([record("production", "p1", body: body)])
            try journal.append([record("telemetry", "tx", body: "1"), record("production", "p2", body: "1")])

            var normalRefusal: DiskRefusal?
            for n in 3...2_000 {
                do {
                    try journal.append([record("production", "p\(n)", body: body)])
                } catch let JournalError.diskBudgetExceeded(refusal) {
                    normalRefusal = refusal
                    break
                }
            }
            let normal = try #require(normalRefusal)
            #expect(normal.stream == "production")
            #expect(normal.priority == .normal)
            if case let .budget(_, limit) = normal.limit {
                #expect(limit == base + 400_000)
            } else {
                Issue.record("expected a budget refusal, got \(normal.limit)")
            }
            // Nothing of a refused call was stored: seqs stay gapless.
            let events = try journal.pending(stream: "production", after: 0, limit: 1_000)
            #expect(events.map(\.seq) == Array(1...Int64(events.count)))
        }
    }

    @Test func appendsAreRefusedWhenFreeSpaceWouldFallUnderTheReserve() throws {
        var options = testOptions()
        options.reserve = Int64.max / 4  // more than any disk has
        options.streamPriorities = ["telemetry": .low]
        try withJournal(options: options) { (journal, path) throws in
            do {
                try journal.append([record("production", "p1")])
                Issue.record("expected a refusal")
            } catch let JournalError.diskBudgetExceeded(refusal) {
                #expect(refusal.path == path)
                guard case let .reserve(leave, reserve) = refusal.limit else {
                    Issue.record("expected a reserve refusal, got \(refusal.limit)")
                    return
                }
                #expect(reserve == Int64.max / 4)
                #expect(
                    refusal.description
                        == "journal \(path): append to stream \"production\" (normal priority) refused: "
                        + "free space would drop to \(leave) bytes, under the reserve of \(reserve) bytes")
            }
            do {
                try journal.append([record("telemetry", "t1")])
                Issue.record("expected a refusal")
            } catch let JournalError.diskBudgetExceeded(refusal) {
                if case let .reserve(_, reserve) = refusal.limit { #expect(reserve == Int64.max / 4 * 2) }
            }
            #expect(try journal.streams() == [])
        }
    }

    @Test func priorityRuleUnitCases() {
        var options = JournalOptions()
        options.diskBudget = 1_000
        options.reserve = 100
        options.lowPriorityShare = 0.5
        let budget = DiskBudget(path: "/j", options: options)
        let roomy = DiskUsage(journalBytes: 400, freeBytes: 10_000)
        #expect(budget.refusal(adding: 50, priority: .low, stream: "t", usage: roomy) == nil)
        #expect(
            budget.refusal(adding: 101, priority: .low, stream: "t", usage: roomy)?.limit
                == .budget(wouldUseBytes: 501, limitBytes: 500))
        #expect(budget.refusal(adding: 600, priority: .normal, stream: "p", usage: roomy) == nil)
        #expect(
            budget.refusal(adding: 601, priority: .normal, stream: "p", usage: roomy)?.limit
                == .budget(wouldUseBytes: 1_001, limitBytes: 1_000))
        let tight = DiskUsage(journalBytes: 0, freeBytes: 250)
        #expect(budget.refusal(adding: 100, priority: .normal, stream: "p", usage: tight) == nil)
        #expect(
            budget.refusal(adding: 51, priority: .low, stream: "t", usage: tight)?.limit
                == .reserve(wouldLeaveBytes: 199, reserveBytes: 200))
        #expect(
            budget.refusal(adding: 151, priority: .normal, stream: "p", usage: tight)?.limit
                == .reserve(wouldLeaveBytes: 99, reserveBytes: 100))
    }
}
