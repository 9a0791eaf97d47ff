#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What every map of one decoding pass shares: the file name, the environment, the file reader, and
/// the problems found so far.
final class DecodingSession {
    let file: String
    let environment: [String: String]
    let context: ConfigConversionContext
    var errors: [ConfigError] = []
    var maps: [ConfigMap] = []

    init(file: String, environment: [String: String], files: any ConfigFileReader) {
        self.file = file
        self.environment = environment
        self.context = ConfigConversionContext(files: files)
    }
}

extension ConfigMap {
    /// Decodes a parsed document: `body` reads the top-level map; afterwards unknown keys in every
    /// map are reported. Succeeds only when no problem at all was recorded.
    public static func decode<Value>(
        _ document: ConfigDocument,
        environment: [String: String] = ProcessEnvironment.variables,
        files: any ConfigFileReader = SystemConfigFiles(),
        _ body: (ConfigMap) -> Value?
    ) -> Result<Value, ConfigErrors> {
        let session = DecodingSession(file: document.file, environment: environment, files: files)
        defer { session.maps = [] }  // The maps refer back to the session.
        let value: Value?
        switch document.root.content {
        case .map(let entries):
            value = body(ConfigMap(entries: entries, path: .root, position: .start, session: session))
        case .empty:
            value = body(ConfigMap(entries: [], path: .root, position: .start, session: session))
        case .scalar, .list:
            let found = document.root.foundDescription
            session.errors.append(
                ConfigError(
                    file: document.file, position: document.root.position, path: .root,
                    message: "expected a map of settings at the top level, found \(found)"))
            value = nil
        }
        for map in session.maps { map.reportUnknownKeys() }
        if let value, session.errors.isEmpty { return .success(value) }
        if session.errors.isEmpty {
            // A decoder returned nil without saying why; never let that pass as success.
            session.errors.append(
                ConfigError(
                    file: document.file, position: .start, path: .root, message: "the configuration was refused"))
        }
        return .failure(ConfigErrors(session.errors))
    }

    /// Reads `text` as PlantSync's YAML subset and decodes it with `body`. Syntax errors are reported
    /// (all of them) without decoding.
    public static func decode<Value>(
        text: String,
        file: String,
        environment: [String: String] = ProcessEnvironment.variables,
        files: any ConfigFileReader = SystemConfigFiles(),
        _ body: (ConfigMap) -> Value?
    ) -> Result<Value, ConfigErrors> {
        ConfigReader.read(text: text, file: file).flatMap { decode($0, environment: environment, files: files, body) }
    }

    /// Reads the file at `path` (through `files`) and decodes it with `body`. Errors name the file
    /// as `path` is written.
    public static func decode<Value>(
        path: String,
        environment: [String: String] = ProcessEnvironment.variables,
        files: any ConfigFileReader = SystemConfigFiles(),
        _ body: (ConfigMap) -> Value?
    ) -> Result<Value, ConfigErrors> {
        let bytes: [UInt8]
        do {
            bytes = try files.contents(ofPath: path)
        } catch {
            let reason =
                switch error {
                case .notFound: "no such file"
                case .failed(let reason): reason
                }
            let message = "cannot read the configuration file: \(reason)"
            return .failure(ConfigErrors([ConfigError(file: path, line: 0, column: 0, path: .root, message: message)]))
        }
        return ConfigReader.read(bytes: bytes, file: path).flatMap {
            decode($0, environment: environment, files: files, body)
        }
    }
}

/// The environment of this process, for `${NAME}` references.
public enum ProcessEnvironment {
    public static var variables: [String: String] {
        var variables: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return variables
    }
}
