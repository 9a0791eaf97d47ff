#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// One testkit subcommand: a name, a usage line, and a body returning the exit status.
struct Subcommand: Sendable {
    let name: String
    let usage: String
    let run: @Sendable (inout Arguments) throws -> Int32
}

/// `--flag value` and `--switch` arguments.
struct Arguments {
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    private var values: [String: String] = [:]
    private var switches: Set<String> = []

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--") else { throw Problem(description: "unexpected argument \"\(argument)\"") }
            let name = String(argument.dropFirst(2))
            if index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") {
                values[name] = arguments[index + 1]
                index += 2
            } else {
                switches.insert(name)
                index += 1
            }
        }
    }

    func string(_ name: String) throws -> String {
        guard let value = values[name] else { throw Problem(description: "missing --\(name)") }
        return value
    }

    func string(_ name: String, default value: String) -> String { values[name] ?? value }

    func int(_ name: String, default value: Int? = nil) throws -> Int {
        guard let text = values[name] else {
            if let value { return value }
            throw Problem(description: "missing --\(name)")
        }
        guard let number = Int(text) else {
            throw Problem(description: "--\(name): expected an integer, found \"\(text)\"")
        }
        return number
    }

    func flag(_ name: String) -> Bool { switches.contains(name) }
}

/// Unbuffered output: a parent that kills us with SIGKILL must have seen every line we wrote.
enum Output {
    static func line(_ text: String) { write(1, text + "\n") }

    static func error(_ text: String) { write(2, text) }

    /// Writes all of `text` with write(2), retrying short writes.
    static func write(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                #if canImport(Glibc)
                    let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                #else
                    let written = Darwin.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

/// Monotonic seconds, for benchmarks.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
