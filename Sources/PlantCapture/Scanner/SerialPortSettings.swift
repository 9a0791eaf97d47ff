// Line settings of a serial scanner and their termios form (raw mode: bytes pass untouched).
#if canImport(Glibc)
    import Glibc
#endif

/// Baud rate, character format and flow control of a serial line.
public struct SerialPortSettings: Sendable, Hashable {
    public enum Parity: String, Sendable, Hashable, CaseIterable { case none, even, odd }
    public enum StopBits: Int, Sendable, Hashable { case one = 1, two = 2 }
    public enum FlowControl: String, Sendable, Hashable, CaseIterable {
        case none
        /// Hardware handshake on RTS/CTS.
        case rtsCts = "rts-cts"
    }

    public static let supportedBaudRates = [1200, 2400, 4800, 9600, 19_200, 38_400, 57_600, 115_200]

    public var baudRate: Int
    /// 5–8.
    public var dataBits: Int
    public var parity: Parity
    public var stopBits: StopBits
    public var flowControl: FlowControl

    /// Defaults are the usual scanner factory setting: 9600 8N1, no flow control.
    public init(
        baudRate: Int = 9600, dataBits: Int = 8, parity: Parity = .none, stopBits: StopBits = .one,
        flowControl: FlowControl = .none
    ) {
        self.baudRate = baudRate
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
        self.flowControl = flowControl
    }

    /// Every problem with these settings (empty when valid), checked without I/O.
    public func problems() -> [String] {
        var problems: [String] = []
        if !Self.supportedBaudRates.contains(baudRate) {
            let rates = Self.supportedBaudRates.map(String.init).joined(separator: ", ")
            problems.append("baud rate: expected one of \(rates), found \(baudRate)")
        }
        if !(5...8).contains(dataBits) {
            problems.append("data bits: expected 5 to 8, found \(dataBits)")
        }
        return problems
    }

    /// Short form for logs, e.g. "9600 8N1", "19200 7E2 rts-cts".
    public var summary: String {
        let parityLetter: String
        switch parity {
        case .none: parityLetter = "N"
        case .even: parityLetter = "E"
        case .odd: parityLetter = "O"
        }
        return "\(baudRate) \(dataBits)\(parityLetter)\(stopBits.rawValue)" + (flowControl == .rtsCts ? " rts-cts" : "")
    }
}

#if canImport(Glibc)
    extension SerialPortSettings {
        /// termios speed constants by baud rate.
        static let speeds: [Int: speed_t] = [
            1200: speed_t(B1200), 2400: speed_t(B2400), 4800: speed_t(B4800), 9600: speed_t(B9600),
            19_200: speed_t(B19200), 38_400: speed_t(B38400), 57_600: speed_t(B57600), 115_200: speed_t(B115200),
        ]

        static let characterSizes: [Int: tcflag_t] = [
            5: tcflag_t(CS5), 6: tcflag_t(CS6), 7: tcflag_t(CS7), 8: tcflag_t(CS8),
        ]

        /// Puts `attributes` into raw mode with these settings. Pure; the settings must be valid.
        func apply(to attributes: inout termios) {
            cfmakeraw(&attributes)  // no echo, no line editing, no CR/LF translation, no signals, 8 bits
            attributes.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY | INPCK)  // no software flow control
            attributes.c_cflag &=
                ~(tcflag_t(CSIZE) | tcflag_t(PARENB) | tcflag_t(PARODD) | tcflag_t(CSTOPB)
                | tcflag_t(CRTSCTS))
            // CLOCAL: a scanner has no modem lines; losing DCD must not hang the line up.
            attributes.c_cflag |= tcflag_t(CREAD) | tcflag_t(CLOCAL) | (Self.characterSizes[dataBits] ?? tcflag_t(CS8))
            if parity != .none {
                // Parity errors arrive as NUL bytes, which the framing rejects as noise.
                attributes.c_cflag |= tcflag_t(PARENB) | (parity == .odd ? tcflag_t(PARODD) : 0)
                attributes.c_iflag |= tcflag_t(INPCK)
            }
            if stopBits == .two { attributes.c_cflag |= tcflag_t(CSTOPB) }
            if flowControl == .rtsCts { attributes.c_cflag |= tcflag_t(CRTSCTS) }
            // Reads are driven by poll(); a read then returns whatever has arrived.
            withUnsafeMutableBytes(of: &attributes.c_cc) { controlCharacters in
                controlCharacters[Int(VMIN)] = 1
                controlCharacters[Int(VTIME)] = 0
            }
            let speed = Self.speeds[baudRate] ?? speed_t(B9600)
            cfsetispeed(&attributes, speed)
            cfsetospeed(&attributes, speed)
        }

        /// The first setting `actual` (read back from the device) does not carry, as (setting, requested, actual).
        func firstDifference(from actual: termios) -> (setting: String, requested: String, actual: String)? {
            var actual = actual
            let speed = cfgetispeed(&actual)
            let actualBaud = Self.speeds.first { $0.value == speed }?.key
            if actualBaud != baudRate || cfgetospeed(&actual) != speed {
                return ("baud rate", String(baudRate), actualBaud.map(String.init) ?? "another rate")
            }
            let size = actual.c_cflag & tcflag_t(CSIZE)
            let actualBits = Self.characterSizes.first { $0.value == size }?.key ?? 0
            if actualBits != dataBits { return ("data bits", String(dataBits), String(actualBits)) }
            let actualParity: Parity =
                actual.c_cflag & tcflag_t(PARENB) == 0
                ? .none : (actual.c_cflag & tcflag_t(PARODD) == 0 ? .even : .odd)
            if actualParity != parity { return ("parity", parity.rawValue, actualParity.rawValue) }
            let actualStop: StopBits = actual.c_cflag & tcflag_t(CSTOPB) == 0 ? .one : .two
            if actualStop != stopBits { return ("stop bits", String(stopBits.rawValue), String(actualStop.rawValue)) }
            let actualFlow: FlowControl = actual.c_cflag & tcflag_t(CRTSCTS) == 0 ? .none : .rtsCts
            if actualFlow != flowControl { return ("flow control", flowControl.rawValue, actualFlow.rawValue) }
            let cooked =
                actual.c_lflag & tcflag_t(ICANON | ECHO | ISIG | IEXTEN) != 0
                || actual.c_iflag & tcflag_t(ICRNL | INLCR | IGNCR | ISTRIP | IXON) != 0
                || actual.c_oflag & tcflag_t(OPOST) != 0
            if cooked { return ("raw mode", "raw", "line processing still on") }
            return nil
        }
    }
#endif
