import Foundation

/// Finds the package's built executables (`plantsync`, `plantsync-testkit`) for integration tests.
///
/// SwiftPM puts every product of a build in one directory (`.build/<config>/`), and the test
/// bundle runs from there too, so the executables sit next to `/proc/self/exe`.
enum Binaries {
    struct NotBuilt: Error, CustomStringConvertible {
        let name: String
        let searched: String

        var description: String {
            "\(name) not found at \(searched); build it first (swift build --product \(name), or plain swift build)"
        }
    }

    /// The directory holding the running test binary.
    static var buildDirectory: String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On macOS the tests run inside `<name>.xctest/Contents/MacOS/`; step out of the bundle.
        while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
        return directory.path
    }

    /// Absolute path of the executable `name`, or `NotBuilt` when it is missing.
    static func path(_ name: String) throws -> String {
        let path = buildDirectory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else { throw NotBuilt(name: name, searched: path) }
        return path
    }
}
