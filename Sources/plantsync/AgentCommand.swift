import Foundation
import PlantAgent
import PlantConfig

extension Command {
    /// `plantsync agent`: the per-plant daemon.
    static let agent = Command(
        name: "agent",
        summary: "Run the plant agent: capture, journal, aggregate and forward to the hub.",
        usage: "agent [--config FILE] [--accept-journal-loss]",
        details: """
            --config FILE   the agent configuration (default /etc/plantsync/agent.yaml)
            --accept-journal-loss
                            start even though the journal lost committed events (its WAL or database was
                            damaged while the agent was down); the loss is logged as an error. Without it,
                            the agent refuses to start and names the missing seqs.
            SIGTERM or SIGINT stop it gracefully: inputs first, then the aggregator's partial confirmations,
            the forwarder's in-flight batches, and the journal last. SIGHUP is logged and ignored: restart
            the service to apply a changed configuration (inputs hold devices and sockets that a reload
            would have to hand over without losing a scan; a restart is as fast and loses nothing).
            """,
        spec: OptionSpec(flags: ["--accept-journal-loss"], valued: ["--config"]),
        run: { options in
            ProcessSignals.blockAll()
            let path = options.value("--config") ?? "/etc/plantsync/agent.yaml"
            let configuration: AgentConfiguration
            switch AgentConfigurationLoader.load(path: path) {
            case .success(let loaded): configuration = loaded
            case .failure(let errors):
                writeError(errors.description)
                writeError("\(path): \(errors.errors.count) problem(s); the agent did not start")
                return ExitCode.config
            }
            let logger = AgentLogger(settings: configuration.log)
            let notifier = SystemdNotifier()
            let agent = Agent(
                configuration: configuration, logger: logger,
                acceptJournalLoss: options.flags.contains("--accept-journal-loss"))
            do {
                try agent.start()
            } catch {
                logger.error("agent", "could not start", [("error", "\(error)")])
                agent.stop()
                return ExitCode.software
            }
            logger.info("agent", "running", [("plant", configuration.plant), ("config", path)])
            notifier.notify("READY=1\nSTATUS=running")
            let watchdog = notifier.watchdogInterval.map { interval in
                PeriodicThread(name: "plantsync-watchdog", interval: interval) { notifier.notify("WATCHDOG=1") }
            }
            while true {
                switch ProcessSignals.wait() {
                case .reload:
                    logger.warning("agent", "SIGHUP: configuration reload is not supported; restart the service")
                    continue
                case .terminate(let name):
                    logger.info("agent", "stopping", [("signal", name)])
                }
                break
            }
            notifier.notify("STOPPING=1")
            watchdog?.stop()
            agent.stop()
            logger.info("agent", "stopped")
            return ExitCode.ok
        })
}
