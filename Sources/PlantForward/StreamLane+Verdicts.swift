import PlantJournal
import PlantModel

/// What a lane does with each kind of hub answer (wire protocol v1, DESIGN.md).
extension StreamLane {
    func handle(_ verdict: HubVerdict, for batch: PreparedBatch) -> Step {
        switch verdict {
        case .stored(let ackedThrough):
            return stored(through: ackedThrough, batch)
        case .gap(let expected):
            return gap(expected: expected, batch)
        case .conflict(let detail):
            context.health.answered()
            halt(because: detail + "; nothing is overwritten or dropped, the stream waits for a person")
            return .halt
        case .invalidEvents(let reasons, let detail):
            context.health.answered()
            return invalidEvents(reasons, detail: detail, batch)
        case .tooLarge(let maxBytes):
            context.health.answered()
            return tooLarge(batch, hubLimit: maxBytes)
        case .slowDown(let status, let retryAfter):
            context.health.answered()
            var delay = backoff.nextDelay(unit: context.random())
            if let retryAfter { delay = max(delay, min(retryAfter, context.settings.maxRetryAfter)) }
            let asked = retryAfter.map { ", Retry-After \($0.components.seconds) s" } ?? ""
            return backOff(delay, key: "throttled", "hub asks to slow down (\(status)\(asked))")
        case .serverTrouble(let message):
            context.health.answered()
            return backOff(backoff.nextDelay(unit: context.random()), key: "server", message)
        case .unreachable(let message):
            context.health.unreachable(message)
            return backOff(backoff.nextDelay(unit: context.random()), key: nil, message)
        case .authenticationRefused(let message):
            context.health.authenticationFailed(message)
            let next = context.clock() + context.settings.authRetryInterval.milliseconds
            context.health.recordFailure(stream: stream, message)
            condition.withLock { state = .authenticationFailed(reason: message, nextAttemptAt: next) }
            return .retry(at: .now + context.settings.authRetryInterval)
        case .certificateRefused(let message):
            context.health.certificateFailed(message)
            let next = context.clock() + context.settings.authRetryInterval.milliseconds
            context.health.recordFailure(stream: stream, message)
            condition.withLock { state = .certificateFailed(reason: message, nextAttemptAt: next) }
            return .retry(at: .now + context.settings.authRetryInterval)
        }
    }

    // MARK: Answers

    private func stored(through acked: Int64, _ batch: PreparedBatch) -> Step {
        context.health.answered()
        backoff.reset()
        consecutiveGaps = 0
        if probeEvents != nil {
            probeEvents = nil
            reader.setLimits(sizeLimits)
        }
        if acked < batch.last {
            acknowledge(through: acked)
            return backOff(
                backoff.nextDelay(unit: context.random()), key: "partial",
                "hub acknowledged only through seq \(acked) of batch \(batch.first)…\(batch.last); resending the rest",
                rewindTo: max(acked + 1, batch.first))
        }
        if acked > batch.last {
            // The hub already holds more (a previous run's answer was lost). Only believe it for
            // events we have: claims beyond the journal mean lost data or a shared identity.
            let lastSeq = journalLastSeq()
            guard let lastSeq, acked <= lastSeq else {
                halt(
                    because: "hub acknowledged through seq \(acked) but the journal holds only up to seq "
                        + "\(lastSeq.map(String.init) ?? "?"): journaled events were lost or another agent uses this plant's identity"
                )
                return .halt
            }
            acknowledge(through: acked)
            markHealthy()
            return .rewind(to: acked + 1, at: nil)
        }
        acknowledge(through: acked)
        markHealthy()
        return .next
    }

    private func gap(expected: Int64, _ batch: PreparedBatch) -> Step {
        context.health.answered()
        backoff.reset()
        consecutiveGaps += 1
        if expected == batch.first {
            return backOff(
                backoff.nextDelay(unit: context.random()), key: "server",
                "hub reports a sequence gap but expects seq \(expected), which is what it was sent")
        }
        if expected > batch.first, let lastSeq = journalLastSeq(), expected - 1 > lastSeq {
            halt(
                because: "hub expects seq \(expected) but the journal holds only up to seq \(lastSeq): "
                    + "journaled events were lost or another agent uses this plant's identity")
            return .halt
        }
        context.log(
            ForwarderLogRecord(
                level: .info, stream: stream,
                message: "hub expects seq \(expected) (batch started at \(batch.first)); resending from seq \(expected)"
            ))
        markHealthy()
        // A hub that keeps asking for the same thing should not be asked again at full speed.
        let at: ContinuousClock.Instant? =
            consecutiveGaps > 2 ? .now + backoff.nextDelay(unit: context.random()) : nil
        return .rewind(to: expected, at: at)
    }

    private func invalidEvents(_ reasons: [Int64: String], detail: String, _ batch: PreparedBatch) -> Step {
        var rejected = batch.events.compactMap { event in reasons[event.seq].map { (event, $0) } }
        if rejected.isEmpty {
            guard batch.count == 1 else {
                // The hub did not say which event: narrow it down with smaller batches.
                let probe = max(1, batch.count / 2)
                probeEvents = probe
                reader.setLimits(BatchReader.Limits(events: min(probe, sizeLimits.events), bytes: sizeLimits.bytes))
                return .rewind(to: batch.first, at: nil)
            }
            rejected = [(batch.events[0], "rejected by the hub (422): \(detail)")]
        }
        for (event, reason) in rejected {
            if let step = deadLetter(event, reason: reason) { return step }
        }
        markHealthy()
        return .rewind(to: batch.first, at: nil)
    }

    private func tooLarge(_ batch: PreparedBatch, hubLimit: Int64?) -> Step {
        if batch.count == 1 {
            let event = batch.events[0]
            if let step = deadLetter(
                event, reason: "event of \(event.body.count) bytes is larger than the hub accepts (413)")
            {
                return step
            }
            return .rewind(to: batch.first, at: nil)
        }
        var bytes = min(sizeLimits.bytes, batch.eventBytes / 2)
        // Leave room for the envelope and backlog under a limit the hub told us.
        if let hubLimit { bytes = min(bytes, Int(clamping: hubLimit) - 4_096) }
        sizeLimits = BatchReader.Limits(events: max(1, min(sizeLimits.events, batch.count / 2)), bytes: max(1, bytes))
        reader.setLimits(sizeLimits)
        context.log(
            ForwarderLogRecord(
                level: .warning, stream: stream,
                message: "hub refused a batch of \(batch.count) events (\(batch.eventBytes) bytes) as too large (413); "
                    + "batches now hold at most \(sizeLimits.events) events / \(sizeLimits.bytes) bytes"))
        return .rewind(to: batch.first, at: nil)
    }

    /// A stored event the encoder refuses (not a canonical event object) can never be sent:
    /// dead-letter it like a hub refusal.
    func unencodable(_ batch: PreparedBatch, _ error: BatchEncodingError) -> Step {
        switch error {
        case .notAnEventObject(let seq):
            guard let event = batch.events.first(where: { $0.seq == seq }) else {
                halt(because: "\(error)")
                return .halt
            }
            if let step = deadLetter(
                event, reason: "the journal's bytes for this event are not a canonical event object")
            {
                return step
            }
            return .rewind(to: batch.first, at: nil)
        case .nonContiguousSeq:
            halt(because: "\(error)")
            return .halt
        }
    }

    // MARK: Helpers

    /// Moves `event` to the dead letters with a tombstone at its seq. Returns a step only when
    /// that failed (retry later) or is impossible (the event is itself a tombstone).
    private func deadLetter(_ event: StoredEvent, reason: String) -> Step? {
        if event.type == Tombstone.eventType {
            halt(
                because: "hub rejected the tombstone at seq \(event.seq) (\(reason)); the stream cannot continue "
                    + "without a gap")
            return .halt
        }
        let tombstone: JournalRecord
        do {
            tombstone = try Tombstone.record(for: event, stream: stream, reason: reason)
        } catch {
            halt(because: "cannot make a tombstone for seq \(event.seq): \(error)")
            return .halt
        }
        do {
            try placeTombstone(tombstone, for: event, reason: reason)
        } catch .alreadyDeadLettered {
            return nil  // an earlier attempt did it; the tombstone is in place
        } catch {
            return backOff(
                backoff.nextDelay(unit: context.random()), key: "journal",
                "cannot dead-letter seq \(event.seq): \(error)", rewindTo: event.seq)
        }
        condition.withLock { deadLettered += 1 }
        context.health.recordFailure(stream: stream, "seq \(event.seq) (\(event.id)) dead-lettered: \(reason)")
        context.log(
            ForwarderLogRecord(
                level: .warning, stream: stream,
                message: "dead-lettered seq \(event.seq) (id \(event.id)): \(reason); a tombstone takes its place"))
        return nil
    }

    /// Dead-letters `event` with `tombstone` at its seq. When the plain tombstone id is taken (this
    /// event was dead-lettered before, retried by an operator, and refused again), a seq-qualified
    /// tombstone takes this seq instead: ids are unique in the journal.
    private func placeTombstone(_ tombstone: JournalRecord, for event: StoredEvent, reason: String)
        throws(JournalError)
    {
        do {
            try context.journal.deadLetter(stream: stream, seq: event.seq, reason: reason, tombstone: tombstone)
        } catch .invalidRecord(_, let why) where why.contains(tombstone.id) {
            guard let qualified = try? Tombstone.record(for: event, stream: stream, reason: reason, qualified: true)
            else { throw .invalidRecord(index: 0, reason: why) }
            try context.journal.deadLetter(stream: stream, seq: event.seq, reason: reason, tombstone: qualified)
        }
    }

    private func acknowledge(through seq: Int64) {
        let previous = condition.withLock { acknowledgedSeq }
        guard seq > previous else { return }
        context.bookkeeper.acknowledge(stream: stream, through: seq)
        figures.acknowledged(through: seq)
        condition.withLock {
            acknowledgedSeq = seq
            drain.record(seq - previous)
        }
    }

    /// Records a retryable failure: state, last error, a log line if the condition is new
    /// (`key` nil: hub-wide, logged by `HubHealth`). Retries the same batch, or rewinds.
    private func backOff(_ delay: Duration, key: String?, _ message: String, rewindTo seq: Int64? = nil) -> Step {
        let until = context.clock() + delay.milliseconds
        context.health.recordFailure(stream: stream, message)
        if let key, key != loggedCondition {
            loggedCondition = key
            context.log(ForwarderLogRecord(level: .warning, stream: stream, message: message + "; backing off"))
        }
        condition.withLock { state = .backingOff(until: until, reason: message) }
        let at = ContinuousClock.now + delay
        if let seq { return .rewind(to: seq, at: at) }
        return .retry(at: at)
    }

    private func markHealthy() {
        condition.withLock { state = .ok }
        if loggedCondition != nil {
            loggedCondition = nil
            context.log(ForwarderLogRecord(level: .info, stream: stream, message: "forwarding again"))
        }
    }

    private func journalLastSeq() -> Int64? {
        (try? context.journal.backlog())?.first { $0.stream == stream }?.lastSeq
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}
