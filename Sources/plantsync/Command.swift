// One subcommand of `plantsync`: its name, help text, accepted options, and what it does.
// `run` returns the process exit status (sysexits.h conventions: 0 ok, 64 usage, 65 data error,
// 66 no input, 70 software, 74 I/O, 78 config).

struct Command: Sendable {
    let name: String
    let summary: String
    let usage: String
    let details: String
    let spec: OptionSpec
    let run: @Sendable (ParsedOptions) throws -> Int32

    var help: String {
        "Usage: plantsync \(usage)\n\n\(summary)\n" + (details.isEmpty ? "" : "\n\(details)\n")
    }
}

enum ExitCode {
    static let ok: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let software: Int32 = 70
    static let ioError: Int32 = 74
    static let config: Int32 = 78
}
