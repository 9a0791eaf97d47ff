import Foundation
import PlantJournal
import PlantModel
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Kills `plantsync agent` with SIGKILL at random moments, at least 20 times, while a simulated PLC feeds
/// it over TCP (Kepware JSON, the agent dials the PLC as it would a gateway). The PLC's 16-bit counters roll
/// over and its order changes; it keeps counting across the agent's restarts. Every fifth run ends with a clean
/// stop instead (partial confirmations). At the end the confirmed yield and scrap per order in the journal
/// must equal the PLC's counter increase per order, exactly.
@Suite(.serialized) struct AggregatorCrashTests {
    @Test func killedAgentConfirmsEveryCounterIncreaseOncePerOrder() throws {
        let plantsync = try Binaries.path("plantsync")
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SeededGenerator(seed: seed)
        let started = ContinuousClock.now
        try withTemporaryDirectory { directory in
            let plc = try SimulatedPLC(seed: seed)
            defer { plc.stop() }
            let config = try prepare(directory, plcPort: plc.port)
            let journalPath = directory + "/data/journal.sqlite"
            plc.start()

            var kills = 0
            var killsWhileConnected = 0
            var stops = 0
            var round = 0
            while kills < 20 {
                round += 1
                #expect(round <= 50, "kills never landed; seed \(seed)")
                if round > 50 { return }
                let connectionsBefore = plc.progress.connections
                let journaledBefore = journaled(journalPath)
                let agent = try ChildProcess(plantsync, ["agent", "--config", config])
                agent.closeInput()
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    // Any moment: starting, opening the journal, connecting, replaying.
                    usleep(UInt32.random(in: 0...800_000, using: &random))
                case 1, 2:
                    // Once this run has read a random number of messages (mid-window, mid-batch).
                    let messages = Int.random(in: 1...150, using: &random)
                    try waitUntil("connection \(connectionsBefore + 1), \(messages) messages", agent) {
                        let now = plc.progress
                        return now.connections > connectionsBefore && now.sentOnConnection >= messages
                    }
                default:
                    // Just after this run journaled confirmations (a window closed), often mid-commit.
                    try waitUntil("journal growth past \(journaledBefore)", agent) {
                        journaled(journalPath) > journaledBefore
                    }
                    usleep(UInt32.random(in: 0...150_000, using: &random))
                }
                if round % 5 == 0 {
                    // Now and then a clean stop: partial confirmations (#p<k>) that later parts must not repeat.
                    agent.kill(SIGTERM)
                    #expect(try agent.wait(timeout: .seconds(60)) == .exited(0), "round \(round): \(agent.stderrText)")
                    stops += 1
                    continue
                }
                if plc.progress.connections > connectionsBefore { killsWhileConnected += 1 }
                agent.kill(SIGKILL)
                #expect(try agent.wait(timeout: .seconds(30)) == .signaled(SIGKILL), "round \(round)")
                kills += 1
            }

            // The last run: let it read for a while, then the PLC stops, closes its side and waits until the
            // agent has read everything (EOF back); SIGTERM then journals the partial confirmations.
            let agent = try ChildProcess(plantsync, ["agent", "--config", config])
            agent.closeInput()
            let connectionsBefore = plc.progress.connections
            try waitUntil("the last run reading 100 messages", agent) {
                let now = plc.progress
                return now.connections > connectionsBefore && now.sentOnConnection >= 100
            }
            plc.finish()
            try waitUntil("the agent reading the PLC's last message", agent) { plc.progress.drained }
            agent.kill(SIGTERM)
            let exit = try agent.wait(timeout: .seconds(60))
            #expect(exit == .exited(0), "stderr: \(agent.stderrText)")

            let produced = plc.progress
            #expect(produced.failure == nil, "PLC: \(produced.failure ?? ""); seed \(seed)")
            let confirmed = try confirmedPerOrder(journalPath)
            let elapsed = ContinuousClock.now - started
            print(
                "AggregatorCrashTests: seed \(seed), \(kills) kills (\(killsWhileConnected) while connected), "
                    + "\(stops) clean stops, \(produced.connections) connections, \(produced.messages) messages, "
                    + "\(produced.rollovers) rollovers, \(produced.orderChanges) order changes, "
                    + "\(confirmed.events) confirmations (\(confirmed.partials) partial), \(elapsed)")
            for (order, count) in produced.perOrder.sorted(by: { $0.key < $1.key }) {
                let booked = confirmed.perOrder[order] ?? Count()
                print("  \(order): PLC good +\(count.good) scrap +\(count.scrap); confirmed \(booked)")
            }
            #expect(confirmed.perOrder == produced.perOrder, "per order, confirmed vs produced; seed \(seed)")
            #expect(confirmed.duplicateIDs == [], "seed \(seed)")
            #expect(confirmed.counterResets == 0, "a rollover read as a reset; seed \(seed)")
            #expect(killsWhileConnected >= 10, "only \(killsWhileConnected) kills landed while the feed ran")
            #expect(produced.rollovers >= 2 && produced.orderChanges >= 3, "seed \(seed)")
            #expect(confirmed.partials >= 2, "partial confirmations at clean stops: \(confirmed.partials)")
            #expect(confirmed.events >= 10, "windows closed during the run: \(confirmed.events)")
        }
    }

    /// Good and scrap pieces.
    struct Count: Equatable, CustomStringConvertible {
        var good: Int64 = 0
        var scrap: Int64 = 0
        var description: String { "good \(good) scrap \(scrap)" }
    }

    /// Polls `condition` (a journal or the PLC's counters: nothing to wait on) until it holds; fails when the
    /// agent dies or 60 s pass.
    private func waitUntil(_ what: String, _ agent: ChildProcess, _ condition: () -> Bool) throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            if let exit = try? agent.wait(timeout: .zero) {
                throw ChildProcess.Failure(
                    description: "agent \(exit) waiting for \(what); stderr: \(agent.stderrText)")
            }
            guard ContinuousClock.now < deadline else {
                throw ChildProcess.Failure(description: "no \(what) within 60 s; stderr: \(agent.stderrText)")
            }
            usleep(10_000)
        }
    }

    /// The production stream's last seq (0 before the journal exists).
    private func journaled(_ path: String) -> Int64 {
        guard FileManager.default.fileExists(atPath: path), let reader = try? JournalStatusReader(path: path),
            let backlog = try? reader.backlog()
        else { return 0 }
        return backlog.first { $0.stream == "production" }?.lastSeq ?? 0
    }

    struct Confirmed {
        var perOrder: [String: Count] = [:]
        var events = 0
        var partials = 0
        var counterResets = 0
        var duplicateIDs: [String] = []
    }

    /// Sums yield and scrap per order over every production confirmation in the journal.
    private func confirmedPerOrder(_ path: String) throws -> Confirmed {
        let journal = try Journal.open(path: path)
        defer { journal.close() }
        var result = Confirmed()
        var ids = Set<String>()
        var after: Int64 = 0
        while true {
            let batch = try journal.pending(stream: "production", after: after, limit: 5_000)
            guard let last = batch.last else { break }
            after = last.seq
            for stored in batch {
                if !ids.insert(stored.id).inserted { result.duplicateIDs.append(stored.id) }
                guard stored.type == "production_confirmation" else { continue }
                let event = try Event(canonicalJSON: stored.body)
                guard case .productionConfirmation(let confirmation) = event.payload,
                    let good = confirmation.yield.int64Value, let scrap = confirmation.scrap.int64Value
                else {
                    Issue.record("not a whole-piece confirmation: \(String(decoding: stored.body, as: UTF8.self))")
                    continue
                }
                result.perOrder[confirmation.order, default: Count()].good += good
                result.perOrder[confirmation.order, default: Count()].scrap += scrap
                result.events += 1
                if !confirmation.isFinal { result.partials += 1 }
                if confirmation.counterReset { result.counterResets += 1 }
            }
        }
        return result
    }

    /// Token and agent.yaml: the agent dials the PLC; the hub is unreachable, so everything stays journaled.
    private func prepare(_ directory: String, plcPort: UInt16) throws -> String {
        try OfflineAgentConfiguration.write(
            in: directory,
            """
            inputs:
              - name: plc
                type: telemetry_tcp
                connect: 127.0.0.1:\(plcPort)
                format: kepware_json
                reconnect_delay: 100ms
                reconnect_max_delay: 1s
            lines:
              - line: L3
                work_center: WC-L3
                counters:
                  good: \(SimulatedPLC.goodTag)
                  scrap: \(SimulatedPLC.scrapTag)
                  width: 16
                  max_rollover_step: 40000
                order:
                  tag: \(SimulatedPLC.orderTag)
                window: 2s
                lateness: 1s
            """)
    }
}

/// The PLC of line L3 as a Kepware gateway publishes it: one JSON message every 20 ms with the cumulative
/// good and scrap counters (16-bit registers, so they roll over), and the order tag when it changes. It
/// listens on an OS-chosen loopback port; the agent dials it and redials after each restart.
///
/// Like a gateway's initial update, every new connection first gets the baseline and each order change again
/// (the order with the counter values at that moment, at their original times). The agent ignores what it
/// has already seen (older or equal samples), and counts made before a change it missed while down are still
/// booked to the old order. The line idles when no agent has read for 3 s, so an outage never hides more
/// than `max_rollover_step` counts.
final class SimulatedPLC: @unchecked Sendable {
    // @unchecked: `shared`, `finishRequested` and `stopRequested` are only touched under `lock`; everything
    // else only on the PLC thread (and in `stop()` after it ended).
    static let goodTag = "PLC1.L3.GoodCount"
    static let scrapTag = "PLC1.L3.ScrapCount"
    static let orderTag = "PLC1.L3.Order"
    static let orders = ["WO-4711", "WO-4712", "WO-4713"]
    static let tick = Duration.milliseconds(20)
    static let ticksPerOrder = 250

    struct Progress {
        var connections = 0
        /// Messages written on the current connection.
        var sentOnConnection = 0
        var messages = 0
        var rollovers = 0
        var orderChanges = 0
        /// Counter increase per order: what the confirmations must add up to.
        var perOrder: [String: AggregatorCrashTests.Count] = [:]
        /// The agent read the last message and closed its end after `finish()`.
        var drained = false
        var failure: String?
    }

    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var shared = Progress()
    private var finishRequested = false
    private var stopRequested = false
    private let ended = DispatchSemaphore(value: 0)
    private var started = false

    private var random: SeededGenerator
    private var good: UInt16 = 63_000
    private var scrap: UInt16 = 65_300
    private var orderIndex = 0
    private var ticks = 0
    private var lastTime: Int64 = 0
    private var replay: [[UInt8]] = []
    private var connection: Int32 = -1
    private var lastWritten = ContinuousClock.now

    init(seed: UInt64) throws {
        random = SeededGenerator(seed: seed ^ 0x504C_43)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ChildProcess.Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw ChildProcess.Failure(description: "cannot listen on 127.0.0.1:0: errno \(errno)")
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        replay.append(message([(Self.goodTag, "\(good)"), (Self.scrapTag, "\(scrap)"), (Self.orderTag, order)]))
    }

    var progress: Progress { lock.withLock { shared } }

    func start() {
        started = true
        let thread = Thread { [self] in
            run()
            ended.signal()
        }
        thread.name = "simulated-plc"
        thread.start()
    }

    /// Stop producing, send the counters once more, close the sending side and wait for the agent's EOF.
    func finish() { lock.withLock { finishRequested = true } }

    func stop() {
        lock.withLock { stopRequested = true }
        if started { _ = ended.wait(timeout: .now() + 30) }
        if connection >= 0 { close(connection) }
        close(listener)
    }

    private var order: String { Self.orders[orderIndex % Self.orders.count] }

    private func run() {
        var next = ContinuousClock.now
        while true {
            let (stopping, finishing) = lock.withLock { (stopRequested, finishRequested) }
            if stopping { return }
            acceptNewest()
            if finishing && connection >= 0 {
                drain()
                return
            }
            if !finishing { produce() }
            // Pacing the feed at one message per tick, not synchronisation.
            next = max(next + Self.tick, ContinuousClock.now - Self.tick)
            let wait = next - ContinuousClock.now
            if wait > .zero {
                usleep(UInt32(wait.components.seconds * 1_000_000 + wait.components.attoseconds / 1_000_000_000_000))
            }
        }
    }

    /// One tick of the line: an order change (alone, with the counters at that moment) or production.
    private func produce() {
        ticks += 1
        if ticks % Self.ticksPerOrder == 0 {
            orderIndex += 1
            let change = message([(Self.goodTag, "\(good)"), (Self.scrapTag, "\(scrap)"), (Self.orderTag, order)])
            replay.append(change)
            lock.withLock { shared.orderChanges += 1 }
            send(change)
            return
        }
        if ContinuousClock.now - lastWritten < .seconds(3) {
            let made = UInt16.random(in: 20...80, using: &random)
            let scrapped: UInt16 = Int.random(in: 0..<4, using: &random) == 0 ? .random(in: 1...4, using: &random) : 0
            let rolled = (good > good &+ made ? 1 : 0) + (scrap > scrap &+ scrapped ? 1 : 0)
            good &+= made
            scrap &+= scrapped
            lock.withLock {
                shared.rollovers += rolled
                shared.perOrder[order, default: .init()].good += Int64(made)
                shared.perOrder[order, default: .init()].scrap += Int64(scrapped)
            }
        }
        send(message([(Self.goodTag, "\(good)"), (Self.scrapTag, "\(scrap)")]))
    }

    /// The last values, then FIN; the agent reads to the end, delivers, and closes: EOF here.
    private func drain() {
        send(message([(Self.goodTag, "\(good)"), (Self.scrapTag, "\(scrap)")]))
        guard connection >= 0, shutdown(connection, Int32(SHUT_WR)) == 0 else {
            return lock.withLock { shared.failure = "the last connection broke while finishing" }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        var byte: UInt8 = 0
        while ContinuousClock.now < deadline, !lock.withLock({ stopRequested }) {
            var ready = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 100) > 0 else { continue }
            let count = recv(connection, &byte, 1, 0)
            if count == 0 { return lock.withLock { shared.drained = true } }
            if count < 0, errno != EINTR { break }
        }
        lock.withLock { shared.failure = "no EOF from the agent after the last message (errno \(errno))" }
    }

    /// Takes the newest pending connection (older ones are from killed runs) and replays the history on it.
    private func acceptNewest() {
        var newest: Int32 = -1
        while true {
            let accepted = accept(listener, nil, nil)
            guard accepted >= 0 else { break }
            // accept4 is not imported; an agent spawned in between may inherit the fd, which only keeps a
            // dead run's connection open a little longer.
            _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
            _ = fcntl(accepted, F_SETFL, fcntl(accepted, F_GETFL) & ~O_NONBLOCK)
            if newest >= 0 { close(newest) }
            newest = accepted
        }
        guard newest >= 0 else { return }
        if connection >= 0 { close(connection) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(newest, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        connection = newest
        lock.withLock {
            shared.connections += 1
            shared.sentOnConnection = 0
        }
        for message in replay { send(message) }
    }

    private func send(_ bytes: [UInt8]) {
        guard connection >= 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                // The agent was killed (EPIPE, ECONNRESET) or stopped reading: it redials.
                close(connection)
                connection = -1
                return
            }
            offset += written
        }
        lastWritten = ContinuousClock.now
        lock.withLock {
            shared.messages += 1
            shared.sentOnConnection += 1
        }
    }

    /// One Kepware IoT Gateway message; every value at the same, strictly increasing source time.
    private func message(_ values: [(tag: String, value: String)]) -> [UInt8] {
        let time = max(Int64(Date().timeIntervalSince1970 * 1000), lastTime + 1)
        lastTime = time
        let items = values.map { item in
            let value = item.tag == Self.orderTag ? "\"\(item.value)\"" : item.value
            return #"{"id":"\#(item.tag)","v":\#(value),"q":true,"t":\#(time)}"#
        }
        return Array(#"{"timestamp":\#(time),"values":[\#(items.joined(separator: ","))]}"#.utf8) + [0x0A]
    }
}
