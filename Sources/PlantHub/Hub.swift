import Foundation
import PlantConfig
import PlantNet

/// A running hub: the store (one commit thread), the read side, and the HTTP(S) server that
/// agents and operators talk to. Start order: store, then server; `stop()` reverses it — the
/// server stops taking requests and finishes those in flight, then the commit thread commits what
/// is queued, checkpoints and closes the store.
public final class Hub: Sendable {
    /// The port the server listens on (the OS's choice when `listen` has port 0).
    public let port: UInt16
    /// `<data_dir>/hub.sqlite`.
    public let storePath: String
    private let server: HTTPServer
    private let committer: BatchCommitter
    private let reader: HubStoreReader
    private let consumerCursors: ConsumerCursors
    private let outbox: ERPOutbox

    /// Opens the store in `configuration.dataDirectory` (created if missing) and starts serving.
    /// Throws `HubStartError` naming what failed.
    public init(configuration: HubConfiguration, options: HubOptions = HubOptions()) throws(HubStartError) {
        let directory = configuration.dataDirectory
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw .dataDirectory(path: directory, detail: "\(error.localizedDescription)")
        }
        storePath = directory.hasSuffix("/") ? directory + "hub.sqlite" : directory + "/hub.sqlite"
        do {
            committer = try BatchCommitter(
                path: storePath, durability: configuration.durability == .full ? .full : .normal,
                limits: options.commitQueue, clock: options.clock)
        } catch {
            throw .store(error)
        }
        reader = HubStoreReader(path: storePath)

        let plantTokens = PlantTokens(configuration.plants.map { (plant: $0.id, tokenSHA256: $0.tokenSHA256) })
        let readerTokens = PlantTokens(
            options.readerTokenSHA256.map { (plant: "*", tokenSHA256: $0) }
                + configuration.readers.map { (plant: $0.name, tokenSHA256: $0.tokenSHA256) })
        do {
            consumerCursors = try ConsumerCursors(storePath: storePath, now: options.clock())
            outbox = try ERPOutbox(
                storePath: storePath, connectors: configuration.erp.connectors,
                factories: Dictionary(
                    configuration.erp.connectors.map {
                        ($0.name, ERPConnectors.factory(for: $0, clock: options.clock))
                    },
                    uniquingKeysWith: { first, _ in first }),
                clock: options.clock, log: options.log)
        } catch {
            committer.stop()
            throw .store(error)
        }
        let maxBatchBytes = Int(clamping: configuration.limits.maxBatchBytes.bytes)
        let erpOutbox = outbox
        let router = HubRouter(
            batches: BatchEndpoint(
                tokens: plantTokens, committer: committer, rules: options.eventRules, maxBatchBytes: maxBatchBytes,
                maxBatchEvents: configuration.limits.maxBatchEvents, log: options.log,
                stored: { erpOutbox.wake() }),
            reads: ReadEndpoints(
                plantTokens: plantTokens, readerTokens: readerTokens, reader: reader,
                defaultFeedLimit: options.defaultFeedLimit, maxFeedLimit: options.maxFeedLimit, clock: options.clock),
            consumers: ConsumerEndpoints(
                readerTokens: readerTokens,
                consumers: Dictionary(
                    configuration.consumers.map { ($0.name, $0.reader) }, uniquingKeysWith: { a, _ in a }),
                cursors: consumerCursors, clock: options.clock),
            erpStatus: ERPStatusView(
                cursors: consumerCursors, connectors: configuration.erp.connectors.map(\.name),
                consumers: configuration.consumers.map(\.name)))

        var http = HTTPServerConfiguration(
            host: configuration.listen.host, port: UInt16(clamping: configuration.listen.port))
        http.maxConnections = configuration.limits.maxConnections
        http.idleTimeout = options.idleTimeout
        http.limits.maxBodyBytes = maxBatchBytes
        if let tls = configuration.tls {
            do {
                http.tls = try TLSServerContext(
                    certFile: tls.certificateFile, keyFile: tls.keyFile, clientCAFile: tls.clientCAFile)
            } catch {
                outbox.stop()
                committer.stop()
                throw .tls(error.description)
            }
        }
        do {
            server = try HTTPServer(configuration: http) { request in router.handle(request) }
        } catch {
            outbox.stop()
            committer.stop()
            throw .listen(address: configuration.listen.description, detail: "\(error)")
        }
        port = server.port
        options.log(
            HubLog.line(
                "notice", "hub listening",
                [
                    "address": "\(configuration.listen.host):\(port)", "tls": configuration.tls == nil ? "off" : "on",
                    "store": storePath, "plants": String(configuration.plants.count),
                ]))
    }

    /// Stops serving (requests in flight are answered), then commits what is queued and closes the
    /// store. Safe to call more than once.
    public func stop(gracePeriod: Duration = .seconds(5)) {
        server.stop(gracePeriod: gracePeriod)
        outbox.stop()  // after its posting in flight; cursors are committed as they move
        consumerCursors.close()
        reader.close()  // before the writer closes, so the last close can remove the WAL
        committer.stop()
    }

    /// Batches waiting for or in a commit.
    public var pendingBatches: Int { committer.pendingCount }

    /// Connections open now (agents keep theirs alive between batches).
    public var activeConnections: Int { server.activeConnections }

    /// Connections accepted since start.
    public var connectionsAccepted: Int { server.statistics.connectionsAccepted }
}

/// Why a hub could not start.
public enum HubStartError: Error, Sendable, CustomStringConvertible {
    case dataDirectory(path: String, detail: String)
    case store(HubStoreError)
    case tls(String)
    case listen(address: String, detail: String)

    public var description: String {
        switch self {
        case let .dataDirectory(path, detail): "data_dir \(path): cannot create it: \(detail)"
        case let .store(error): error.description
        case let .tls(detail): "tls: \(detail)"
        case let .listen(address, detail): "listen \(address): \(detail)"
        }
    }
}
