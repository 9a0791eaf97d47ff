import Foundation
import PlantModel

/// A hub and an agent of one `SyncRig`, both running, for the end-to-end sync tests.
struct SyncPair {
    let rig: SyncRig
    let hub: ServiceProcess
    let agent: ServiceProcess
    let hubPort: UInt16

    var logs: String { "hub log:\n\(hub.log)\nagent log:\n\(agent.log)" }

    /// Starts a hub knowing `plants` (serving `certificate`, default the rig's hub certificate), then
    /// an agent for `plant` with `token` trusting `caFile` (default the rig's CA); runs `body` and
    /// stops both (their processes are killed anyway if `body` throws).
    static func run(
        root: String, plants: [SyncRig.Plant], plant: String, token: String,
        certificate: ((SyncRig) throws -> IssuedCertificate)? = nil, caFile: ((SyncRig) throws -> String)? = nil,
        _ body: (SyncPair) throws -> Void
    ) throws {
        let rig = try SyncRig(root: root)
        try rig.writeHubConfig(plants: plants, certificate: try certificate?(rig))
        let hub = ServiceProcess.hub(config: rig.hubConfig)
        let hubPort = try ServiceProcess.listeningPort(try hub.start())
        try rig.writeAgentConfig(plant: plant, token: token, hubPort: hubPort, caFile: try caFile?(rig))
        let agent = ServiceProcess.agent(config: rig.agentConfig)
        try agent.start()
        try body(SyncPair(rig: rig, hub: hub, agent: agent, hubPort: hubPort))
        try agent.stop()
        try hub.stop()
    }

    /// Drops `count` inventory rows numbered from `first` as file `name`; returns the staged copy's
    /// digest (the one in the rows' event ids).
    @discardableResult
    func dropInventory(name: String, first: Int = 1, count: Int) throws -> String {
        let staged = try rig.stageFile(stream: "inventory", name: name, first: first, count: count)
        let digest = try SyncRig.digests([staged])[staged] ?? ""
        try rig.drop(staged, stream: "inventory", name: name)
        return digest
    }

    /// Waits until the agent's status satisfies `condition` for the inventory stream; returns the status.
    @discardableResult
    func waitForInventory(
        _ what: String, timeout: Duration = .seconds(30),
        _ condition: @escaping ((lastSeq: Int64, ackedThrough: Int64, pending: Int64)) -> Bool
    ) throws -> JSONValue {
        var status = JSONValue.null
        try waitUntil(what, timeout: timeout, poll: .milliseconds(100), detail: { "status: \(status)\n\(logs)" }) {
            status = try rig.agentStatus()
            return SyncRig.journalStreams(status)["inventory"].map(condition) ?? false
        }
        return status
    }

    /// Waits until the agent journaled `count` inventory events; returns its status then.
    @discardableResult
    func waitForJournaled(count: Int64) throws -> JSONValue {
        try waitForInventory("\(count) inventory events journaled") { $0.lastSeq == count }
    }

    /// The `hub` object of `plantsync status --json` once it satisfies `condition`; nil when the
    /// running agent writes no state record (`agent.state_written_at` stays null for 3 s): then the
    /// status can only show the journal's side, and the caller relies on the log lines.
    func hubStatus(where condition: @escaping (JSONValue) -> Bool) throws -> JSONValue? {
        var found: JSONValue?
        var last = JSONValue.null
        let noRecordBy = ContinuousClock.now + .seconds(3)
        try waitUntil(
            "status shows the hub's state", timeout: .seconds(15), poll: .milliseconds(100),
            detail: { "last status: \(last)" }
        ) {
            last = try rig.agentStatus()
            let recorded = last["agent"]?["state_written_at"].map { !$0.isNull } ?? false
            if !recorded { return ContinuousClock.now > noRecordBy }
            guard let hub = last["hub"], !hub.isNull, condition(hub) else { return false }
            found = hub
            return true
        }
        return found
    }

    /// A reader of the hub's API with `token`.
    func reader(token: String) -> HubReadClient {
        HubReadClient(port: hubPort, caFile: rig.ca.certificate, token: token)
    }
}
