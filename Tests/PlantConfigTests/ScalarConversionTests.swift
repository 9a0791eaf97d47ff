import PlantConfig
import Testing

/// The typed conversions, on their own.
@Suite struct ScalarConversionTests {
    private func failure<Value>(_ conversion: ConfigConversion<Value>, _ text: String) -> String {
        switch conversion(text, files: StubFiles()) {
        case .success(let value): "accepted \(value)"
        case .failure(let failure): failure.message
        }
    }

    @Test func integers() throws {
        #expect(try ConfigConversion.integer()("-42").get() == -42)
        #expect(try ConfigConversion.integer(in: 1...65535)("65535").get() == 65535)
        #expect(failure(.integer(in: 1...65535), "65536") == #"expected an integer 1–65535, found "65536""#)
        #expect(failure(.integer(in: 1...65535), "80a") == #"expected an integer 1–65535, found "80a""#)
        #expect(failure(.integer(in: 1...Int.max), "0") == #"expected an integer of at least 1, found "0""#)
        #expect(failure(.integer(in: Int.min...9), "10") == #"expected an integer of at most 9, found "10""#)
        for text in ["+1", "1_000", "0x10", "1.0", "", "-", " 1", "99999999999999999999"] {
            #expect(failure(.integer(), text) == "expected an integer, found \"\(text)\"")
        }
    }

    @Test func decimalsKeepTheirText() throws {
        #expect(try ConfigConversion.decimal("1500.250").get().text == "1500.250")
        #expect(try ConfigConversion.decimal("-0.5").get().doubleValue == -0.5)
        for text in ["1.", ".5", "1e3", "1,5", "--1", "1.2.3"] {
            #expect(failure(.decimal, text) == "expected a decimal number like 12.5, found \"\(text)\"")
        }
    }

    @Test func booleansAreExactlyTrueOrFalse() throws {
        #expect(try ConfigConversion.boolean("true").get() == true)
        #expect(try ConfigConversion.boolean("false").get() == false)
        for text in ["yes", "no", "on", "off", "True", "FALSE", "1", "0"] {
            #expect(failure(.boolean, text) == "expected true or false, found \"\(text)\"")
        }
    }

    @Test func durations() throws {
        let cases: [(String, Duration)] = [
            ("500ms", .milliseconds(500)), ("30s", .seconds(30)), ("15m", .seconds(900)),
            ("2h", .seconds(7_200)), ("7d", .seconds(604_800)), ("0s", .zero), ("1500ms", .milliseconds(1_500)),
        ]
        for (text, expected) in cases {
            #expect(try ConfigConversion.duration()(text).get() == expected)
        }
        for text in ["30", "1.5s", "1h30m", "30 s", "5S", "-5s", "ms", "5w", "99999999999999999d"] {
            #expect(
                failure(.duration(), text) == "expected a duration like 500ms, 30s, 15m, 2h or 7d, found \"\(text)\"")
        }
        #expect(
            failure(.duration(in: .milliseconds(100)...(.seconds(300))), "10m")
                == #"expected a duration from 100ms to 5m, found "10m""#)
        #expect(DurationText.format(.seconds(86_400 * 7)) == "7d")
        #expect(DurationText.format(.seconds(5_400)) == "90m")
        #expect(DurationText.format(.milliseconds(1_500)) == "1500ms")
        #expect(DurationText.format(.zero) == "0s")
    }

    @Test func sizes() throws {
        let cases: [(String, Int)] = [
            ("64KiB", 65_536), ("512MiB", 536_870_912), ("4GiB", 4_294_967_296), ("1TiB", 1 << 40),
            ("1MB", 1_000_000), ("2KB", 2_000), ("3GB", 3_000_000_000), ("1TB", 1_000_000_000_000), ("0B", 0),
            ("100B", 100),
        ]
        for (text, bytes) in cases {
            #expect(try ConfigConversion.size()(text).get() == ByteSize(bytes: bytes))
        }
        for text in ["512", "512M", "512mb", "512 MiB", "1.5GiB", "KiB", "4Gib", "-1B", "99999999999TiB"] {
            #expect(failure(.size(), text) == "expected a size like 64KiB, 512MiB or 4GiB, found \"\(text)\"")
        }
        #expect(
            failure(.size(in: .kibibytes(1)...(.mebibytes(64))), "65MiB")
                == #"expected a size from 1KiB to 64MiB, found "65MiB""#)
        #expect(
            failure(.size(in: .mebibytes(16)...(.max)), "1MiB") == #"expected a size of at least 16MiB, found "1MiB""#)
        #expect(ByteSize.gibibytes(4).description == "4GiB")
        #expect(ByteSize(bytes: 1_000_000).description == "1MB")
        #expect(ByteSize(bytes: 1_023).description == "1023B")
    }

    @Test func wordsAndIdentifiers() throws {
        #expect(try ConfigConversion<Durability>.word()("normal").get() == .normal)
        #expect(
            failure(ConfigConversion<Durability>.word(), "Full")
                == #"expected full or normal, found "Full"; did you mean "full"?"#)
        #expect(failure(ConfigConversion<Durability>.word(), "fast") == #"expected full or normal, found "fast""#)
        #expect(
            failure(ConfigConversion<LogSettings.Level>.word(), "warn")
                == #"expected one of debug, info, notice, warning, error, found "warn"; did you mean "warning"?"#)
        #expect(try ConfigConversion.identifier(maxLength: 32)("P-100_a").get() == "P-100_a")
        let tooLong = String(repeating: "x", count: 33)
        #expect(
            failure(.identifier(maxLength: 32), tooLong)
                == "expected 1–32 letters, digits, \"_\" or \"-\", found \"\(tooLong)\"")
        #expect(
            failure(.identifier(maxLength: 32), "P 100")
                == #"expected 1–32 letters, digits, "_" or "-", found "P 100""#
        )
        #expect(failure(.identifier(maxLength: 32), "") == #"expected 1–32 letters, digits, "_" or "-", found """#)
        #expect(failure(.nonEmptyString, "") == #"expected a non-empty string, found """#)
        #expect(failure(.absolutePath, "var/lib") == #"expected an absolute path, found "var/lib""#)
    }

    @Test func hostPorts() throws {
        #expect(
            try ConfigConversion.hostPort("hub.example.com:8443").get() == HostPort(host: "hub.example.com", port: 8443)
        )
        #expect(try ConfigConversion.hostPort("[::1]:9466").get() == HostPort(host: "::1", port: 9466))
        #expect(try ConfigConversion.listenAddress("127.0.0.1:0").get() == HostPort(host: "127.0.0.1", port: 0))
        #expect(HostPort(host: "::1", port: 80).description == "[::1]:80")
        for text in [
            "127.0.0.1:0", "hub", "hub:", ":80", "::1:80", "hub:70000", "hub:-1", "hub:+80", "h b:80", "[zz]:80",
        ] {
            #expect(failure(.hostPort, text) == "expected host:port like hub.example.com:8443, found \"\(text)\"")
        }
    }

    @Test func httpURLs() throws {
        let url = try ConfigConversion.httpURL("https://hub.example.com:8443/plantsync").get()
        #expect(url == HTTPURL(scheme: .https, host: "hub.example.com", port: 8443, path: "/plantsync"))
        #expect(
            try ConfigConversion.httpURL("http://127.0.0.1").get()
                == HTTPURL(scheme: .http, host: "127.0.0.1", port: 80, path: "/"))
        #expect(
            try ConfigConversion.httpURL("https://[::1]/").get()
                == HTTPURL(scheme: .https, host: "::1", port: 443, path: "/"))
        #expect(url.description == "https://hub.example.com:8443/plantsync")
        #expect(url.hostHeader == "hub.example.com:8443")
        let expectation = "expected an http:// or https:// URL like https://hub.example.com:8443, found"
        for text in [
            "hub.example.com", "ftp://hub", "https://", "https://user:pw@hub", "https://hub/?q=1", "https://hub/#x",
            "HTTPS://hub", "https://hub:0", "https://hub/a b",
        ] {
            #expect(failure(.httpURL, text) == "\(expectation) \"\(text)\"")
        }
    }

    @Test func sha256Digests() throws {
        let digest = try ConfigConversion.sha256Hex(String(repeating: "aB", count: 32)).get()
        #expect(digest == Array(repeating: 0xAB, count: 32))
        #expect(failure(.sha256Hex, "abc") == #"expected 64 hexadecimal digits (a SHA-256 digest), found "abc""#)
    }

    @Test func customConversionsReuseTheMessageShape() {
        let even = ConfigConversion<Int>.integer().map(expecting: "an even integer") { $0 % 2 == 0 ? $0 : nil }
        #expect(failure(even, "3") == #"expected an even integer, found "3""#)
        #expect(failure(even, "x") == #"expected an integer, found "x""#)
        let station = ConfigConversion<String>(expecting: "a station code like S01") { $0.hasPrefix("S") ? $0 : nil }
        #expect(failure(station, "X1") == #"expected a station code like S01, found "X1""#)
    }
}
