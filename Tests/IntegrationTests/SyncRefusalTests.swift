import Foundation
import PlantModel
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the hub refuses, end to end with the built `plantsync` (agent and hub over TLS on
/// 127.0.0.1, certificates made with `openssl`), and how each refusal shows: a wrong token (401),
/// another plant's token (403), an untrusted or wrong-host certificate, a recreated journal (new
/// epoch accepted, duplicate ids stored once), and a conflicting repeated seq (409).
@Suite struct SyncRefusalTests {
    // MARK: Authentication

    @Test(.timeLimit(.minutes(2))) func wrongTokenIsRefusedWith401AndShownInStatus() throws {
        let plant = try SyncRig.enrol("P100")
        let stranger = try SyncRig.enrol("P100")  // a well-formed token the hub does not know
        try withTemporaryDirectory { root in
            try SyncPair.run(root: root, plants: [plant], plant: "P100", token: stranger.token) { pair in
                try pair.dropInventory(name: "goods-in.csv", count: 10)
                let line = try pair.agent.waitForLog(timeout: .seconds(30)) { $0.contains("authentication failed") }
                #expect(line.contains("level=error component=forwarder"), "\(line)")
                #expect(line.contains("authentication failed: hub answered 401 Unauthorized"), "\(line)")
                #expect(line.contains("check the plant token (hub.token_file)"), "\(line)")
                let status = try pair.waitForJournaled(count: 10)
                let streams = SyncRig.journalStreams(status)
                #expect(streams["inventory"]?.ackedThrough == 0 && streams["inventory"]?.pending == 10, "\(status)")
                if let hub = try pair.hubStatus(where: { $0["reachability"]?.stringValue == "auth failure" }) {
                    #expect(hub["reason"]?.stringValue?.contains("401") == true, "\(hub)")
                }
                // Nothing reached the store; the hub logged the refusal.
                let reader = HubReadClient(port: pair.hubPort, caFile: pair.rig.ca.certificate, token: plant.token)
                #expect(try reader.streams(plant: "P100").isEmpty)
                #expect(try reader.events(plant: "P100", stream: "inventory").isEmpty)
                try pair.hub.waitForLog(timeout: .seconds(5)) {
                    $0.contains("level=warning msg=\"batch refused: the bearer token belongs to no configured plant\"")
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func tokenOfAnotherPlantIsRefusedWith403() throws {
        let p100 = try SyncRig.enrol("P100")
        let p200 = try SyncRig.enrol("P200")
        try withTemporaryDirectory { root in
            try SyncPair.run(root: root, plants: [p100, p200], plant: "P100", token: p200.token) { pair in
                try pair.dropInventory(name: "goods-in.csv", count: 10)
                let line = try pair.agent.waitForLog(timeout: .seconds(30)) { $0.contains("authentication failed") }
                #expect(
                    line.contains(
                        "authentication failed: hub answered 403 Forbidden: forbidden: the token is not for this plant"),
                    "\(line)")
                let status = try pair.waitForJournaled(count: 10)
                #expect(SyncRig.journalStreams(status)["inventory"]?.ackedThrough == 0, "\(status)")
                if let hub = try pair.hubStatus(where: { $0["reachability"]?.stringValue == "auth failure" }) {
                    #expect(hub["reason"]?.stringValue?.contains("403") == true, "\(hub)")
                }
                let reader = HubReadClient(port: pair.hubPort, caFile: pair.rig.ca.certificate, token: p100.token)
                #expect(try reader.events(plant: "P100", stream: "inventory").isEmpty)
            }
        }
    }

    // MARK: Certificates

    @Test(.timeLimit(.minutes(2))) func hubCertificateFromAnUntrustedCAIsRefused() throws {
        let plant = try SyncRig.enrol("P100")
        try withTemporaryDirectory { root in
            try SyncPair.run(
                root: root, plants: [plant], plant: "P100", token: plant.token,
                caFile: { rig in try CertificateAuthority.make(name: "other", in: rig.root + "/pki").certificate }
            ) { pair in
                try pair.dropInventory(name: "goods-in.csv", count: 10)
                let line = try pair.agent.waitForLog(timeout: .seconds(30)) { $0.contains("certificate problem") }
                #expect(line.contains("level=error component=forwarder"), "\(line)")
                #expect(
                    line.contains(
                        "certificate problem: the hub's certificate did not verify: certificate verify failed: "
                            + "unable to get local issuer certificate; check hub.ca_file and the hub's certificate"),
                    "\(line)")
                let status = try pair.waitForJournaled(count: 10)
                #expect(SyncRig.journalStreams(status)["inventory"]?.ackedThrough == 0, "\(status)")
                if let hub = try pair.hubStatus(where: { $0["reachability"]?.stringValue == "certificate failure" }) {
                    #expect(hub["reason"]?.stringValue?.contains("did not verify") == true, "\(hub)")
                }
                let reader = HubReadClient(port: pair.hubPort, caFile: pair.rig.ca.certificate, token: plant.token)
                #expect(try reader.events(plant: "P100", stream: "inventory").isEmpty)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func hubCertificateForAnotherHostIsRefused() throws {
        let plant = try SyncRig.enrol("P100")
        try withTemporaryDirectory { root in
            try SyncPair.run(
                root: root, plants: [plant], plant: "P100", token: plant.token,
                certificate: { rig in
                    try rig.ca.issue(
                        name: "elsewhere", subjectAltNames: ["DNS:hub.elsewhere.example"], in: rig.root + "/pki")
                }
            ) { pair in
                try pair.dropInventory(name: "goods-in.csv", count: 10)
                let line = try pair.agent.waitForLog(timeout: .seconds(30)) { $0.contains("certificate problem") }
                #expect(
                    line.contains(
                        "certificate problem: the hub's certificate did not verify: certificate verify failed: "
                            + "IP address mismatch"),
                    "\(line)")
                let status = try pair.waitForJournaled(count: 10)
                #expect(SyncRig.journalStreams(status)["inventory"]?.ackedThrough == 0, "\(status)")
            }
        }
    }
}
