import Foundation

/// A CA, a server certificate for 127.0.0.1 / localhost, and an unrelated CA, made with the
/// `openssl` CLI in a temporary directory.
struct TestCertificates {
    let directory: String
    var caFile: String { directory + "/ca.pem" }
    var otherCAFile: String { directory + "/other-ca.pem" }
    var serverCertFile: String { directory + "/server.pem" }
    var serverKeyFile: String { directory + "/server.key" }
    var clientCertFile: String { directory + "/client.pem" }
    var clientKeyFile: String { directory + "/client.key" }

    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("plantforward-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            try makeCA("ca", subject: "/CN=PlantSync Test CA")
            try makeCA("other-ca", subject: "/CN=Unrelated CA")
            try makeLeaf(
                "server", subject: "/CN=localhost",
                extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
            try makeLeaf("client", subject: "/CN=plant-P100", extensions: "extendedKeyUsage=clientAuth\n")
        } catch {
            remove()
            throw error
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    private func makeCA(_ name: String, subject: String) throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", subject,
        ])
    }

    private func makeLeaf(_ name: String, subject: String, extensions: String) throws {
        try ("basicConstraints=CA:FALSE\n" + extensions)
            .write(toFile: directory + "/\(name).ext", atomically: true, encoding: .utf8)
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject,
        ])
        try openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext",
        ])
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments): \(text)"])
        }
    }
}
