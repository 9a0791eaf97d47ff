#if canImport(Glibc)
    import Glibc
    @testable import PlantCapture
    import Testing

    /// Helpers for the serial tests, in one namespace so other tests in this target cannot collide with them.
    enum SerialPortTestSupport {
        /// A pseudo-terminal pair standing in for a USB scanner: the test writes to `master`, the code under test
        /// opens `path` (the slave). Closing the master is the device being unplugged.
        final class PseudoTerminal {
            private(set) var master: Int32
            let path: String

            init() throws {
                var master: Int32 = -1
                var slave: Int32 = -1
                var name = [CChar](repeating: 0, count: 128)
                guard openpty(&master, &slave, &name, nil, nil) == 0 else { throw PseudoTerminalError(errno: errno) }
                // Only the master is kept: the slave node lives as long as the master does.
                _ = Glibc.close(slave)
                self.master = master
                self.path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }

            deinit { unplug() }

            func write(_ text: String) { write(Array(text.utf8)) }

            func write(_ bytes: [UInt8]) {
                var offset = 0
                while offset < bytes.count {
                    let written = bytes[offset...].withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
                    if written < 0 && errno == EINTR { continue }
                    precondition(written > 0, "write to pty master failed: errno \(errno)")
                    offset += written
                }
            }

            /// Closes the master: the slave side hangs up, as when a USB scanner is pulled.
            func unplug() {
                guard master >= 0 else { return }
                _ = Glibc.close(master)
                master = -1
            }
        }

        struct PseudoTerminalError: Error { let errno: Int32 }

        /// A temporary directory holding a symlink, standing in for /dev/serial/by-id/usb-…; removed by `remove()`.
        final class ByIDLink {
            let directory: String
            let path: String

            init(to target: String) throws {
                var template = Array("/tmp/plantsync-serial-XXXXXX".utf8CString)
                guard let made = mkdtemp(&template) else { throw PseudoTerminalError(errno: errno) }
                directory = String(cString: made)
                path = directory + "/usb-Scanner_Test-if00"
                try point(to: target)
            }

            /// Re-points the link (what udev does when the device comes back).
            func point(to target: String) throws {
                _ = unlink(path)
                guard symlink(target, path) == 0 else { throw PseudoTerminalError(errno: errno) }
            }

            func removeLink() { _ = unlink(path) }

            func remove() {
                _ = unlink(path)
                _ = rmdir(directory)
            }
        }

        /// Reads from `port` until `count` bytes arrived or 5 s passed.
        static func readBytes(_ port: SerialPort, count: Int) -> [UInt8] {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(5))
            var bytes: [UInt8] = []
            while bytes.count < count && clock.now < deadline {
                if case .bytes(let more) = port.read(timeout: .milliseconds(100)) { bytes += more }
            }
            return bytes
        }

        /// The next event other than `.quiet`, waiting at most 5 s.
        static func nextEvent(_ link: SerialScannerLink) -> SerialScannerLink.LineEvent {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(5))
            while clock.now < deadline {
                let event = link.next(timeout: .milliseconds(100))
                if event != .quiet { return event }
            }
            return .quiet
        }
    }
#endif
