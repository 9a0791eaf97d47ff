import PlantConfig
import PlantModel

/// Tryton ids behind the codes of `hub.yaml`'s mapping, looked up on first use and kept for the
/// connector's life (a code Tryton does not know is not kept: it is asked again on the next posting,
/// so master data created after an operator's `retry` is found).
final class TrytonMasterData {
    struct Warehouse: Hashable {
        var id: Int64
        var storage: Int64
        var production: Int64
        var lostFound: Int64?
    }

    struct Product: Hashable {
        var id: Int64
        var unit: Int64
    }

    private let client: TrytonClient
    private let settings: TrytonSettings
    private var locations: [String: Int64] = [:]
    private var products: [String: Product] = [:]
    private var units: [String: Int64] = [:]
    private var warehouses: [String: Warehouse] = [:]
    private var currencies: [Int: Int64] = [:]

    init(client: TrytonClient, settings: TrytonSettings) {
        self.client = client
        self.settings = settings
    }

    /// `{"company": N}`: the context of every call for a plant.
    static func context(company: Int) -> JSONValue { ["company": .integer(Int64(company))] }

    func plant(_ plant: String) throws(TrytonFailure) -> TrytonSettings.PlantMapping {
        guard let mapping = settings.plants.first(where: { $0.plant == plant }) else {
            throw .permanent("plant \(plant) is not mapped to a Tryton company (tryton.plants)")
        }
        return mapping
    }

    func warehouse(_ mapping: TrytonSettings.PlantMapping) throws(TrytonFailure) -> Warehouse {
        if let known = warehouses[mapping.warehouse] { return known }
        let rows = try searchRead(
            "stock.location", [["code", "=", .string(mapping.warehouse)], ["type", "=", "warehouse"]],
            ["storage_location", "production_location", "lost_found_location"], company: mapping.company)
        guard let row = rows.first, let id = row["id"]?.numberValue?.int64Value,
            let storage = row["storage_location"]?.numberValue?.int64Value,
            let production = row["production_location"]?.numberValue?.int64Value
        else {
            throw .permanent(
                "Tryton has no warehouse with code \(mapping.warehouse) (with storage and production locations) "
                    + "for plant \(mapping.plant)")
        }
        let warehouse = Warehouse(
            id: id, storage: storage, production: production,
            lostFound: row["lost_found_location"]?.numberValue?.int64Value)
        warehouses[mapping.warehouse] = warehouse
        return warehouse
    }

    /// The Tryton location for an event's location code, through `tryton.locations`.
    func mappedLocation(_ code: String, company: Int) throws(TrytonFailure) -> Int64 {
        guard let trytonCode = settings.locations[code] else {
            throw .permanent("location \(code) is not mapped to a Tryton location (tryton.locations)")
        }
        return try location(trytonCode, company: company)
    }

    /// The Tryton location with this code.
    func location(_ code: String, company: Int) throws(TrytonFailure) -> Int64 {
        if let id = locations[code] { return id }
        let rows = try searchRead("stock.location", [["code", "=", .string(code)]], [], company: company)
        guard let id = rows.first?["id"]?.numberValue?.int64Value else {
            throw .permanent("Tryton has no stock location with code \(code)")
        }
        locations[code] = id
        return id
    }

    /// The Tryton product for an event's item or GTIN, through `tryton.products`.
    func mappedProduct(item: String?, gtin: String?, company: Int) throws(TrytonFailure) -> Product {
        let keys = [item, gtin].compactMap { $0 }
        guard let key = keys.first(where: { settings.products[$0] != nil }), let code = settings.products[key] else {
            let named = keys.map { $0 == item ? "item \($0)" : "GTIN \($0)" }.joined(separator: " / ")
            throw .permanent(
                "\(named.isEmpty ? "a movement without item or GTIN" : named) is not mapped "
                    + "to a Tryton product (tryton.products)")
        }
        if let known = products[code] { return known }
        let rows = try searchRead("product.product", [["code", "=", .string(code)]], ["default_uom"], company: company)
        guard let row = rows.first, let id = row["id"]?.numberValue?.int64Value,
            let unit = row["default_uom"]?.numberValue?.int64Value
        else {
            throw .permanent("Tryton has no product with code \(code) (mapped from \(key))")
        }
        products[code] = Product(id: id, unit: unit)
        return products[code]!
    }

    /// The Tryton unit of measure for an event unit, through `tryton.units`.
    func mappedUnit(_ unit: String, company: Int) throws(TrytonFailure) -> Int64 {
        guard let symbol = settings.units[unit] else {
            throw .permanent("unit \(unit) is not mapped to a Tryton unit of measure (tryton.units)")
        }
        if let id = units[symbol] { return id }
        let rows = try searchRead("product.uom", [["symbol", "=", .string(symbol)]], [], company: company)
        guard let id = rows.first?["id"]?.numberValue?.int64Value else {
            throw .permanent("Tryton has no unit of measure with symbol \(symbol) (mapped from \(unit))")
        }
        units[symbol] = id
        return id
    }

    func currency(company: Int) throws(TrytonFailure) -> Int64 {
        if let id = currencies[company] { return id }
        let rows = try client.model(
            "company.company", "read", [[.integer(Int64(company))], ["currency"]],
            context: Self.context(company: company))
        guard let id = rows.arrayValue?.first?.objectValue?["currency"]?.numberValue?.int64Value else {
            throw .permanent("Tryton has no company \(company) with a currency")
        }
        currencies[company] = id
        return id
    }

    /// `search_read(domain, 0, null, null, fields)` as objects.
    func searchRead(_ model: String, _ domain: [JSONValue], _ fields: [String], company: Int) throws(TrytonFailure)
        -> [JSONObject]
    {
        let result = try client.model(
            model, "search_read", [.array(domain), 0, .null, .null, .array(fields.map { .string($0) })],
            context: Self.context(company: company))
        return (result.arrayValue ?? []).compactMap { $0.objectValue }
    }
}
