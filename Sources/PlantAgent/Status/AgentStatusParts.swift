import PlantCapture
import PlantConfig
import PlantForward
import PlantJournal

/// The agent's operations side, started after the inputs and stopped before them: the data
/// directory's lock, the state keeper (state record, backlog samples, input rates) and the
/// local status endpoint. `Agent` holds one and calls it at four points of its lifecycle.
struct AgentStatusParts {
    private var lock: AgentLock?
    private(set) var keeper: AgentStateKeeper?
    private(set) var server: StatusServer?

    /// Before the journal opens: one agent per data directory (see `AgentLock`).
    mutating func lockDataDirectory(_ directory: String) throws(AgentLock.Failure) {
        lock = try AgentLock.acquire(dataDirectory: directory)
    }

    /// After the inputs started. A status address that cannot be bound is logged, not fatal:
    /// capturing matters more than the page.
    mutating func start(
        configuration: AgentConfiguration, journal: Journal, forwarder: Forwarder?, inputs: [any InputAdapter],
        logger: AgentLogger
    ) {
        let keeper = AgentStateKeeper(
            configuration: configuration, journal: journal, forwarder: forwarder, inputs: inputs, logger: logger)
        let listen = configuration.status.listen
        do {
            let server = try StatusServer(host: listen.host, port: listen.port, provider: keeper)
            self.server = server
            logger.info("status", "listening", [("address", server.address)])
        } catch {
            logger.error(
                "status", "status endpoint not started", [("address", listen.description), ("error", "\(error)")])
        }
        keeper.start(statusListen: server?.address)
        self.keeper = keeper
    }

    /// First thing at stop: no more requests, no more periodic writes.
    mutating func stopServing() {
        server?.stop()
        server = nil
        keeper?.stop(writeFinalRecord: false)
    }

    /// After the forwarder stopped, before the journal closes: the last state record, marked
    /// stopped, so `plantsync status` says the agent stopped cleanly and when.
    mutating func writeFinalRecord() {
        keeper?.stop(writeFinalRecord: true)
        keeper = nil
    }

    /// After the journal closed.
    mutating func releaseLock() {
        lock?.release()
        lock = nil
    }
}
