/// The loop of one server connection, on its own thread: TLS handshake, then read requests,
/// call the handler, write responses, until the client closes, an idle timeout, an error,
/// `Connection: close`, or the server stops.
extension HTTPServer {
    func serve(_ connection: TCPConnection) {
        defer { connectionEnded() }
        let stream: ByteStream
        var clientSubject: String?
        if let tls = configuration.tls {
            do {
                let tlsStream = try TLSStream(server: connection, context: tls, timeout: configuration.handshakeTimeout)
                clientSubject = tlsStream.peerCertificateSubject
                stream = tlsStream
            } catch {
                record { $0.tlsHandshakeFailures += 1 }
                connection.close()
                return
            }
        } else {
            stream = connection
        }
        var buffer = ByteBuffer(capacity: 32 * 1024)
        var decoder = HTTPRequestDecoder(limits: configuration.limits)
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        while true {
            var request: HTTPRequest
            do {
                guard let next = try readRequest(stream, &buffer, &decoder) else {
                    stream.close()
                    return
                }
                request = next
                request.remoteAddress = connection.peer
                request.clientCertificateSubject = clientSubject
            } catch let error as HTTPParseError {
                record { $0.requestsRejected += 1 }
                var response = HTTPResponse(
                    status: error.status, contentType: "text/plain; charset=utf-8",
                    body: error.description + "\n")
                response.headers.set("Connection", "close")
                try? send(response, headOnly: false, to: stream, &output)
                stream.closeLingering(timeout: .seconds(2))
                return
            } catch {
                stream.close()  // timeout, reset, cancelled: nothing sensible to answer
                return
            }
            if buffer.isEmpty && buffer.capacity > 256 * 1024 {
                buffer = ByteBuffer(capacity: 32 * 1024)  // don't keep a batch-sized buffer per idle connection
            }
            var response = handler(request)
            record { $0.requestsHandled += 1 }
            let keepAlive = request.keepAlive && response.keepAlive && !drainSignal.isFired
            if !keepAlive {
                response.headers.set("Connection", "close")
            } else if request.version == .http1_0 {
                response.headers.set("Connection", "keep-alive")
            }
            do {
                try send(response, headOnly: request.method == "HEAD", to: stream, &output)
            } catch {
                stream.close()
                return
            }
            if !keepAlive {
                stream.closeLingering(timeout: .seconds(1))
                return
            }
        }
    }

    /// The next request; nil when the client closed cleanly, the idle timeout passed or the
    /// server is stopping while the connection is idle.
    private func readRequest(
        _ stream: ByteStream, _ buffer: inout ByteBuffer,
        _ decoder: inout HTTPRequestDecoder
    ) throws -> HTTPRequest? {
        if let request = try decoder.decode(&buffer) { return request }
        while true {
            if decoder.isBetweenMessages && buffer.isEmpty {
                let wait = try stream.waitForInput(timeout: configuration.idleTimeout, unless: drainSignal)
                if wait != .ready { return nil }
            }
            let count = try stream.read(into: &buffer, atMost: 32 * 1024)
            if count == 0 { return try decoder.decodeLast(&buffer) }
            if let request = try decoder.decode(&buffer) { return request }
        }
    }

    private func send(_ response: HTTPResponse, headOnly: Bool, to stream: ByteStream, _ output: inout [UInt8]) throws {
        output.removeAll(keepingCapacity: true)
        let encoder = HTTPResponseEncoder()
        do {
            try encoder.encodeHead(response, into: &output)
        } catch {
            // The handler produced an unencodable header (CR/LF in a value): answer 500.
            output.removeAll(keepingCapacity: true)
            var failure = HTTPResponse(
                status: 500, contentType: "text/plain; charset=utf-8",
                body: "response not encodable: \(error)\n")
            failure.headers.set("Connection", "close")
            try encoder.encode(failure, into: &output)
            try stream.write(output)
            throw error
        }
        if headOnly { return try stream.write(output) }
        // Small bodies go out in one write (one TCP segment / TLS record); big ones without a copy.
        if response.body.count <= 16 * 1024 {
            output.append(contentsOf: response.body)
            try stream.write(output)
        } else {
            try stream.write(output)
            try stream.write(response.body)
        }
    }
}
