import Foundation

/// Certificates made at test time with the `openssl` command line tool (EC P-256, valid two days):
/// a certificate authority, and server or client certificates it signs. Keys are written mode 0600
/// (the hub and agent refuse secret files others can read).
struct CertificateAuthority {
    /// PEM files.
    let certificate: String
    let key: String

    /// A self-signed CA named `name`, written as `<directory>/<name>-ca.pem` and `-ca.key`.
    static func make(name: String, in directory: String) throws -> CertificateAuthority {
        let certificate = "\(directory)/\(name)-ca.pem"
        let key = "\(directory)/\(name)-ca.key"
        try ExternalTool.succeed(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=PlantSync test CA \(name)",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        try restrict(key)
        return CertificateAuthority(certificate: certificate, key: key)
    }

    /// A certificate for `name` signed by this CA, valid for `subjectAltNames` (`IP:127.0.0.1`,
    /// `DNS:localhost`); `client` makes a client-authentication certificate instead of a server one.
    func issue(name: String, subjectAltNames: [String], client: Bool = false, in directory: String) throws
        -> IssuedCertificate
    {
        let certificate = "\(directory)/\(name).crt"
        let key = "\(directory)/\(name).key"
        let request = "\(directory)/\(name).csr"
        let extensions = "\(directory)/\(name).ext"
        try ExternalTool.succeed(
            "openssl",
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                "-out", request, "-subj", "/CN=\(name)",
            ])
        try restrict(key)
        var lines = [
            "basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment",
            "extendedKeyUsage=\(client ? "clientAuth" : "serverAuth")",
        ]
        if !subjectAltNames.isEmpty { lines.append("subjectAltName=" + subjectAltNames.joined(separator: ",")) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: extensions, atomically: true, encoding: .utf8)
        try ExternalTool.succeed(
            "openssl",
            [
                "x509", "-req", "-in", request, "-CA", self.certificate, "-CAkey", self.key,
                "-set_serial", String(UInt32.random(in: 1...UInt32.max)), "-days", "2", "-out", certificate,
                "-extfile", extensions,
            ])
        return IssuedCertificate(certificate: certificate, key: key)
    }
}

struct IssuedCertificate {
    let certificate: String
    let key: String
}

private func restrict(_ path: String) throws {
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
}
