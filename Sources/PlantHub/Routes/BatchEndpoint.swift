import PlantModel
import PlantNet

/// `POST /v1/batches`: authenticate, decode, check, then hand the batch to the commit thread and
/// answer only after the store decided (200 only after the commit is durable).
///
/// Runs on the connection's thread; nothing here holds a lock while decoding or hashing.
struct BatchEndpoint: Sendable {
    let tokens: PlantTokens
    let committer: BatchCommitter
    let rules: EventRules
    let maxBatchBytes: Int
    let maxBatchEvents: Int
    let log: @Sendable (String) -> Void
    /// Called after a batch was stored: the ERP outbox's workers start on it now instead of at their
    /// next poll.
    var stored: @Sendable () -> Void = {}

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let plant: String
        switch tokens.authenticate(authorization: request.headers["Authorization"]) {
        case .success(let owner): plant = owner
        case .failure(let failure):
            log(HubLog.line("warning", "batch refused: \(failure.description)", ["peer": request.remoteAddress ?? "?"]))
            return HubResponses.unauthorized(failure)
        }
        let batch: BatchRequest
        do {
            // The event count is checked below so that it gets a 413, not a 400.
            batch = try BatchRequest.decode(request.body, limits: .init(maxBytes: maxBatchBytes, maxEvents: .max))
        } catch {
            switch error.code {
            case .tooLarge:
                return HubResponses.tooLarge(
                    message: error.description, maxBytes: maxBatchBytes, maxEvents: maxBatchEvents)
            case .malformed:
                log(
                    HubLog.line(
                        "warning", "batch refused: not a valid batch", ["plant": plant, "error": error.description]))
                return HubResponses.error(400, "bad_request", message: error.description)
            }
        }
        if batch.events.count > maxBatchEvents {
            return HubResponses.tooLarge(
                message: "\(batch.events.count) events exceed the limit of \(maxBatchEvents) per batch",
                maxBytes: maxBatchBytes, maxEvents: maxBatchEvents)
        }
        guard batch.plant == plant else {
            log(
                HubLog.line(
                    "warning", "batch refused: token of another plant", ["token_plant": plant, "plant": batch.plant]))
            return HubResponses.error(
                403, "forbidden", message: "the token is for plant \(plant), the batch is for plant \(batch.plant)")
        }
        let checked = CheckedBatch(batch: Self.incoming(batch), rejections: rules.rejections(batch))
        switch committer.submit(checked) {
        case .decided(.accepted(let ackedThrough)):
            stored()
            return HubResponses.acknowledged(ackedThrough)
        case .decided(.gap(let expected, let acked)):
            log(
                HubLog.line(
                    "info", "sequence gap",
                    [
                        "plant": plant, "stream": batch.stream, "epoch": batch.epoch,
                        "first_seq": String(batch.firstSeq),
                        "expected_seq": String(expected),
                    ]))
            return HubResponses.gap(expectedSeq: expected, ackedThrough: acked)
        case .decided(.conflict(let conflict)):
            log(
                HubLog.line(
                    "error", HubResponses.conflictReason(conflict, plant: plant, stream: batch.stream),
                    [
                        "plant": plant, "stream": batch.stream, "epoch": batch.epoch, "seq": String(conflict.seq),
                    ]))
            return HubResponses.conflict(conflict, plant: plant, stream: batch.stream)
        case .decided(.unprocessable(let rejections, let acked)):
            for rejection in rejections {
                log(
                    HubLog.line(
                        "warning", "event refused: \(rejection.message)",
                        [
                            "plant": plant, "stream": batch.stream, "seq": String(rejection.seq), "id": rejection.id,
                            "reason": rejection.reason.rawValue,
                        ]))
            }
            return HubResponses.invalidEvents(rejections, ackedThrough: acked)
        case .failed(let message):
            log(HubLog.line("error", "batch not stored: \(message)", ["plant": plant, "stream": batch.stream]))
            return HubResponses.slowDown(
                status: 503, code: "store_unavailable", message: "the hub could not store the batch: \(message)",
                retryAfterSeconds: 5)
        case .overloaded(let seconds):
            return HubResponses.slowDown(
                status: 503, code: "overloaded", message: "the hub has too many batches waiting to be stored",
                retryAfterSeconds: seconds)
        case .plantBusy(let seconds):
            return HubResponses.slowDown(
                status: 429, code: "too_many_requests",
                message: "plant \(plant) has \(committer.limits.maxPendingPerPlant) batches waiting already",
                retryAfterSeconds: seconds)
        case .stopping:
            return HubResponses.slowDown(
                status: 503, code: "shutting_down", message: "the hub is shutting down", retryAfterSeconds: 5)
        }
    }

    static func incoming(_ batch: BatchRequest) -> IncomingBatch {
        IncomingBatch(
            plant: batch.plant, stream: batch.stream, epoch: batch.epoch, firstSeq: batch.firstSeq,
            events: batch.events.map {
                IncomingEvent(
                    seq: $0.seq, id: $0.id.rawValue, type: $0.type, occurredAt: $0.occurredAt.millisecondsSinceEpoch,
                    canonical: $0.canonical)
            },
            backlog: batch.backlog.sorted { $0.key < $1.key }.map {
                BacklogReport(stream: $0.key, pending: $0.value.pending, oldestAgeSeconds: $0.value.oldestAgeSeconds)
            })
    }
}
