import Foundation

/// A CA, a server certificate (SAN DNS:localhost, IP:127.0.0.1), a client certificate and an
/// unrelated second CA, made with the `openssl` CLI in a temporary directory.
struct TestCertificates {
    let directory: TemporaryDirectory
    var caFile: String { directory.file("ca.pem") }
    var otherCAFile: String { directory.file("other-ca.pem") }
    var serverCertFile: String { directory.file("server.pem") }
    var serverKeyFile: String { directory.file("server.key") }
    var clientCertFile: String { directory.file("client.pem") }
    var clientKeyFile: String { directory.file("client.key") }

    init() throws {
        directory = try TemporaryDirectory()
        do {
            try makeCA("ca", subject: "/CN=PlantSync Test CA")
            try makeCA("other-ca", subject: "/CN=Unrelated CA")
            try makeLeaf(
                "server", subject: "/CN=localhost",
                extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
            try makeLeaf("client", subject: "/CN=plant-P100", extensions: "extendedKeyUsage=clientAuth\n")
        } catch {
            directory.remove()
            throw error
        }
    }

    func remove() { directory.remove() }

    private func makeCA(_ name: String, subject: String) throws {
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", subject,
        ])
    }

    private func makeLeaf(_ name: String, subject: String, extensions: String) throws {
        try ("basicConstraints=CA:FALSE\n" + extensions).write(
            toFile: directory.file("\(name).ext"), atomically: true,
            encoding: .utf8)
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
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
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
