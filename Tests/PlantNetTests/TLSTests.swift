import Testing

@testable import PlantNet

@Suite struct TLSTests {
    /// A TLS echo of one line, server side on a background thread.
    func withTLSServer(_ context: TLSServerContext, _ body: (UInt16) throws -> Void) throws -> Result<String, Error>? {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let server = Background { () throws -> String in
            guard let connection = try listener.accept(timeout: .seconds(10)) else { return "no connection" }
            let stream = try TLSStream(server: connection, context: context, timeout: .seconds(10))
            var buffer = ByteBuffer()
            _ = try stream.read(into: &buffer)
            try stream.write(buffer.readableBytesArray)
            let subject = stream.peerCertificateSubject ?? "none"
            stream.close()
            return subject
        }
        try body(listener.port)
        return server.wait()
    }

    @Test func handshakeVerifiesChainAndNameAndCarriesData() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let serverContext = try TLSServerContext(
            certFile: certificates.serverCertFile, keyFile: certificates.serverKeyFile)
        let clientContext = try TLSClientContext(caFile: certificates.caFile)
        for name in ["localhost", "127.0.0.1"] {
            let result = try withTLSServer(serverContext) { port in
                let stream = try TLSStream.connect(
                    host: "127.0.0.1", port: port, context: clientContext, serverName: name)
                try stream.write("hello tls".bytes)
                var buffer = ByteBuffer()
                while buffer.readableBytes < 9 { if try stream.read(into: &buffer) == 0 { break } }
                #expect(buffer.readableBytesArray == "hello tls".bytes)
                stream.close()
            }
            #expect(try result?.get() == "none")
        }
    }

    @Test func untrustedCAIsRefusedWithTheReason() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let serverContext = try TLSServerContext(
            certFile: certificates.serverCertFile, keyFile: certificates.serverKeyFile)
        let clientContext = try TLSClientContext(caFile: certificates.otherCAFile)
        _ = try withTLSServer(serverContext) { port in
            #expect(
                throws: TLSError(
                    kind: .certificateVerification,
                    message: "certificate verify failed: unable to get local issuer certificate",
                    peer: "127.0.0.1:\(port)")
            ) {
                _ = try TLSStream.connect(
                    host: "127.0.0.1", port: port, context: clientContext, serverName: "localhost")
            }
        }
    }

    @Test func wrongHostNameIsRefused() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let serverContext = try TLSServerContext(
            certFile: certificates.serverCertFile, keyFile: certificates.serverKeyFile)
        let clientContext = try TLSClientContext(caFile: certificates.caFile)
        _ = try withTLSServer(serverContext) { port in
            #expect(
                throws: TLSError(
                    kind: .certificateVerification, message: "certificate verify failed: hostname mismatch",
                    peer: "127.0.0.1:\(port)")
            ) {
                _ = try TLSStream.connect(
                    host: "127.0.0.1", port: port, context: clientContext, serverName: "hub.example.com")
            }
        }
        _ = try withTLSServer(serverContext) { port in
            #expect(
                throws: TLSError(
                    kind: .certificateVerification, message: "certificate verify failed: IP address mismatch",
                    peer: "127.0.0.1:\(port)")
            ) {
                _ = try TLSStream.connect(
                    host: "127.0.0.1", port: port, context: clientContext, serverName: "127.0.0.2")
            }
        }
    }

    @Test func requiredClientCertificate() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let serverContext = try TLSServerContext(
            certFile: certificates.serverCertFile, keyFile: certificates.serverKeyFile,
            clientCAFile: certificates.caFile)
        let withCertificate = try TLSClientContext(
            caFile: certificates.caFile, clientCertFile: certificates.clientCertFile,
            clientKeyFile: certificates.clientKeyFile)
        let result = try withTLSServer(serverContext) { port in
            let stream = try TLSStream.connect(
                host: "127.0.0.1", port: port, context: withCertificate, serverName: "localhost")
            try stream.write("x".bytes)
            var buffer = ByteBuffer()
            #expect(try stream.read(into: &buffer) == 1)
        }
        #expect(try result?.get() == "/CN=plant-P100")

        let withoutCertificate = try TLSClientContext(caFile: certificates.caFile)
        let refused = try withTLSServer(serverContext) { port in
            // TLS 1.3: the client's handshake completes; the server's refusal arrives as an alert.
            let error = #expect(throws: TLSError.self) {
                let stream = try TLSStream.connect(
                    host: "127.0.0.1", port: port, context: withoutCertificate,
                    serverName: "localhost")
                try stream.write("x".bytes)
                var buffer = ByteBuffer()
                _ = try stream.read(into: &buffer)
            }
            #expect(error?.message.contains("certificate required") == true, "\(String(describing: error))")
        }
        let serverError = #expect(throws: TLSError.self) { try refused?.get() }
        #expect(serverError?.kind == .handshake)
        #expect(serverError?.message == "peer did not return a certificate")
    }

    @Test func unreadableFilesAreNamed() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let missing = certificates.directory.file("missing.pem")
        let error = #expect(throws: TLSError.self) {
            _ = try TLSServerContext(certFile: missing, keyFile: certificates.serverKeyFile)
        }
        #expect(error?.kind == .configuration)
        #expect(error?.peer == missing)
        #expect(
            error?.message.hasPrefix("cannot load certificate file \(missing): ") == true,
            "\(String(describing: error))")
        let mismatch = #expect(throws: TLSError.self) {
            _ = try TLSServerContext(certFile: certificates.serverCertFile, keyFile: certificates.clientKeyFile)
        }
        #expect(
            mismatch?.message.hasPrefix("cannot load private key file (does it match the certificate?)") == true
                || mismatch?.message.hasPrefix("cannot load private key file") == true,
            "\(String(describing: mismatch))")
        #expect(throws: TLSError.self) { _ = try TLSClientContext(caFile: missing) }
    }
}
