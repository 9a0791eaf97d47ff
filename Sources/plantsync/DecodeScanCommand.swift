import Foundation
import PlantCapture

extension Command {
    /// `plantsync decode-scan`: what a scan decodes to, for technicians commissioning a scanner.
    static let decodeScan = Command(
        name: "decode-scan",
        summary: "Show what a barcode scan decodes to (GS1 application identifiers, check digits, dates).",
        usage: "decode-scan [--json] [--gs1] STRING",
        details: """
            STRING may carry the GS separator as the raw byte, as \\x1d or as <GS>, start with a symbology
            identifier (]C1, ]d2, ]Q3, ]e0), or be in the parenthesised form: '(01)09876543210982(10)LOT7'.
            --json  print one JSON object: input, symbology, gs1, elements, error
            --gs1   treat the scan as GS1 even without a symbology identifier
            Exit status: 0 when decoded, 65 when not.
            """,
        spec: OptionSpec(flags: ["--json", "--gs1"], positionals: 1...1, positionalNames: ["STRING"]),
        run: { options in
            let report = ScanDecodeReport.make(
                input: options.positionals[0], now: Date(), assumeGS1: options.has("--gs1"))
            print(options.has("--json") ? report.json : report.text)
            return report.exitCode
        })
}
