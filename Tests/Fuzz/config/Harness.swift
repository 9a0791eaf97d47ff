// libFuzzer harness: the configuration reader (PlantConfig's YAML subset) and the agent and hub
// configuration decoders with every input type's and the aggregator's settings decoders.
// Properties: no crash or trap on any text; every error carries a position inside the text.
import PlantAggregate
import PlantCapture
import PlantConfig

/// `*_file` keys read these instead of the disk: a token file and a PEM, both private.
private struct MemoryFiles: ConfigFileReader {
    func status(ofPath path: String) throws(ConfigFileFailure) -> ConfigFileStatus {
        guard path.hasPrefix("/etc/") else { throw .notFound }
        return ConfigFileStatus(isRegularFile: true, permissions: path.hasSuffix("open") ? 0o644 : 0o600)
    }

    func contents(ofPath path: String) throws(ConfigFileFailure) -> [UInt8] {
        guard path.hasPrefix("/etc/") else { throw .notFound }
        return Array("secret-token-0123456789\n".utf8)
    }
}

private let environment = ["PLANT": "P100", "HUB_URL": "https://hub.example.com:8443", "EMPTY": ""]
private let sectionDecoders: [String: SectionDecoder] = ["lines": { LineConfiguration.decodeList($0) }]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    guard let text = String(validating: bytes, as: UTF8.self) else {
        _ = ConfigReader.read(bytes: bytes, file: "fuzz.yaml")  // invalid UTF-8: the reader must say where
        return 0
    }
    // One decoder per input (the reader runs inside each), chosen by the input's length, so both are
    // fuzzed without doubling the cost of every execution.
    let asHub = bytes.count % 3 == 0
    let agent =
        asHub
        ? .success(())
        : AgentConfiguration.parse(
            text: text, file: "agent.yaml", environment: environment, inputDecoders: InputRegistry.decoders,
            sectionDecoders: sectionDecoders, files: MemoryFiles()
        ).map { _ in () }
    let hub =
        asHub
        ? HubConfiguration.parse(
            text: text, file: "hub.yaml", environment: environment, files: MemoryFiles()
        ).map { _ in () } : .success(())
    // Lines are 1-based and at most one past the last line (an error "at the end"); a CR may end a
    // line too, so count both as an upper bound.
    let lineCount = bytes.reduce(1) { $1 == 0x0A || $1 == 0x0D ? $0 + 1 : $0 }
    for case .failure(let errors) in [agent, hub] {
        for error in errors.errors where error.line < 0 || error.line > lineCount + 1 || error.column < 0 {
            fatalError("config error outside the text (\(lineCount) lines): \(error)")
        }
    }
    return 0
}
