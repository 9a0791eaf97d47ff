import PlantNet

/// Who may read: a reader token sees every plant; a plant's own token sees only that plant.
enum ReadAccess: Sendable, Equatable {
    case allPlants
    case plant(String)

    func allows(_ plant: String) -> Bool {
        switch self {
        case .allPlants: true
        case .plant(let own): own == plant
        }
    }
}

/// `GET /v1/plants` and `GET /v1/events`: the operators' and ERP middleware's view. Reads run on
/// the connection's thread against a WAL snapshot; they never wait for the commit thread.
struct ReadEndpoints: Sendable {
    let plantTokens: PlantTokens
    let readerTokens: PlantTokens
    let reader: HubStoreReader
    let defaultFeedLimit: Int
    let maxFeedLimit: Int
    let clock: @Sendable () -> Int64

    func access(_ request: HTTPRequest) -> Result<ReadAccess, PlantTokens.Failure> {
        let header = request.headers["Authorization"]
        if case .success = readerTokens.authenticate(authorization: header) { return .success(.allPlants) }
        return plantTokens.authenticate(authorization: header).map { .plant($0) }
    }

    func plants(_ request: HTTPRequest) -> HTTPResponse {
        let access: ReadAccess
        switch self.access(request) {
        case .success(let granted): access = granted
        case .failure(let failure): return HubResponses.unauthorized(failure)
        }
        let statuses: [PlantStatus]
        do {
            statuses = try reader.plantStatuses(configured: plantTokens.plants).filter { access.allows($0.plant) }
        } catch {
            return HubResponses.slowDown(
                status: 503, code: "store_unavailable", message: error.description, retryAfterSeconds: 5)
        }
        let now = clock()
        var body = JSONObjectBuilder(capacity: 512 * max(1, statuses.count))
        body.timestamp("now", milliseconds: now)
        body.array("plants", statuses) { status in Self.encode(status, now: now) }
        return HubResponses.json(200, body.finish())
    }

    static func encode(_ status: PlantStatus, now: Int64) -> [UInt8] {
        var plant = JSONObjectBuilder()
        plant.timestamp("last_seen", milliseconds: status.lastSeenAt)
        plant.string("plant", status.plant)
        plant.array("streams", status.streams) { stream in
            var object = JSONObjectBuilder()
            object.integer("acked_through", stream.ackedThrough)
            if let backlog = stream.backlog {
                var reported = JSONObjectBuilder()
                reported.optionalInteger("oldest_age_s", backlog.oldestAgeSeconds)
                reported.integer("pending", backlog.pending)
                reported.timestamp("reported_at", milliseconds: backlog.reportedAt)
                object.raw("backlog", reported.finish())
            } else {
                object.null("backlog")
            }
            object.optionalString("epoch", stream.epoch)
            object.integer("feed_through", stream.feedThrough)
            object.optionalInteger("lag_s", stream.lagSeconds(now: now))
            object.timestamp("last_batch_at", milliseconds: stream.lastBatchAt)
            object.timestamp("last_occurred_at", milliseconds: stream.lastOccurredAt)
            object.string("stream", stream.stream)
            return object.finish()
        }
        return plant.finish()
    }

    func events(_ request: HTTPRequest) -> HTTPResponse {
        let access: ReadAccess
        switch self.access(request) {
        case .success(let granted): access = granted
        case .failure(let failure): return HubResponses.unauthorized(failure)
        }
        guard let query = QueryParameters(request.query) else {
            return HubResponses.error(
                400, "bad_request", message: "malformed query string: repeated parameter or bad %-escape")
        }
        for key in query.values.keys.sorted() where !["after", "limit", "plant", "stream"].contains(key) {
            return HubResponses.error(
                400, "bad_request", message: "unknown query parameter \"\(key)\"; expected plant, stream, after, limit")
        }
        guard let plant = query["plant"], !plant.isEmpty else {
            return HubResponses.error(400, "bad_request", message: "missing query parameter \"plant\"")
        }
        guard let stream = query["stream"], !stream.isEmpty else {
            return HubResponses.error(400, "bad_request", message: "missing query parameter \"stream\"")
        }
        var after: Int64 = 0
        if let text = query["after"] {
            guard let value = Int64(text), value >= 0 else {
                return HubResponses.error(
                    400, "bad_request", message: "after must be a feed position (an integer ≥ 0), found \"\(text)\"")
            }
            after = value
        }
        var limit = defaultFeedLimit
        if let text = query["limit"] {
            guard let value = Int(text), (1...maxFeedLimit).contains(value) else {
                return HubResponses.error(
                    400, "bad_request", message: "limit must be an integer 1–\(maxFeedLimit), found \"\(text)\"")
            }
            limit = value
        }
        guard access.allows(plant) else {
            return HubResponses.error(403, "forbidden", message: "this token may read only its own plant's events")
        }
        let page: FeedPage?
        do {
            page = try reader.feed(plant: plant, stream: stream, after: after, limit: limit)
        } catch {
            return HubResponses.slowDown(
                status: 503, code: "store_unavailable", message: error.description, retryAfterSeconds: 5)
        }
        let known = page != nil || plantTokens.plants.contains(plant)
        guard known else {
            return HubResponses.error(404, "unknown_plant", message: "no plant \"\(plant)\" is configured or stored")
        }
        let result = page ?? FeedPage(plant: plant, stream: stream, events: [], feedThrough: 0, nextAfter: after)
        return HubResponses.json(200, Self.encode(result))
    }

    static func encode(_ page: FeedPage) -> [UInt8] {
        let size = page.events.reduce(256) { $0 + $1.canonical.count + 128 }
        var body = JSONObjectBuilder(capacity: size)
        body.array("events", page.events) { event in
            var object = JSONObjectBuilder(capacity: event.canonical.count + 128)
            object.string("epoch", event.epoch)
            object.raw("event", event.canonical)
            object.integer("position", event.position)
            object.timestamp("received_at", milliseconds: event.receivedAt)
            object.integer("seq", event.seq)
            return object.finish()
        }
        body.integer("feed_through", page.feedThrough)
        body.integer("next_after", page.nextAfter)
        body.string("plant", page.plant)
        body.string("stream", page.stream)
        return body.finish()
    }
}
