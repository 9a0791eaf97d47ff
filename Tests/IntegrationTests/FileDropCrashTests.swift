import Foundation
import PlantJournal
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Kills `plantsync agent` with SIGKILL at random moments while it ingests a drop folder holding a
/// 100 MB CSV, at least 20 times, then lets one run finish. Every row must be in the journal exactly once,
/// and every file must end in archive/ or quarantine/.
@Suite(.serialized) struct FileDropCrashTests {
    /// Rows of the big file: ~200 bytes each, so 550,000 rows make ~100 MB.
    static let bigRows = 550_000
    static let header = "Zeit;Art;Material;Menge;ME;Lager;Text\n"

    @Test func killedAgentIngestsEveryRowExactlyOnce() throws {
        let plantsync = try Binaries.path("plantsync")
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SeededGenerator(seed: seed)
        try withTemporaryDirectory { directory in
            let drop = directory + "/drop"
            let config = try prepare(directory, drop: drop)
            try writeBigFile(drop + "/big.csv.tmp")
            #expect(rename(drop + "/big.csv.tmp", drop + "/big.csv") == 0)
            // A small file with two bad rows and one whose header lacks a mapped column.
            var small = Self.header
            for row in 1...50 {
                let quantity = row % 20 == 0 ? "x" : "\(row),5"
                small += "2026-11-22T14:15:00Z;receipt;S-\(row);\(quantity);KG;WE01;small\n"
            }
            try small.write(toFile: drop + "/small.csv", atomically: true, encoding: .utf8)
            try "Zeit;Art;Material;ME\n2026-11-22T14:15:00Z;receipt;B-1;KG\n"
                .write(toFile: drop + "/nocolumn.csv", atomically: true, encoding: .utf8)

            let journalPath = directory + "/data/journal.sqlite"
            var kills = 0
            var round = 0
            var progress: [Int64] = []
            while kills < 20 {
                round += 1
                #expect(round <= 60, "ingestion never got past the kills; seed \(seed)")
                if round > 60 { return }
                let before = journaled(journalPath)
                try ChildProcess.run(plantsync, ["agent", "--config", config]) { child in
                    if Int.random(in: 0..<4, using: &random) == 0 {
                        // Now and then a kill at any moment: starting, digesting the file, journaling.
                        usleep(UInt32.random(in: 0...600_000, using: &random))
                    } else {
                        // Mostly: once this run journaled a chunk, a random moment later (often mid-chunk).
                        let deadline = ContinuousClock.now + .seconds(120)
                        while journaled(journalPath) <= before, ContinuousClock.now < deadline,
                            FileManager.default.fileExists(atPath: drop + "/big.csv")
                        {
                            usleep(10_000)  // watching the journal with a deadline: no other signal
                        }
                        usleep(UInt32.random(in: 0...300_000, using: &random))
                    }
                    let stillIngesting = FileManager.default.fileExists(atPath: drop + "/big.csv")
                    child.kill(SIGKILL)
                    let exit = try child.wait(timeout: .seconds(30))
                    #expect(exit == .signaled(SIGKILL), "round \(round)")
                    if stillIngesting { kills += 1 }
                }
                progress.append(journaled(journalPath))
                if !FileManager.default.fileExists(atPath: drop + "/big.csv") { break }
            }
            #expect(kills >= 20, "only \(kills) kills landed during ingestion; seed \(seed)")
            // The kills landed between the first and the last chunk, and the file advanced across them.
            #expect(Set(progress).count >= 10, "journaled rows after each kill: \(progress); seed \(seed)")
            #expect((progress.last ?? 0) < Int64(Self.bigRows), "progress \(progress); seed \(seed)")

            // The last run, to completion, then a graceful stop.
            try ChildProcess.run(plantsync, ["agent", "--config", config]) { child in
                let deadline = ContinuousClock.now + .seconds(600)
                while ContinuousClock.now < deadline, try remaining(drop) != [] {
                    usleep(50_000)  // polling the folder with a deadline: there is no completion signal
                }
                #expect(try remaining(drop) == [], "files left in the drop folder; stderr: \(child.stderrText)")
                child.kill(SIGTERM)
                let exit = try child.wait(timeout: .seconds(60))
                #expect(exit == .exited(0))
            }

            #expect(
                try FileManager.default.contentsOfDirectory(atPath: drop + "/archive").sorted()
                    == ["big.csv", "small.csv"])
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: drop + "/quarantine").sorted()
                    == ["nocolumn.csv", "nocolumn.csv.rejects.csv", "small.csv.rejects.csv"])
            try verifyJournal(directory + "/data/journal.sqlite", seed: seed)
        }
    }

    /// Events in the journal's inventory stream, read as `plantsync status` does (0 before it exists).
    private func journaled(_ path: String) -> Int64 {
        guard FileManager.default.fileExists(atPath: path), let reader = try? JournalStatusReader(path: path),
            let backlog = try? reader.backlog()
        else { return 0 }
        return backlog.first { $0.stream == "inventory" }?.lastSeq ?? 0
    }

    /// Data files still in the drop folder.
    private func remaining(_ drop: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: drop).filter { $0.hasSuffix(".csv") }
    }

    /// Every row of big.csv once (rows 1...bigRows, each with its own item), small.csv's 48 good rows once.
    private func verifyJournal(_ path: String, seed: UInt64) throws {
        let journal = try Journal.open(path: path)
        defer { journal.close() }
        var rowsByFile: [String: [Int]] = [:]
        var after: Int64 = 0
        var checkedBodies = 0
        while true {
            let batch = try journal.pending(stream: "inventory", after: after, limit: 20_000)
            guard let last = batch.last else { break }
            after = last.seq
            for event in batch {
                // file/<input>/<digest>/<row>
                let parts = event.id.split(separator: "/")
                #expect(parts.count == 4 && parts[0] == "file" && parts[1] == "drop", "id \(event.id)")
                guard parts.count == 4, let row = Int(parts[3]) else { continue }
                rowsByFile[String(parts[2]), default: []].append(row)
                if row % 997 == 1 {
                    // The event holds its own row's data, not a neighbour's.
                    let body = String(decoding: event.body, as: UTF8.self)
                    #expect(
                        body.contains("\"item\":\"M-\(row)\"") || body.contains("\"item\":\"S-\(row)\""),
                        "row \(row): \(body)")
                    checkedBodies += 1
                }
            }
        }
        let counts = rowsByFile.values.map(\.count).sorted()
        #expect(counts == [48, Self.bigRows], "events per file; seed \(seed)")
        for rows in rowsByFile.values where rows.count == Self.bigRows {
            #expect(rows == Array(1...Self.bigRows), "big.csv rows journaled once each, in order; seed \(seed)")
        }
        for rows in rowsByFile.values where rows.count == 48 {
            #expect(rows == (1...50).filter { $0 % 20 != 0 })
        }
        #expect(checkedBodies > 500)
        // small.csv's rejects and nocolumn.csv; a report is repeated rather than lost when a kill lands between
        // it and the file's move, so at least these two.
        #expect(try journal.quarantineCount() >= 2)
    }

    /// Folders, token and agent.yaml; returns the configuration's path.
    private func prepare(_ directory: String, drop: String) throws -> String {
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        return try OfflineAgentConfiguration.write(
            in: directory,
            """
            inputs:
              - name: drop
                type: file_drop
                directory: \(drop)
                event: inventory_movement
                delimiter: ";"
                decimal_comma: true
                settle_time: 0s
                poll_interval: 200ms
                columns:
                  occurred_at: Zeit
                  kind: Art
                  plant: "=P100"
                  item: Material
                  quantity: Menge
                  unit: ME
                  to_location: Lager
            """)
    }

    /// ~100 MB: one row template, its row number and item patched in place, written 4 MiB at a time.
    private func writeBigFile(_ path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)  // FileHandle below reports failure
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ChildProcess.Failure(description: "cannot create \(path)")
        }
        defer { try? handle.close() }
        var buffer = Array(Self.header.utf8)
        buffer.reserveCapacity(4 << 20)
        let filler = String(repeating: "Lieferung laut Avis ", count: 7)
        for row in 1...Self.bigRows {
            buffer += Array("2026-11-22T14:15:00Z;receipt;M-\(row);\(row % 1000),5;KG;WE01;\(filler)\n".utf8)
            if buffer.count >= 4 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: buffer)
    }
}
