import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The agent.yaml of the crash tests: data under `directory/data`, a token file, and a hub that is never
/// reachable (port 9), so everything the agent captures stays in its journal for the test to count.
enum OfflineAgentConfiguration {
    /// Writes `directory/agent.yaml` with `rest` (the `inputs:` and `lines:` sections, unindented)
    /// after the common part; returns its path.
    static func write(in directory: String, _ rest: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        let token = directory + "/agent.token"
        try "test-token\n".write(toFile: token, atomically: true, encoding: .utf8)
        chmod(token, 0o600)
        let config = directory + "/agent.yaml"
        let common = """
            plant: P100
            data_dir: \(directory)/data
            log:
              level: warning
            hub:
              url: http://127.0.0.1:9/
              allow_plain_http: true
              token_file: \(token)
            status:
              listen: 127.0.0.1:0

            """
        try (common + rest).write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }
}
