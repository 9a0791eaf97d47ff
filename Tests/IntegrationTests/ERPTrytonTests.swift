import Foundation
import PlantModel
import Testing
import TrytonTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Agent → hub → Tryton with real processes: a real trytond 8.2, `plantsync hub` posting to it through its
/// `tryton` connector, `plantsync agent` fed by `plantsync simulate line` (Kepware JSON, three orders) and
/// `plantsync simulate scanner` (receipts of catalogue goods). The hub is killed with SIGKILL three times
/// at the worst moment of a delivery — Tryton has committed the posting, the hub has not moved its cursor
/// (`TrytonHoldProxy` holds Tryton's answer) — and started again. Then Tryton must hold each order once
/// with its output quantity equal to the confirmed yield the hub stored, and one stock move per event:
/// a posting made twice or lost fails the test.
@Suite(.serialized) struct ERPTrytonTests {
    /// Where the hub dies: after a confirmation's output move, after a receipt's move was created (before
    /// it was done), and after a receipt was done.
    static let holds: [TrytonHoldProxy.Hold] = [
        .init(method: "model.production.write", occurrence: 2),
        .init(method: "model.stock.move.create", occurrence: 5),
        .init(method: "model.stock.move.do", occurrence: 12),
    ]

    static let goodsScans = 40

    @Test(.timeLimit(.minutes(5))) func everyPostingReachesTrytonOnceThroughHubKillsMidDelivery() throws {
        guard let tryton = try TrytonServer.start(for: "ERPTrytonTests") else { return }
        defer { tryton.stop() }
        try tryton.waitUntilServing()
        let proxy = try TrytonHoldProxy(upstreamPort: tryton.port, holds: Self.holds)
        defer { proxy.stop() }
        let started = ContinuousClock.now
        try withTemporaryDirectory { root in
            let rig = try TrytonPlantRig(
                root: root, trytonPort: proxy.port, trytonPasswordFile: tryton.passwordFile)
            let hub = ServiceProcess.hub(config: rig.hubConfig)
            try hub.start()
            let agent = ServiceProcess.agent(config: rig.agentConfig)
            try agent.start()
            let context = { "hub log:\n\(hub.log)\nagent log:\n\(agent.log)\ntrytond log:\n\(tryton.log)" }

            let plantsync = try Binaries.path("plantsync")
            let line = try ChildProcess(
                plantsync,
                [
                    "simulate", "line", "--connect", "127.0.0.1:\(rig.feedPort)", "--orders",
                    "WO-4711,WO-4712,WO-4713", "--rate", "50", "--count", "400", "--order-every", "120",
                    "--stop-every", "90", "--step-ms", "20", "--manifest", root + "/line.json",
                ])
            line.closeInput()
            let scanner = try ChildProcess(
                plantsync,
                [
                    "simulate", "scanner", "--connect", "127.0.0.1:\(rig.scannerPort)", "--rate", "10", "--count",
                    "\(Self.goodsScans)", "--items", "3", "--kinds", "gs1-128,datamatrix,ean13", "--manifest",
                    root + "/scanner.json",
                ])
            scanner.closeInput()

            // Each held answer: Tryton committed, the hub waits for the answer. Kill it there, start it again.
            for kill in 1...Self.holds.count {
                try waitUntil(
                    "hold \(kill) of \(Self.holds.map(\.description))", timeout: .seconds(90),
                    poll: .milliseconds(20), detail: context
                ) { proxy.held.count >= kill }
                try hub.kill()
                try hub.start()
            }
            #expect(try line.wait(timeout: .seconds(60)) == .exited(0), "simulate line: \(line.stderrText)")
            #expect(try scanner.wait(timeout: .seconds(60)) == .exited(0), "simulate scanner: \(scanner.stderrText)")

            let stored = try waitForTheHub(rig, root: root, context: context)
            try waitForTheOutbox(rig, context: context)
            try audit(tryton.client(), stored: stored, held: proxy.held, relayed: proxy.relayed)
            try agent.stop()
            try hub.stop()
            print(
                "ERPTrytonTests: \(stored.confirmations.count) confirmations, \(stored.movements.count) movements, "
                    + "\(proxy.held.count) hub kills mid-delivery (\(proxy.held.map(\.hold.description))), "
                    + "\(proxy.relayed.count) Tryton calls, \(ContinuousClock.now - started)")
        }
    }

    /// What the hub stored of the plant, as the feed shows it.
    struct Stored {
        var confirmations: [(id: String, order: String, yield: DecimalNumber)] = []
        var movements: [(id: String, quantity: DecimalNumber)] = []

        func confirmed(_ order: String) -> DecimalNumber {
            confirmations.filter { $0.order == order }.reduce(DecimalNumber.zero) { try! $0 + $1.yield }
        }
    }

    /// Waits until the hub holds everything the simulators produced (the last window closes at its end plus
    /// lateness by the agent's clock): per order the line's good count, one movement per goods scan.
    private func waitForTheHub(_ rig: TrytonPlantRig, root: String, context: () -> String) throws -> Stored {
        let line = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: root + "/line.json"))))
        let scanner = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: root + "/scanner.json"))))
        let produced = (line["orders"]?.objectValue?.map { ($0.key, $0.value["good"]?.int ?? -1) } ?? [])
        let scans = scanner["goods_scans"]?.int ?? -1
        var stored = Stored()
        try waitUntil(
            "the hub stores every confirmation and movement", timeout: .seconds(60), poll: .milliseconds(500),
            detail: { "produced \(produced), \(scans) scans; stored \(stored)\n\(context())" }
        ) {
            stored = Stored()
            for event in try rig.hubReader.events(plant: "P100", stream: "production")
            where event.type == "production_confirmation" {
                guard let order = event.data["order"]?.stringValue, let yield = decimal(event.data["yield"]) else {
                    throw ChildProcess.Failure(description: "confirmation without order or yield: \(event)")
                }
                stored.confirmations.append((event.id, order, yield))
            }
            for event in try rig.hubReader.events(plant: "P100", stream: "inventory") {
                guard let quantity = decimal(event.data["quantity"]) else {
                    throw ChildProcess.Failure(description: "movement without quantity: \(event)")
                }
                stored.movements.append((event.id, quantity))
            }
            return stored.movements.count == scans
                && produced.allSatisfy { stored.confirmed($0.0) == DecimalNumber(Int($0.1)) }
        }
        #expect(!produced.isEmpty && scans == Self.goodsScans)
        return stored
    }

    /// Waits until the connector has posted everything the hub stored; a parked posting fails at once.
    private func waitForTheOutbox(_ rig: TrytonPlantRig, context: () -> String) throws {
        var metrics = ""
        try waitUntil(
            "the tryton connector posts everything", timeout: .seconds(90), poll: .milliseconds(200),
            detail: { "metrics:\n\(metrics)\n\(context())" }
        ) {
            metrics = try rig.hubReader.get("/metrics").text
            let erp = metrics.split(separator: "\n").filter { $0.hasPrefix("plantsync_hub_erp_") }
            if let parked = erp.first(where: { $0.hasPrefix("plantsync_hub_erp_parked{") }) {
                let listed = try CommandRun.run(["hub", "erp-errors", "--config", rig.hubConfig])
                throw ChildProcess.Failure(description: "a posting parked: \(parked)\n\(listed.stdout)")
            }
            let pending = erp.filter { $0.hasPrefix("plantsync_hub_erp_pending_events{") }
            return pending.count == 2 && pending.allSatisfy { $0.hasSuffix(" 0") }
        }
    }

    /// Tryton as an auditor reads it: each order once, its output quantity the hub's confirmed yield, one
    /// move per confirmation with a yield and per movement, with its quantity; nothing else carries a key.
    private func audit(
        _ tryton: TrytonRPCClient, stored: Stored, held: [TrytonHoldProxy.HeldCall],
        relayed: [(method: String, body: String)]
    ) throws {
        let keyed = try tryton.searchReadPatiently(
            "stock.move", [["plantsync_event", "!=", .null]], fields: ["plantsync_event", "quantity", "state"])
        var moves: [String: [JSONObject]] = [:]
        for move in keyed { moves[move["plantsync_event"]?.stringValue ?? "?", default: []].append(move) }

        for order in Set(stored.confirmations.map(\.order)).sorted() {
            let productions = try tryton.searchReadPatiently(
                "production", [["reference", "=", .string(order)]], fields: ["reference"])
            #expect(productions.count == 1, "order \(order) in Tryton \(productions.count) times")
            guard let id = productions.first?["id"] else { continue }
            let outputs = try tryton.searchReadPatiently(
                "stock.move", [["production_output", "=", id]], fields: ["quantity"])
            let quantity = try outputs.reduce(DecimalNumber.zero) { try $0 + (decimal($1["quantity"]) ?? .zero) }
            #expect(quantity == stored.confirmed(order), "order \(order): Tryton output vs the hub's confirmed yield")
        }
        var expected = Set<String>()
        for confirmation in stored.confirmations {
            let found = moves[confirmation.id] ?? []
            #expect(found.count == (confirmation.yield.isZero ? 0 : 1), "moves for \(confirmation.id): \(found)")
            if !confirmation.yield.isZero { expected.insert(confirmation.id) }
            if let move = found.first { #expect(decimal(move["quantity"]) == confirmation.yield, "\(move)") }
        }
        for movement in stored.movements {
            let found = moves[movement.id] ?? []
            #expect(found.count == 1, "moves for \(movement.id): \(found)")
            expected.insert(movement.id)
            if let move = found.first {
                #expect(decimal(move["quantity"]) == movement.quantity, "\(move)")
                #expect(move["state"]?.stringValue == "done", "a receipt is booked: \(move)")
            }
        }
        let strays = Set(moves.keys).subtracting(expected).sorted()
        #expect(strays.isEmpty, "moves whose key no stored event with a quantity has: \(strays)")

        // The kills landed where planned, and the hub asked Tryton about each held posting again after it.
        #expect(Set(held.map(\.hold)) == Set(Self.holds))
        for call in held where call.hold.method != "model.stock.move.do" {
            let key = Self.postedKey(call.body)
            #expect(key != nil && moves[key!]?.count == 1, "held posting \(call.hold): \(key ?? "no key")")
            let asked = relayed.filter { $0.method.hasSuffix(".search_read") && $0.body.contains("\"\(key ?? "?")\"") }
            #expect(asked.count >= 2, "\(call.hold) (\(key ?? "")): searched \(asked.count) times, expected again")
        }
    }

    /// The `plantsync_event` a creating call writes: `production.write [[id], {"outputs": [["create", [{…}]]]}]`
    /// or `stock.move.create [[{…}]]`.
    static func postedKey(_ body: JSONValue) -> String? {
        guard let params = body["params"]?.arrayValue, let first = params.first else { return nil }
        let values: JSONValue?
        if body["method"]?.stringValue == "model.production.write" {
            values = params.dropFirst().first?["outputs"]?.arrayValue?.first?.arrayValue?.last?.arrayValue?.first
        } else {
            values = first.arrayValue?.first
        }
        return values?["plantsync_event"]?.stringValue
    }
}

/// A number from the hub's feed (`"12"`, `12`) or from Tryton (a float such as `397.0`) as an exact decimal.
private func decimal(_ value: JSONValue?) -> DecimalNumber? {
    var text: String
    switch value {
    case .number(let number)?: text = number.text
    case .string(let string)?: text = string
    default: return nil
    }
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return try? DecimalNumber(parsing: text)
}
