// The registry entries of the two scanner input types (one line each in InputRegistry.swift).
extension ScannerInput {
    /// `type: scanner_serial`.
    public static let serialInputType = InputType(
        name: ScannerConfiguration.serialType, decode: { ScannerConfiguration.decodeSerial($0) },
        make: { name, configuration, context in
            ScannerInput.make(name: name, configuration: configuration, context: context)
        })

    /// `type: scanner_tcp`.
    public static let tcpInputType = InputType(
        name: ScannerConfiguration.tcpType, decode: { ScannerConfiguration.decodeTCP($0) },
        make: { name, configuration, context in
            ScannerInput.make(name: name, configuration: configuration, context: context)
        })
}
