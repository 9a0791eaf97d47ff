import Foundation
import PlantCapture
import PlantModel
import Testing

/// The adapter with its own thread: inotify sees a file renamed in long before any poll or settle time.
@Suite("FileDrop adapter")
struct FileDropAdapterTests {
    /// Waits for `condition` up to `seconds`; true when it held.
    private func eventually(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }

    @Test func renamedInFileIsIngestedThroughInotifyAndHealthShowsIt() throws {
        let folder = try DropTestFolder()
        defer { folder.cleanUp() }
        var configuration = FileDropIngestionTests.configuration(folder)
        configuration.settleTime = .seconds(3_600)
        configuration.pollInterval = .seconds(3_600)
        let adapter = FileDrop(name: "erp", configuration: configuration)
        let sink = DropRecordingSink()
        adapter.start(sink: sink)
        defer { adapter.stop() }
        #expect(eventually { adapter.health.connection == .connected })
        try folder.write("orders.csv.tmp", FileDropIngestionTests.header + FileDropIngestionTests.rows(7))
        #expect(rename(folder.file("orders.csv.tmp"), folder.file("orders.csv")) == 0)
        #expect(eventually { adapter.statistics.filesArchived == 1 })
        let health = adapter.health
        #expect(health.received == 7)
        #expect(health.journaled == 7)
        #expect(health.quarantined == 0)
        #expect(health.lastError == nil)
        #expect(adapter.statistics.lastFile == "orders.csv")
        #expect(sink.events.count == 7)
        #expect(folder.names("archive") == ["orders.csv"])

        let stopStarted = Date()
        adapter.stop()
        #expect(Date().timeIntervalSince(stopStarted) < 2)  // the wait ends at once, not after the poll interval
        #expect(adapter.health.connection == .stopped)
    }

    @Test func missingFolderIsUnavailableThenWatchedOnceItAppears() throws {
        let parent = try DropTestFolder()
        defer { parent.cleanUp() }
        var configuration = FileDropIngestionTests.configuration(DropTestFolder(existing: parent.file("later")))
        configuration.pollInterval = .milliseconds(100)
        configuration.settleTime = .zero
        let adapter = FileDrop(name: "erp", configuration: configuration)
        let sink = DropRecordingSink()
        adapter.start(sink: sink)
        defer { adapter.stop() }
        #expect(eventually { adapter.health.connection == .unavailable })
        #expect(adapter.health.lastError?.hasPrefix("cannot list \(parent.path)/later: No such file") == true)
        #expect(mkdir(parent.file("later"), 0o755) == 0)
        try parent.write("later/a.csv", FileDropIngestionTests.header + FileDropIngestionTests.rows(2))
        #expect(eventually { adapter.statistics.filesArchived == 1 })
        #expect(adapter.health.connection == .connected)
        #expect(sink.logs.contains { $0.contains("is available again") })
    }
}
