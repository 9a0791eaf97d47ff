import Foundation
import TrytonTestSupport

/// A plant and a hub that posts to Tryton, set up as an operator would in a temporary directory: the
/// `SyncRig`'s CA, hub certificate and enrolled token; `hub.yaml` with a `tryton` connector mapping plant
/// P100, the scanner's catalogue GTINs, location A-01 and units PCE/EA to the database `tryton-setup`
/// prepares; `agent.yaml` with a Kepware telemetry feed for line L3 and a receiving scanner (`plantsync
/// simulate line` / `simulate scanner` connect to them). Ports are fixed, so a hub or agent started again
/// listens where the other side expects it.
struct TrytonPlantRig {
    /// The scanner simulator's catalogue (`--items 3`) as GTIN-14s: `0` `4012345` `0` item check-digit.
    static let catalogueGTINs = (1...3).map { item in gtin14("0401234500" + String(format: "%03d", item)) }

    let sync: SyncRig
    let plant: SyncRig.Plant
    let hubPort: UInt16
    let feedPort: Int
    let scannerPort: Int

    /// Makes the directories, certificates and token, and writes both configurations. `trytonPort` is
    /// where the hub finds trytond (or a proxy in front of it).
    init(root: String, trytonPort: UInt16, trytonPasswordFile: String) throws {
        sync = try SyncRig(root: root)
        plant = try SyncRig.enrol("P100")
        hubPort = UInt16(try TrytonServer.freePort())
        feedPort = try TrytonServer.freePort()
        scannerPort = try TrytonServer.freePort()
        try sync.writeHubConfig(plants: [plant])
        var hub = try String(contentsOfFile: sync.hubConfig, encoding: .utf8)
        hub = hub.replacingOccurrences(of: "listen: 127.0.0.1:0\n", with: "listen: 127.0.0.1:\(hubPort)\n")
        hub += Self.erpSection(trytonPort: trytonPort, passwordFile: trytonPasswordFile)
        try hub.write(toFile: sync.hubConfig, atomically: true, encoding: .utf8)
        try writeAgentConfig()
    }

    var hubConfig: String { sync.hubConfig }
    var agentConfig: String { sync.agentConfig }

    /// A reader of the hub's API with the plant's token.
    var hubReader: HubReadClient { HubReadClient(port: hubPort, caFile: sync.ca.certificate, token: plant.token) }

    private static func erpSection(trytonPort: UInt16, passwordFile: String) -> String {
        let products = catalogueGTINs.map { "          \"\($0)\": FG-100\n" }.joined()
        // Retries and polling short, so a restarted hub resumes within the test's patience.
        return """
            erp:
              connectors:
                - name: tryton
                  type: tryton
                  streams: [production, inventory]
                  retry_initial: 100ms
                  retry_max: 1s
                  poll_interval: 100ms
                  tryton:
                    url: http://127.0.0.1:\(trytonPort)
                    allow_plain_http: true
                    database: \(TrytonServer.database)
                    user: \(TrytonServer.user)
                    password_file: \(passwordFile)
                    request_timeout: 30s
                    plants:
                      - plant: P100
                        company: 1
                        warehouse: WH
                    products:

            """ + products + """
                        locations:
                          A-01: A-01
                        units:
                          PCE: u
                          EA: u
                        do_moves: true

                """
    }

    private func writeAgentConfig() throws {
        let tokenFile = sync.root + "/agent/agent.token"
        try plant.token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile)
        try """
        plant: P100
        data_dir: \(sync.agentData)
        durability: full
        log:
          level: info
        hub:
          url: https://127.0.0.1:\(hubPort)
          token_file: \(tokenFile)
          ca_file: \(sync.ca.certificate)
          connect_timeout: 2s
          request_timeout: 10s
        status:
          listen: 127.0.0.1:0
        inputs:
          - name: press-l3
            type: telemetry_tcp
            listen: 127.0.0.1:\(feedPort)
            format: kepware_json
          - name: dock-1
            type: scanner_tcp
            mode: server
            listen: 127.0.0.1:\(scannerPort)
            station:
              id: DOCK-1
              movement: receipt
        lines:
          - line: L3
            work_center: WC-L3
            counters:
              good: PLC1.L3.GoodCount
              scrap: PLC1.L3.ScrapCount
            state:
              tag: PLC1.L3.State
              values:
                "1": running
                "3": down
              reason_tag: PLC1.L3.StopReason
            order:
              tag: PLC1.L3.Order
            window: 2s
            lateness: 1s

        """.write(toFile: sync.agentConfig, atomically: true, encoding: .utf8)
    }

    /// GS1 mod-10: 13 data digits and their check digit (weights 3, 1, … from the right).
    private static func gtin14(_ data: String) -> String {
        let sum = data.reversed().enumerated().reduce(0) { sum, digit in
            sum + Int(String(digit.element))! * (digit.offset % 2 == 0 ? 3 : 1)
        }
        return data + String((10 - sum % 10) % 10)
    }
}
