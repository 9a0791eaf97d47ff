#if canImport(Glibc)
    @testable import PlantCapture
    import Testing

    private typealias PseudoTerminal = SerialPortTestSupport.PseudoTerminal
    private typealias ByIDLink = SerialPortTestSupport.ByIDLink

    private func nextEvent(_ link: SerialScannerLink) -> SerialScannerLink.LineEvent {
        SerialPortTestSupport.nextEvent(link)
    }

    @Suite("Serial scanner link: framing, idle flush, unplug and return")
    struct SerialPortLinkTests {
        @Test func scannerUnpluggedAndPluggedBackIn() throws {
            let first = try PseudoTerminal()
            let byID = try ByIDLink(to: first.path)
            defer { byID.remove() }
            let link = SerialScannerLink(
                configuration: .init(
                    path: byID.path, framing: .init(terminator: .cr), idleFlush: nil, reopenInterval: .milliseconds(20))
            )

            #expect(nextEvent(link) == .opened(path: byID.path))
            first.write("]C10109876543210982\r")
            #expect(nextEvent(link) == .scan(FramedScan(bytes: Array("]C10109876543210982".utf8), ending: .terminator)))

            // Unplugging: udev removes the by-id link, then the tty hangs up. (Leaving the link pointing at
            // /dev/pts/N would race with parallel tests: the kernel hands that number to the next openpty.)
            byID.removeLink()
            first.unplug()
            #expect(nextEvent(link) == .gone(SerialDeviceGone(path: byID.path, cause: .hangUp)))
            #expect(!link.isOpen)
            // The by-id link is gone: the first failed reopen is reported, once.
            #expect(nextEvent(link) == .openFailed(.deviceAbsent(path: byID.path)))

            let second = try PseudoTerminal()
            try byID.point(to: second.path)
            #expect(nextEvent(link) == .opened(path: byID.path))
            second.write("AFTER\r")
            #expect(nextEvent(link) == .scan(FramedScan(bytes: Array("AFTER".utf8), ending: .terminator)))
        }

        @Test func anUnterminatedScanIsDeliveredWhenTheDeviceGoes() throws {
            let terminal = try PseudoTerminal()
            let link = SerialScannerLink(
                configuration: .init(
                    path: terminal.path, framing: .init(terminator: .cr), idleFlush: nil, reopenInterval: .seconds(10)))
            #expect(nextEvent(link) == .opened(path: terminal.path))
            terminal.write("PARTIAL")
            #expect(link.next(timeout: .milliseconds(50)) == .quiet)
            terminal.unplug()
            #expect(nextEvent(link) == .scan(FramedScan(bytes: Array("PARTIAL".utf8), ending: .endOfStream)))
            #expect(nextEvent(link) == .gone(SerialDeviceGone(path: terminal.path, cause: .hangUp)))
        }

        @Test func idleFlushCompletesAScanWithoutTerminator() throws {
            let terminal = try PseudoTerminal()
            let link = SerialScannerLink(
                configuration: .init(
                    path: terminal.path, framing: .init(terminator: .cr), idleFlush: .milliseconds(30)))
            #expect(nextEvent(link) == .opened(path: terminal.path))
            terminal.write("NOTERM")
            #expect(nextEvent(link) == .scan(FramedScan(bytes: Array("NOTERM".utf8), ending: .idle)))
            terminal.write("NEXT\r")
            #expect(nextEvent(link) == .scan(FramedScan(bytes: Array("NEXT".utf8), ending: .terminator)))
        }

        @Test func badFramesAreRejectedAndTheLineGoesOn() throws {
            let terminal = try PseudoTerminal()
            let link = SerialScannerLink(
                configuration: .init(
                    path: terminal.path, framing: .init(terminator: .lf, maxLength: 8), idleFlush: nil))
            #expect(nextEvent(link) == .opened(path: terminal.path))
            terminal.write([0x41, 0xFF, 0x0A] + Array("0123456789\nOK\n".utf8))
            #expect(nextEvent(link) == .rejected(RejectedScan(reason: .invalidUTF8(position: 2), raw: [0x41, 0xFF])))
            #expect(nextEvent(link) == .rejected(RejectedScan(reason: .tooLong(limit: 8), raw: Array("01234567".utf8))))
            #expect(nextEvent(link) == .scan(FramedScan(bytes: Array("OK".utf8), ending: .terminator)))
        }

        @Test func anAbsentDeviceIsReportedOnceThenRetriedQuietly() {
            let link = SerialScannerLink(
                configuration: .init(
                    path: "/dev/serial/by-id/usb-not-plugged", reopenInterval: .milliseconds(10)))
            #expect(
                link.next(timeout: .milliseconds(50))
                    == .openFailed(.deviceAbsent(path: "/dev/serial/by-id/usb-not-plugged")))
            #expect(link.next(timeout: .milliseconds(50)) == .quiet)
            #expect(!link.isOpen)
        }
    }
#endif
