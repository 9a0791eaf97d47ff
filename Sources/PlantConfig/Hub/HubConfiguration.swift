/// Everything a hub is configured with (`/etc/plantsync/hub.yaml`). See `Config/hub.yaml` for every
/// setting with its default; `docs/erp.md` for the `erp:`, `readers:` and `consumers:` sections.
public struct HubConfiguration: Sendable, Hashable {
    public static let defaultDataDirectory = "/var/lib/plantsync-hub"

    public var listen: HostPort
    /// nil only when `allowPlainHTTP`.
    public var tls: HubTLSSettings?
    public var allowPlainHTTP: Bool
    public var dataDirectory: String
    public var durability: Durability
    public var log: LogSettings
    /// The plants allowed to send, each with the SHA-256 of its token.
    public var plants: [PlantCredential]
    public var limits: HubLimits
    /// Tokens that read every plant (operators, ERP middleware).
    public var readers: [ReaderCredential]
    /// Named feed consumers whose acknowledged positions the hub keeps.
    public var consumers: [ConsumerSettings]
    /// ERP connectors.
    public var erp: HubERPSettings

    public init(
        listen: HostPort, tls: HubTLSSettings?, allowPlainHTTP: Bool = false,
        dataDirectory: String = HubConfiguration.defaultDataDirectory, durability: Durability = .full,
        log: LogSettings = LogSettings(), plants: [PlantCredential], limits: HubLimits = HubLimits(),
        readers: [ReaderCredential] = [], consumers: [ConsumerSettings] = [], erp: HubERPSettings = HubERPSettings()
    ) {
        self.listen = listen
        self.tls = tls
        self.allowPlainHTTP = allowPlainHTTP
        self.dataDirectory = dataDirectory
        self.durability = durability
        self.log = log
        self.plants = plants
        self.limits = limits
        self.readers = readers
        self.consumers = consumers
        self.erp = erp
    }

    /// Reads and validates the hub configuration at `path`; every problem comes back at once.
    /// Reads files with blocking calls: call it at startup or from a dedicated thread.
    public static func load(
        path: String,
        environment: [String: String] = ProcessEnvironment.variables,
        files: any ConfigFileReader = SystemConfigFiles()
    ) -> Result<HubConfiguration, ConfigErrors> {
        ConfigMap.decode(path: path, environment: environment, files: files) { HubConfiguration($0) }
    }

    /// Like `load`, from text already in memory; `file` is the name errors show.
    public static func parse(
        text: String,
        file: String,
        environment: [String: String] = ProcessEnvironment.variables,
        files: any ConfigFileReader = SystemConfigFiles()
    ) -> Result<HubConfiguration, ConfigErrors> {
        ConfigMap.decode(text: text, file: file, environment: environment, files: files) { HubConfiguration($0) }
    }

    /// Decodes the top-level map; nil (with every problem recorded in `map`) when unusable.
    public init?(_ map: ConfigMap) {
        let listen = map.required("listen", .listenAddress)
        let tlsSection = map.section("tls")
        let tls = HubTLSSettings(tlsSection)
        allowPlainHTTP = map.optional("allow_plain_http", .boolean, default: false)
        dataDirectory = map.optional("data_dir", .absolutePath, default: Self.defaultDataDirectory)
        durability = map.optional("durability", .word(), default: .full)
        log = LogSettings(map.section("log"))
        let plants = PlantCredential.decodeList(map)
        limits = HubLimits(map.section("limits"))
        let readers = ReaderCredential.decodeList(map)
        let consumers = ConsumerSettings.decodeList(map, readers: readers)
        let erp = HubERPSettings(map.section("erp"))

        var valid = true
        if tlsSection.isPresent && allowPlainHTTP {
            map.report("allow_plain_http: true conflicts with tls; remove one of them", at: "allow_plain_http")
            valid = false
        } else if !tlsSection.isPresent && !allowPlainHTTP {
            map.report("missing required key \"tls\"; set allow_plain_http: true to serve plain HTTP instead")
            valid = false
        }
        guard let listen, let plants, let readers, let consumers, let erp, valid, tls != nil || allowPlainHTTP
        else { return nil }
        self.listen = listen
        self.readers = readers
        self.consumers = consumers
        self.erp = erp
        self.tls = tls
        self.plants = plants
    }
}

/// The hub's `tls:` section.
public struct HubTLSSettings: Sendable, Hashable {
    public var certificateFile: String
    public var keyFile: String
    /// When set, agents must present a client certificate signed by this CA.
    public var clientCAFile: String?

    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }

    /// nil when the section is absent or unusable (problems recorded in `map`).
    public init?(_ map: ConfigMap) {
        let certificateFile = map.required("cert_file", .existingFilePath)
        let keyFile = map.required("key_file", .privateFilePath)
        clientCAFile = map.optional("client_ca_file", .existingFilePath)
        guard map.isPresent, let certificateFile, let keyFile else { return nil }
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}

/// The hub's `limits:` section.
public struct HubLimits: Sendable, Hashable {
    /// Larger request bodies are answered 413.
    public var maxBatchBytes: ByteSize
    public var maxBatchEvents: Int
    public var maxConnections: Int

    public init(maxBatchBytes: ByteSize = .mebibytes(8), maxBatchEvents: Int = 10_000, maxConnections: Int = 1_024) {
        self.maxBatchBytes = maxBatchBytes
        self.maxBatchEvents = maxBatchEvents
        self.maxConnections = maxConnections
    }

    public init(_ map: ConfigMap) {
        maxBatchBytes = map.optional(
            "max_batch_bytes", .size(in: .kibibytes(1)...(.gibibytes(1))), default: .mebibytes(8))
        maxBatchEvents = map.optional("max_batch_events", .integer(in: 1...1_000_000), default: 10_000)
        maxConnections = map.optional("max_connections", .integer(in: 1...100_000), default: 1_024)
    }
}

/// A plant the hub accepts batches from.
public struct PlantCredential: Sendable, Hashable {
    public var id: String
    /// SHA-256 of the plant's bearer token (32 bytes); the hub never stores the token itself.
    public var tokenSHA256: [UInt8]

    public init(id: String, tokenSHA256: [UInt8]) {
        self.id = id
        self.tokenSHA256 = tokenSHA256
    }

    /// `plants:`: ids and token digests unique.
    static func decodeList(_ map: ConfigMap) -> [PlantCredential]? {
        var plants: [PlantCredential] = []
        var complete = true
        var firstID: [String: ConfigMap] = [:]
        var firstToken: [[UInt8]: (ConfigMap, String)] = [:]
        for item in map.sectionList("plants") {
            let id = item.required("id", .identifier(maxLength: 32))
            let digest = item.required("token_sha256", .sha256Hex)
            if let id {
                if let first = firstID[id] {
                    item.report(
                        "duplicate plant id \(MessageText.quoted(id)); first listed as \(first.path) "
                            + "on line \(first.position.line)", at: "id")
                    complete = false
                } else {
                    firstID[id] = item
                }
            }
            if let digest {
                if let (first, firstPlant) = firstToken[digest] {
                    item.report(
                        "this token is already used by \(first.path) (\(firstPlant)); every plant needs its own token",
                        at: "token_sha256")
                    complete = false
                } else {
                    firstToken[digest] = (item, id ?? "?")
                }
            }
            guard let id, let digest else {
                complete = false
                continue
            }
            plants.append(PlantCredential(id: id, tokenSHA256: digest))
        }
        return complete ? plants : nil
    }
}
