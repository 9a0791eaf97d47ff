// plantsync-testkit: child processes for crash tests and benchmarks (kill -9 targets); not shipped.
// Add a subcommand: write a `Subcommand` in its own file and list it in `subcommands` below.
#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

let subcommands: [Subcommand] = [
    journalAppendLoop,
    benchJournal,
    benchSQLiteBaseline,
    journalPrefill,
    waitDrained,
    benchScanLatency,
    benchDropLatency,
    benchPost,
    httpSink,
    benchAggregate,
    benchCaptureKepware,
    benchCaptureCSV,
    benchCaptureScans,
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let command = subcommands.first(where: { $0.name == name }) else {
    var usage = "usage: plantsync-testkit <subcommand> [options]\n"
    for command in subcommands { usage += "  \(command.name) \(command.usage)\n" }
    Output.error(usage)
    exit(2)
}
do {
    var options = try Arguments(Array(arguments.dropFirst()))
    exit(try command.run(&options))
} catch {
    Output.error("plantsync-testkit \(name): \(error)\n")
    exit(1)
}
