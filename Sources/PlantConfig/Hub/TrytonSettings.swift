/// A `tryton` connector's `tryton:` section: where Tryton is, how to log in, and how plant codes
/// map to Tryton's records. Codes on the right are Tryton `code` / `symbol` fields, looked up once
/// per connector start; a value with no mapping parks the posting with a reason naming it.
public struct TrytonSettings: Sendable, Hashable {
    /// A plant's Tryton company (id) and warehouse (location code).
    public struct PlantMapping: Sendable, Hashable {
        public var plant: String
        public var company: Int
        public var warehouse: String

        public init(plant: String, company: Int, warehouse: String) {
            self.plant = plant
            self.company = company
            self.warehouse = warehouse
        }
    }

    /// `http://host:8000` (trytond's JSON-RPC listener); the database path is added.
    public var url: HTTPURL
    public var allowPlainHTTP: Bool
    public var database: String
    public var user: String
    public var password: SecretFile
    public var tls: ERPTLSSettings
    public var plants: [PlantMapping]
    /// Event `item` or `gtin` → Tryton product code.
    public var products: [String: String]
    /// Event location code → Tryton location code.
    public var locations: [String: String]
    /// Event unit → Tryton unit of measure symbol.
    public var units: [String: String]
    /// Where `receipt` movements come from (Tryton's supplier location code).
    public var supplierLocation: String
    /// Where `adjustment` movements write off to / find stock from.
    public var lostFoundLocation: String
    /// When set, a confirmation's scrap is added as an output of the order into this location;
    /// nil: scrap is not posted.
    public var scrapLocation: String?
    public var requestTimeout: Duration
    /// Whether receipts are booked and final confirmations complete their orders.
    public var posting: TrytonPostingOptions

    public init(
        url: HTTPURL, allowPlainHTTP: Bool = false, database: String, user: String, password: SecretFile,
        tls: ERPTLSSettings = ERPTLSSettings(), plants: [PlantMapping], products: [String: String] = [:],
        locations: [String: String] = [:], units: [String: String] = [:], supplierLocation: String = "SUP",
        lostFoundLocation: String = "LOST", scrapLocation: String? = nil, requestTimeout: Duration = .seconds(60),
        posting: TrytonPostingOptions = TrytonPostingOptions()
    ) {
        self.url = url
        self.allowPlainHTTP = allowPlainHTTP
        self.database = database
        self.user = user
        self.password = password
        self.tls = tls
        self.plants = plants
        self.products = products
        self.locations = locations
        self.units = units
        self.supplierLocation = supplierLocation
        self.lostFoundLocation = lostFoundLocation
        self.scrapLocation = scrapLocation
        self.requestTimeout = requestTimeout
        self.posting = posting
    }

    public init?(_ map: ConfigMap) {
        let url = map.required("url", .httpURL)
        allowPlainHTTP = map.optional("allow_plain_http", .boolean, default: false)
        let database = map.required("database", .nonEmptyString)
        let user = map.required("user", .nonEmptyString)
        let password = map.required("password_file", .secretFile)
        let tls = ERPTLSSettings.decode(map)
        var plants: [PlantMapping] = []
        var plantsComplete = true
        for item in map.sectionList("plants", required: true) {
            let plant = item.required("plant", .identifier(maxLength: 32))
            let company = item.required("company", .integer(in: 1...Int(Int32.max)))
            let warehouse = item.required("warehouse", .nonEmptyString)
            guard let plant, let company, let warehouse else {
                plantsComplete = false
                continue
            }
            if plants.contains(where: { $0.plant == plant }) {
                item.report("plant \(MessageText.quoted(plant)) is mapped twice", at: "plant")
                plantsComplete = false
            }
            plants.append(PlantMapping(plant: plant, company: company, warehouse: warehouse))
        }
        products = Self.codeMap(map.section("products"))
        locations = Self.codeMap(map.section("locations"))
        units = Self.codeMap(map.section("units"))
        supplierLocation = map.optional("supplier_location", .nonEmptyString, default: "SUP")
        lostFoundLocation = map.optional("lost_found_location", .nonEmptyString, default: "LOST")
        scrapLocation = map.optional("scrap_location", .nonEmptyString)
        requestTimeout = map.optional(
            "request_timeout", .duration(in: .seconds(1)...(.seconds(1_800))), default: .seconds(60))
        posting = TrytonPostingOptions(map)
        var schemeAllowed = true
        if let url { schemeAllowed = ERPTLSSettings.checkScheme(url, allowPlainHTTP: allowPlainHTTP, map) }
        guard let url, let database, let user, let password, let tls, plantsComplete, schemeAllowed else { return nil }
        self.url = url
        self.database = database
        self.user = user
        self.password = password
        self.tls = tls
        self.plants = plants
    }

    /// A map of code → code, every value a non-empty string.
    private static func codeMap(_ map: ConfigMap) -> [String: String] {
        var codes: [String: String] = [:]
        for key in map.keys {
            if let value = map.required(key, .nonEmptyString) { codes[key] = value }
        }
        return codes
    }
}
