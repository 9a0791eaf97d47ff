import PlantConfig
import Testing

private let files = StubFilesForERP([
    "/etc/plantsync/webhook.secret": (0o600, "whsec-1\n"),
    "/etc/plantsync/tryton.password": (0o600, "pw\n"),
    "/etc/plantsync/open.secret": (0o644, "x"),
])

private func hub(_ tail: String) -> Result<HubConfiguration, ConfigErrors> {
    let text = """
        listen: 127.0.0.1:0
        allow_plain_http: true
        plants:
          - id: P100
            token_sha256: \(String(repeating: "a", count: 64))

        """ + tail
    return HubConfiguration.parse(text: text, file: "hub.yaml", environment: [:], files: files)
}

private func errors(_ tail: String) -> String {
    switch hub(tail) {
    case .success: "(no error)"
    case .failure(let errors): errors.description
    }
}

@Suite struct ERPConfigurationTests {
    @Test func connectorsReadersAndConsumersAreDecoded() throws {
        let configuration = try hub(
            """
            readers:
              - name: middleware
                token_sha256: \(String(repeating: "b", count: 64))
            consumers:
              - name: sap-bridge
                reader: middleware
            erp:
              connectors:
                - name: erp-hook
                  type: webhook
                  streams: [production]
                  workers: 4
                  retry_initial: 500ms
                  webhook:
                    url: https://erp.example.com/plantsync
                    secret_file: /etc/plantsync/webhook.secret
                    batch_events: 50
                - name: tryton
                  type: tryton
                  tryton:
                    url: http://127.0.0.1:8000
                    allow_plain_http: true
                    database: plantsync
                    user: admin
                    password_file: /etc/plantsync/tryton.password
                    plants:
                      - plant: P100
                        company: 1
                        warehouse: WH
                    products:
                      MAT-100: FG-100
                      "04012345678901": RM-200
                    locations:
                      A-01-02: A-01
                    units:
                      PCE: u
            """
        ).get()
        #expect(configuration.readers.map(\.name) == ["middleware"])
        #expect(configuration.consumers == [ConsumerSettings(name: "sap-bridge", reader: "middleware")])
        #expect(configuration.erp.connectors.count == 2)
        let hook = configuration.erp.connectors[0]
        #expect(hook.name == "erp-hook")
        #expect(hook.streams == ["production"])
        #expect(hook.workers == 4)
        #expect(hook.retryInitial == .milliseconds(500))
        #expect(hook.retryMax == .seconds(300))
        guard case .webhook(let webhook) = hook.kind else { Issue.record("not a webhook"); return }
        #expect(webhook.batchEvents == 50)
        #expect(webhook.secret.value == "whsec-1")
        guard case .tryton(let tryton) = configuration.erp.connectors[1].kind else {
            Issue.record("not tryton"); return
        }
        #expect(tryton.plants == [TrytonSettings.PlantMapping(plant: "P100", company: 1, warehouse: "WH")])
        #expect(tryton.products == ["MAT-100": "FG-100", "04012345678901": "RM-200"])
        #expect(tryton.units == ["PCE": "u"])
        #expect(tryton.supplierLocation == "SUP")
        #expect(tryton.posting == TrytonPostingOptions(doMoves: true, completeOrdersOnFinal: false))
        #expect(configuration.erp.connectors[1].streams == ["production", "inventory", "quality"])
    }

    @Test func mistakesAreReportedWithPositions() {
        let text = """
            consumers:
              - name: sap-bridge
                reader: nobody
            erp:
              connectors:
                - name: hook
                  type: webhok
                - name: hook2
                  type: webhook
                  webhook:
                    url: http://erp.example.com/x
                    secret_file: /etc/plantsync/open.secret
            """
        #expect(
            errors(text).split(separator: "\n").map(String.init) == [
                #"hub.yaml:8:13: consumers[0].reader: no reader "nobody" in readers:; add one"#,
                #"hub.yaml:12:13: erp.connectors[0].type: expected webhook or tryton, found "webhok"; did you mean "webhook"?"#,
                "hub.yaml:16:14: erp.connectors[1].webhook.url: plain http:// is refused unless allow_plain_http: true "
                    + "is set; use https://",
                "hub.yaml:17:22: erp.connectors[1].webhook.secret_file: secret file /etc/plantsync/open.secret is "
                    + "readable by other users (mode 0644); run: chmod o-rwx /etc/plantsync/open.secret",
            ])
    }
}

@Suite struct ERPTrytonConfigurationTests {
    static let connection = """
        url: http://127.0.0.1:8000
        allow_plain_http: true
        database: plantsync
        user: admin
        password_file: /etc/plantsync/tryton.password
        plants:
          - plant: P100
            company: 1
            warehouse: WH
        """

    @Test func postingOptionsAreRead() throws {
        let configuration = try hub(
            """
            erp:
              connectors:
                - name: tryton
                  type: tryton
                  streams: [production, inventory]
                  tryton:
            \(Self.connection.indented(by: 8))
                    do_moves: false
                    complete_orders_on_final: true
            """
        ).get()
        guard case .tryton(let tryton) = configuration.erp.connectors[0].kind else {
            Issue.record("not tryton"); return
        }
        #expect(tryton.posting == TrytonPostingOptions(doMoves: false, completeOrdersOnFinal: true))
    }

    @Test func postingOptionMistakesAreAllReportedWithPositions() {
        let text = """
            erp:
              connectors:
                - name: tryton
                  type: tryton
                  tryton:
            \(Self.connection.indented(by: 8))
                    do_moves: yes
                    complete_orders_on_fnal: true
                - name: tryton-stock
                  type: tryton
                  streams: [inventory]
                  tryton:
            \(Self.connection.indented(by: 8))
                    complete_orders_on_final: true
            """
        #expect(
            errors(text).split(separator: "\n").map(String.init) == [
                #"hub.yaml:20:19: erp.connectors[0].tryton.do_moves: expected true or false, found "yes""#,
                #"hub.yaml:21:9: erp.connectors[0].tryton.complete_orders_on_fnal: unknown key "#
                    + #""complete_orders_on_fnal"; did you mean "complete_orders_on_final"? Valid keys: url, "#
                    + "allow_plain_http, database, user, password_file, ca_file, client_cert_file, client_key_file, "
                    + "plants, products, locations, units, supplier_location, lost_found_location, scrap_location, "
                    + "request_timeout, do_moves, complete_orders_on_final",
                "hub.yaml:35:35: erp.connectors[1].tryton.complete_orders_on_final: true needs the production "
                    + "stream, where confirmations travel; add production to erp.connectors[1].streams or set it "
                    + "to false",
            ])
    }
}

extension String {
    /// Every line indented by `spaces` more.
    fileprivate func indented(by spaces: Int) -> String {
        split(separator: "\n", omittingEmptySubsequences: false)
            .map { String(repeating: " ", count: spaces) + $0 }.joined(separator: "\n")
    }
}

/// Files for configuration tests: path → (permissions, contents).
struct StubFilesForERP: ConfigFileReader {
    let files: [String: (permissions: UInt32, contents: String)]

    init(_ files: [String: (permissions: UInt32, contents: String)]) { self.files = files }

    func status(ofPath path: String) throws(ConfigFileFailure) -> ConfigFileStatus {
        guard let file = files[path] else { throw .notFound }
        return ConfigFileStatus(isRegularFile: true, permissions: file.permissions)
    }

    func contents(ofPath path: String) throws(ConfigFileFailure) -> [UInt8] {
        guard let file = files[path] else { throw .notFound }
        return Array(file.contents.utf8)
    }
}
