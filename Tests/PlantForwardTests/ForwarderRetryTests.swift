import Foundation
import PlantForward
import PlantNet
import Testing

/// Retry behaviour: 429 with Retry-After, 5xx and refused connections with jittered backoff,
/// 401 and certificate failures as slow-retry states. Timing is asserted as lower bounds only.
@Suite struct ForwarderRetryTests {
    static let now: Int64 = 1_795_000_000_000
    /// A wall clock that stands still, so status times are exact.
    static let fixedClock: @Sendable () -> Int64 = { now }

    /// Lets a hub script look at the forwarder it is serving.
    final class Observed: @unchecked Sendable {
        let lock = NSLock()
        var forwarder: Forwarder?
        var states: [StreamForwardingState?] = []

        func record() {
            let state = lock.withLock { forwarder }?.status()["production"]?.state
            lock.withLock { states.append(state) }
        }
    }

    private func gaps(_ requests: [TestHub.Request]) -> [Duration] {
        zip(requests, requests.dropFirst()).map { $0.at.duration(to: $1.at) }
    }

    @Test func tooManyRequestsWaitsForRetryAfter() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        try journal.append("production", 1...5)
        hub.setScript { _, index in
            index == 0
                ? .respond(HTTPResponse(status: 429, headers: ["Retry-After": "1"], body: Array("{}".utf8))) : .normal
        }
        let log = LogRecorder()
        let forwarder = try Forwarder(journal: journal.journal, settings: testSettings(hub.url), logger: log.logger)
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }

        #expect(hub.waitForStored("production", count: 5))
        let requests = hub.requests("production")
        #expect(requests.count == 2)
        #expect(gaps(requests).allSatisfy { $0 >= .seconds(1) })
        #expect(log.count(containing: "hub asks to slow down (429, Retry-After 1 s); backing off") == 1)
        #expect(try eventually { try journal.acknowledgedSeq("production") == 5 })
    }

    @Test func serverErrorsBackOffWithJitter() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        try journal.append("production", 1...5)
        let observed = Observed()
        hub.setScript { _, index in
            if index >= 1 { observed.record() }
            return index < 4
                ? .respond(HTTPResponse(status: 500, contentType: "application/json", body: "{\"error\":\"boom\"}"))
                : .normal
        }
        let random = ScriptedRandom([0.5])
        var settings = testSettings(hub.url)
        settings.backoffBase = .milliseconds(40)
        settings.backoffCap = .milliseconds(100)
        let log = LogRecorder()
        let forwarder = try Forwarder(
            journal: journal.journal, settings: settings, logger: log.logger, clock: Self.fixedClock,
            random: random.source)
        observed.lock.withLock { observed.forwarder = forwarder }
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }

        #expect(hub.waitForStored("production", count: 5))
        // Half of min(cap, base·2ⁿ): 20, 40, 50, 50 ms.
        let reason = "hub answered 500 Internal Server Error: {\"error\":\"boom\"}"
        #expect(
            observed.lock.withLock { observed.states }
                == [20, 40, 50, 50].map {
                    StreamForwardingState.backingOff(until: Self.now + $0, reason: reason)
                })
        #expect(random.calls == 4)
        let requests = hub.requests("production")
        #expect(requests.count == 5)
        let waits = gaps(requests)
        for (wait, least) in zip(waits, [20, 40, 50, 50]) { #expect(wait >= .milliseconds(least)) }
        #expect(log.count(containing: reason + "; backing off") == 1)
        #expect(eventually { log.count(containing: "forwarding again") == 1 })
    }

    @Test func refusedConnectionsBackOffAndAreLoggedOnce() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let port = listener.port
        listener.close()
        try journal.append("production", 1...5)
        let random = ScriptedRandom([0.5])
        var settings = testSettings("http://127.0.0.1:\(port)")
        settings.backoffBase = .milliseconds(40)
        settings.backoffCap = .milliseconds(100)
        let log = LogRecorder()
        let forwarder = try Forwarder(
            journal: journal.journal, settings: settings, logger: log.logger, clock: Self.fixedClock,
            random: random.source)
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }

        #expect(eventually { random.calls >= 3 })
        let refused = "connection to 127.0.0.1:\(port) refused"
        let status = forwarder.status()
        #expect(status.hub == .unreachable(since: Self.now, reason: refused))
        guard case .backingOff(let until, let reason) = status["production"]?.state else {
            Issue.record("expected backing off, got \(String(describing: status["production"]?.state))")
            return
        }
        #expect([20, 40, 50].map { Self.now + $0 }.contains(until))
        #expect(reason == refused)
        #expect(status.lastError == ForwarderFailure(at: Self.now, stream: "production", message: refused))
        #expect(log.all.filter { $0.message.contains("hub unreachable") }.count == 1)

        let hub = try TestHub(port: port)
        defer { hub.stop() }
        #expect(hub.waitForStored("production", count: 5))
        #expect(eventually { forwarder.status().hub == .reachable(since: Self.now) })
        #expect(eventually { log.count(containing: "reachable again (was: unreachable)") == 1 })
    }

    @Test func refusedTokenIsAnAuthStateRetriedSlowly() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        hub.setAcceptedToken("a-different-token")
        try journal.append("production", 1...5)
        let log = LogRecorder()
        let forwarder = try Forwarder(
            journal: journal.journal, settings: testSettings(hub.url), logger: log.logger, clock: Self.fixedClock)
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }

        #expect(hub.waitForRequests("production", count: 3))
        let reason = "hub answered 401 Unauthorized: unauthorized: bad or missing plant token"
        #expect(eventually { forwarder.status().hub == .authenticationFailed(since: Self.now, reason: reason) })
        #expect(
            eventually {
                forwarder.status()["production"]?.state
                    == .authenticationFailed(reason: reason, nextAttemptAt: Self.now + 200)
            })
        #expect(gaps(hub.requests("production")).allSatisfy { $0 >= .milliseconds(200) })
        #expect(hub.stored("production").isEmpty)
        #expect(
            log.all.filter { $0.level == .error }.map(\.message)
                == ["authentication failed: \(reason); check the plant token (hub.token_file) — retrying slowly"])

        hub.setAcceptedToken(TestHub.token)
        #expect(hub.waitForStored("production", count: 5))
        #expect(eventually { forwarder.status().hub == .reachable(since: Self.now) })
        #expect(eventually { log.count(containing: "reachable again (was: auth failure)") == 1 })
    }

    @Test func untrustedHubCertificateIsACertificateStateAndTrustedOneDelivers() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let journal = try TestJournal()
        defer { journal.close() }
        let tls = try TLSServerContext(certFile: certificates.serverCertFile, keyFile: certificates.serverKeyFile)
        let hub = try TestHub(tls: tls)
        defer { hub.stop() }
        try journal.append("production", 1...5)
        var settings = testSettings("https://127.0.0.1:\(hub.port)")
        settings.caFile = certificates.otherCAFile
        let log = LogRecorder()
        let untrusting = try Forwarder(
            journal: journal.journal, settings: settings, logger: log.logger, clock: Self.fixedClock)
        try untrusting.start()
        #expect(
            eventually {
                if case .certificateFailed = untrusting.status().hub { return true }
                return false
            })
        #expect(
            eventually {
                if case .certificateFailed = untrusting.status()["production"]?.state { return true }
                return false
            })
        guard case .certificateFailed(let reason, let next) = untrusting.status()["production"]?.state else {
            Issue.record("expected a certificate failure state")
            return
        }
        #expect(reason.hasPrefix("the hub's certificate did not verify: certificate verify failed"))
        #expect(next == Self.now + 200)
        #expect(eventually { log.all.filter { $0.level == .error }.count == 1 })
        #expect(log.all.first { $0.level == .error }?.message.hasPrefix("certificate problem: ") == true)
        #expect(hub.requests().isEmpty)
        untrusting.stop(deadline: .now + .seconds(2))

        settings.caFile = certificates.caFile
        let trusting = try Forwarder(journal: journal.journal, settings: settings)
        try trusting.start()
        defer { trusting.stop(deadline: .now + .seconds(2)) }
        #expect(hub.waitForStored("production", count: 5))
        #expect(hub.stored("production").map(\.id) == (1...5).map { TestEvents.id("production", $0) })
    }

    @Test func hubRequiringAClientCertificateGetsOneOrReportsACertificateState() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let journal = try TestJournal()
        defer { journal.close() }
        let tls = try TLSServerContext(
            certFile: certificates.serverCertFile, keyFile: certificates.serverKeyFile,
            clientCAFile: certificates.caFile, requireClientCertificate: true)
        let hub = try TestHub(tls: tls)
        defer { hub.stop() }
        try journal.append("production", 1...3)
        var settings = testSettings("https://127.0.0.1:\(hub.port)")
        settings.caFile = certificates.caFile
        let log = LogRecorder()
        let anonymous = try Forwarder(journal: journal.journal, settings: settings, logger: log.logger)
        try anonymous.start()
        #expect(
            eventually {
                if case .certificateFailed = anonymous.status().hub { return true }
                return false
            })
        #expect(eventually { log.all.filter { $0.level == .error }.count == 1 })
        #expect(hub.stored("production").isEmpty)
        anonymous.stop(deadline: .now + .seconds(2))

        settings.clientCertFile = certificates.clientCertFile
        settings.clientKeyFile = certificates.clientKeyFile
        let identified = try Forwarder(journal: journal.journal, settings: settings)
        try identified.start()
        defer { identified.stop(deadline: .now + .seconds(2)) }
        #expect(hub.waitForStored("production", count: 3))
    }

    @Test func unusableSettingsAreRefusedWithEveryProblem() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        var settings = ForwarderSettings(hubURL: "ftp://hub", plant: "", token: "line\n")
        settings.maxBatchEvents = 0
        #expect(
            throws: ForwarderError.invalidSettings([
                "hub URL \"ftp://hub\": expected https://host[:port][/path] (or http:// for tests)",
                "plant id is empty", "token contains control characters (a stray newline in the token file?)",
                "max batch events must be at least 1, found 0",
            ])
        ) {
            try Forwarder(journal: journal.journal, settings: settings)
        }
        settings = ForwarderSettings(
            hubURL: "https://hub:8443", plant: "P100", token: "t", caFile: "/nonexistent/ca.pem")
        #expect {
            try Forwarder(journal: journal.journal, settings: settings)
        } throws: { error in
            guard case ForwarderError.tls(let message) = error else { return false }
            return message.hasPrefix("TLS /nonexistent/ca.pem: cannot load CA file /nonexistent/ca.pem")
        }
    }
}
