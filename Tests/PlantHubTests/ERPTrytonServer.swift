import PlantConfig
import TrytonTestSupport

extension TrytonServer {
    /// The connector's settings for this server and its prepared database (Scripts/erp.d/tryton-setup):
    /// plant P100 → company 1 and warehouse WH; MAT-200 and one GTIN → RM-200; A-01-02 → A-01, B-07 → B-07;
    /// PCE → u, KG → kg.
    func settings() -> TrytonSettings {
        TrytonSettings(
            url: HTTPURL(scheme: .http, host: "127.0.0.1", port: port, path: ""), allowPlainHTTP: true,
            database: Self.database, user: Self.user, password: SecretFile(path: passwordFile, value: password),
            plants: [.init(plant: "P100", company: 1, warehouse: "WH")],
            products: ["MAT-200": "RM-200", "04012345678901": "RM-200"],
            locations: ["A-01-02": "A-01", "B-07": "B-07"],
            units: ["PCE": "u", "KG": "kg"], scrapLocation: nil, requestTimeout: .seconds(30))
    }
}
