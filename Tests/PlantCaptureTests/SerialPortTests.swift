#if canImport(Glibc)
    import Glibc
    @testable import PlantCapture
    import Testing

    private typealias PseudoTerminal = SerialPortTestSupport.PseudoTerminal
    private typealias ByIDLink = SerialPortTestSupport.ByIDLink

    private func readBytes(_ port: SerialPort, count: Int) -> [UInt8] {
        SerialPortTestSupport.readBytes(port, count: count)
    }

    private func attributes(of port: SerialPort) throws -> termios {
        var attributes = termios()
        #expect(tcgetattr(port.descriptor, &attributes) == 0)
        return attributes
    }

    private func has(_ flags: tcflag_t, _ flag: Int32) -> Bool { flags & tcflag_t(flag) != 0 }

    @Suite("Serial port (through pseudo-terminals)")
    struct SerialPortTests {
        @Test func openPutsTheLineInRawModeWithTheSettings() throws {
            let terminal = try PseudoTerminal()
            let settings = SerialPortSettings(
                baudRate: 19_200, dataBits: 8, parity: .none, stopBits: .two,
                flowControl: .rtsCts)
            let port = try SerialPort.open(path: terminal.path, settings: settings)
            var actual = try attributes(of: port)
            #expect(cfgetispeed(&actual) == speed_t(B19200))
            #expect(cfgetospeed(&actual) == speed_t(B19200))
            #expect(actual.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
            #expect(!has(actual.c_cflag, PARENB))
            #expect(has(actual.c_cflag, CSTOPB))
            #expect(actual.c_cflag & tcflag_t(CRTSCTS) != 0)
            #expect(has(actual.c_cflag, CREAD) && has(actual.c_cflag, CLOCAL))
            for flag in [ICANON, ECHO, ECHONL, ISIG, IEXTEN] { #expect(!has(actual.c_lflag, flag), "lflag \(flag)") }
            for flag in [ICRNL, INLCR, IGNCR, ISTRIP, IXON, IXOFF, BRKINT] {
                #expect(!has(actual.c_iflag, flag), "iflag \(flag)")
            }
            #expect(!has(actual.c_oflag, OPOST))
            let (minimum, time) = withUnsafeBytes(of: actual.c_cc) { ($0[Int(VMIN)], $0[Int(VTIME)]) }
            #expect(minimum == 1 && time == 0)
            var exclusive: Int32 = 0
            #expect(ioctl(port.descriptor, 0x8004_5440 /* TIOCGEXCL */, &exclusive) == 0)
            #expect(exclusive == 1)
            #expect(fcntl(port.descriptor, F_GETFD) & FD_CLOEXEC != 0)
        }

        @Test(arguments: SerialPortSettings.supportedBaudRates)
        func everyBaudRateIsSet(_ baudRate: Int) throws {
            let terminal = try PseudoTerminal()
            let port = try SerialPort.open(path: terminal.path, settings: SerialPortSettings(baudRate: baudRate))
            var actual = try attributes(of: port)
            #expect(cfgetispeed(&actual) == SerialPortSettings.speeds[baudRate])
            #expect(cfgetospeed(&actual) == SerialPortSettings.speeds[baudRate])
        }

        @Test func aSettingTheDeviceDoesNotKeepIsReported() throws {
            // A Linux pseudo-terminal forces 8 data bits and no parity, like a device that cannot do 7E1.
            let terminal = try PseudoTerminal()
            #expect(
                throws: SerialPortError.settingRefused(
                    path: terminal.path, setting: "data bits", requested: "7",
                    actual: "8")
            ) {
                try SerialPort.open(path: terminal.path, settings: SerialPortSettings(dataBits: 7, parity: .even))
            }
            let error = SerialPortError.settingRefused(
                path: "/dev/ttyS0", setting: "data bits", requested: "7",
                actual: "8")
            #expect(error.message == "/dev/ttyS0: the device did not take data bits 7, it reports 8")
        }

        @Test func invalidSettingsAreAllReportedBeforeOpening() {
            let settings = SerialPortSettings(baudRate: 300, dataBits: 9)
            #expect(
                settings.problems() == [
                    "baud rate: expected one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, found 300",
                    "data bits: expected 5 to 8, found 9",
                ])
            #expect(throws: SerialPortError.invalidSettings(path: "/dev/ttyUSB0", problems: settings.problems())) {
                try SerialPort.open(path: "/dev/ttyUSB0", settings: settings)
            }
            #expect(SerialPortSettings().problems().isEmpty)
            #expect(SerialPortSettings().summary == "9600 8N1")
            #expect(
                SerialPortSettings(baudRate: 115_200, dataBits: 7, parity: .odd, stopBits: .two, flowControl: .rtsCts)
                    .summary == "115200 7O2 rts-cts")
        }

        @Test func absentDeviceAndNonTerminal() {
            #expect(throws: SerialPortError.deviceAbsent(path: "/dev/serial/by-id/no-such-scanner")) {
                try SerialPort.open(path: "/dev/serial/by-id/no-such-scanner", settings: SerialPortSettings())
            }
            #expect(
                SerialPortError.deviceAbsent(path: "/dev/x").message
                    == "/dev/x: no such device (is the scanner plugged in? prefer a /dev/serial/by-id/ path)")
            #expect(throws: SerialPortError.notATerminal(path: "/dev/null")) {
                try SerialPort.open(path: "/dev/null", settings: SerialPortSettings())
            }
        }

        @Test(arguments: [5, 6, 7, 8], SerialPortSettings.Parity.allCases)
        func termiosFlagsForEveryCharacterFormat(_ dataBits: Int, _ parity: SerialPortSettings.Parity) {
            for stopBits in [SerialPortSettings.StopBits.one, .two] {
                for flow in SerialPortSettings.FlowControl.allCases {
                    let settings = SerialPortSettings(
                        baudRate: 4800, dataBits: dataBits, parity: parity,
                        stopBits: stopBits, flowControl: flow)
                    var attributes = termios()
                    attributes.c_lflag = tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
                    attributes.c_iflag = tcflag_t(ICRNL | IXON | IXOFF)
                    attributes.c_oflag = tcflag_t(OPOST)
                    settings.apply(to: &attributes)
                    #expect(attributes.c_cflag & tcflag_t(CSIZE) == SerialPortSettings.characterSizes[dataBits])
                    #expect(has(attributes.c_cflag, PARENB) == (parity != .none))
                    #expect(has(attributes.c_cflag, PARODD) == (parity == .odd))
                    #expect(has(attributes.c_iflag, INPCK) == (parity != .none))
                    #expect(has(attributes.c_cflag, CSTOPB) == (stopBits == .two))
                    #expect((attributes.c_cflag & tcflag_t(CRTSCTS) != 0) == (flow == .rtsCts))
                    #expect(attributes.c_lflag & tcflag_t(ICANON | ECHO | ISIG | IEXTEN) == 0)
                    #expect(attributes.c_iflag & tcflag_t(ICRNL | IXON | IXOFF) == 0)
                    #expect(!has(attributes.c_oflag, OPOST))
                    #expect(cfgetispeed(&attributes) == speed_t(B4800))
                    #expect(settings.firstDifference(from: attributes) == nil)
                }
            }
        }

        @Test func bytesFromTheDeviceFrameIntoScans() throws {
            let terminal = try PseudoTerminal()
            let port = try SerialPort.open(path: terminal.path, settings: SerialPortSettings())
            let sent = Array("]C10109876543210982\u{1D}10LOT7\r\nHELLO\r\n".utf8)
            terminal.write(sent)
            let received = readBytes(port, count: sent.count)
            #expect(received == sent)  // raw mode: CR, LF and GS pass untouched
            var decoder = ScanFrameDecoder(configuration: .init(terminator: .crlf))
            var input = received[...]
            var scans: [String] = []
            while case .scan(let scan)? = decoder.decode(&input) { scans.append(scan.text) }
            #expect(scans == ["]C10109876543210982\u{1D}10LOT7", "HELLO"])
            let decoded = try GS1Decoder.decode(scans[0], currentYear: 2026)
            guard case .gs1(let elements) = decoded else {
                Issue.record("expected GS1, got \(decoded)")
                return
            }
            #expect(elements.elements.map(\.value) == ["09876543210982", "LOT7"])
        }

        @Test func readTimesOutWhenTheLineIsQuiet() throws {
            let terminal = try PseudoTerminal()
            let port = try SerialPort.open(path: terminal.path, settings: SerialPortSettings())
            let clock = ContinuousClock()
            let started = clock.now
            #expect(port.read(timeout: .milliseconds(50)) == .timedOut)
            #expect(started.duration(to: clock.now) >= .milliseconds(50))
            _ = terminal
        }

        @Test func unpluggingIsAGoneEvent() throws {
            let terminal = try PseudoTerminal()
            let port = try SerialPort.open(path: terminal.path, settings: SerialPortSettings())
            terminal.unplug()
            #expect(port.read(timeout: .seconds(5)) == .gone(SerialDeviceGone(path: terminal.path, cause: .hangUp)))
            #expect(
                SerialDeviceGone(path: "/dev/ttyUSB0", cause: .hangUp).message
                    == "/dev/ttyUSB0: device disconnected (line hung up)")
        }

        @Test func aClosedPortSaysSo() throws {
            let terminal = try PseudoTerminal()
            let port = try SerialPort.open(path: terminal.path, settings: SerialPortSettings())
            port.close()
            port.close()
            #expect(
                port.read(timeout: .milliseconds(10)) == .gone(SerialDeviceGone(path: terminal.path, cause: .closed)))
        }

        @Test func theByIDPathTakenByAnotherDeviceIsGone() throws {
            let first = try PseudoTerminal()
            let second = try PseudoTerminal()
            let link = try ByIDLink(to: first.path)
            defer { link.remove() }
            let port = try SerialPort.open(path: link.path, settings: SerialPortSettings())
            #expect(port.read(timeout: .milliseconds(20)) == .timedOut)
            try link.point(to: second.path)
            #expect(
                port.read(timeout: .milliseconds(20)) == .gone(SerialDeviceGone(path: link.path, cause: .pathReplaced)))
        }

        @Test func theByIDPathRemovedIsGone() throws {
            let terminal = try PseudoTerminal()
            let link = try ByIDLink(to: terminal.path)
            defer { link.remove() }
            let port = try SerialPort.open(path: link.path, settings: SerialPortSettings())
            link.removeLink()
            #expect(
                port.read(timeout: .milliseconds(20)) == .gone(SerialDeviceGone(path: link.path, cause: .pathRemoved)))
        }
    }
#endif
