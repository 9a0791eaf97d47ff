import Glibc
import PlantModel
import PlantNet

/// Reads one connection until it ends: bytes → lines → samples → tag filter → the sink, one batch per read;
/// with the raw stream on, the samples its filter keeps also go, one batch per read, to the feed's
/// `RawStreamCommitter` (which never blocks). Bad lines and values are quarantined with the peer and line
/// number; nothing a peer sends can stop the loop except closing the connection. Lives on the connection's
/// own thread.
struct FeedConnectionReader {
    /// How a connection ended.
    enum End: Equatable {
        case closedByPeer
        case failed(SocketError)
        /// No bytes for `idle_timeout`.
        case idle
        /// The feed is stopping.
        case stopped
    }

    static let readSize = 64 << 10

    let input: String
    let format: TelemetryFormat
    let sink: any CaptureSink
    let state: FeedState
    private var framer: LineFramer
    private var router: TagRouter
    /// Both nil while the raw stream is off: then it costs a sample one nil check.
    private var raw: RawTelemetryFilter?
    private let rawCommitter: RawStreamCommitter?
    private var buffer: [UInt8]
    /// Whether any byte arrived (connect mode resets its backoff only for a connection that worked).
    private(set) var receivedData = false

    init(
        input: String, configuration: TelemetryFeed.Configuration, sink: any CaptureSink, state: FeedState,
        rawCommitter: RawStreamCommitter?
    ) {
        self.input = input
        self.format = configuration.format
        self.sink = sink
        self.state = state
        framer = LineFramer(maxLineBytes: configuration.maxLineBytes)
        router = TagRouter(filter: configuration.tags)
        self.rawCommitter = rawCommitter
        raw = rawCommitter == nil ? nil : RawTelemetryFilter(settings: configuration.rawStream)
        buffer = [UInt8](repeating: 0, count: Self.readSize)
    }

    mutating func run(_ connection: TCPConnection, idleTimeout: Duration?, stop: StopSignal) -> End {
        connection.readTimeout = idleTimeout
        connection.stop = stop
        try? connection.setKeepAlive(true, idle: .seconds(30))
        let peer = connection.peer
        while true {
            let result = buffer.withUnsafeMutableBytes { raw in
                Result { () throws(SocketError) -> Int in try connection.read(into: raw) }
            }
            let count: Int
            switch result {
            case .success(let read):
                count = read
            case .failure(let error):
                if error.isCancelled { return .stopped }
                finish(peer: peer)
                return error.isTimeout ? .idle : .failed(error)
            }
            if count == 0 {
                finish(peer: peer)
                return .closedByPeer
            }
            receivedData = true
            consume(count, peer: peer)
        }
    }

    /// Frames, parses, filters and delivers what one read brought.
    private mutating func consume(_ count: Int, peer: String) {
        var counts = FeedState.ReadCounts()
        counts.bytes = count
        var batch: [TelemetrySample] = []
        var kept: [TelemetrySample] = []
        var input = buffer[0..<count]
        while let frame = framer.decode(&input) {
            counts.lines += 1
            switch frame {
            case .line(let line):
                handle(line, peer: peer, into: &batch, kept: &kept, counts: &counts)
            case .overlong(let excerpt):
                quarantine(
                    "line longer than \(framer.maxLineBytes) bytes; skipped up to the next newline", peer: peer,
                    excerpt: excerpt)
            case .truncated(let bytes):
                quarantine("connection closed mid-line", peer: peer, excerpt: bytes)
            }
        }
        if !kept.isEmpty { rawCommitter?.submit(kept) }
        if !batch.isEmpty { sink.deliver(batch, from: self.input) }
        state.record(counts)
    }

    private mutating func handle(
        _ line: [UInt8], peer: String, into batch: inout [TelemetrySample], kept: inout [TelemetrySample],
        counts: inout FeedState.ReadCounts
    ) {
        let parsed: TelemetryLine
        do throws(TelemetryLineError) {
            parsed = try format.parse(line)
        } catch {
            quarantine(error.reason, peer: peer, excerpt: line)
            return
        }
        for reason in parsed.rejectedValues { quarantine(reason, peer: peer, excerpt: line) }
        for var sample in parsed.samples {
            guard let tag = router.route(sample.tag) else {
                counts.filtered += 1
                continue
            }
            sample.tag = tag
            if raw?.keep(sample) == true {
                counts.rawKept += 1
                kept.append(sample)
            }
            batch.append(sample)
            counts.delivered += 1
        }
    }

    /// The connection ended: a line cut off by it is quarantined.
    private mutating func finish(peer: String) {
        if case .truncated(let bytes) = framer.decodeLast() {
            quarantine("connection closed mid-line", peer: peer, excerpt: bytes)
            state.record(FeedState.ReadCounts(lines: 1))
        }
    }

    private func quarantine(_ reason: String, peer: String, excerpt: [UInt8]) {
        let problem = InputProblem(
            input: input, reason: reason, location: "peer \(peer) line \(framer.lineNumber)", excerpt: excerpt)
        state.recordQuarantine(problem)
        sink.quarantine(problem)
    }
}
