import PlantCapture
import Testing

/// Deterministic generator for the random splits (SplitMix64), so a failing seed can be replayed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Feeds `chunks` one after another, then (if `end`) ends the stream.
private func frames(_ configuration: ScanFramingConfiguration, _ chunks: [[UInt8]], end: Bool = true) -> [ScanFrame] {
    var decoder = ScanFrameDecoder(configuration: configuration)
    var out: [ScanFrame] = []
    for chunk in chunks {
        var bytes = chunk[...]
        while let frame = decoder.decode(&bytes) { out.append(frame) }
        #expect(bytes.isEmpty)
    }
    if end {
        var empty = ArraySlice<UInt8>()
        while let frame = decoder.decodeLast(&empty) { out.append(frame) }
    }
    return out
}

/// The same input whole, byte by byte and in 50 random splits must give identical frames.
private func framesEverySplit(_ configuration: ScanFramingConfiguration, _ input: [UInt8]) -> [ScanFrame] {
    let whole = frames(configuration, [input])
    #expect(frames(configuration, input.map { [$0] }) == whole, "byte by byte")
    for seed in 0..<50 {
        var random = SplitMix64(state: UInt64(seed))
        var chunks: [[UInt8]] = []
        var index = 0
        while index < input.count {
            let length = Int.random(in: 0...min(9, input.count - index), using: &random)
            chunks.append(Array(input[index..<(index + length)]))
            index += length
        }
        #expect(frames(configuration, chunks) == whole, "random split, seed \(seed)")
    }
    return whole
}

private func scan(_ text: String, _ ending: FramedScan.Ending = .terminator) -> ScanFrame {
    .scan(FramedScan(bytes: Array(text.utf8), ending: ending))
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("Scan framing")
struct ScanFramingTests {
    @Test func crTerminator() {
        #expect(framesEverySplit(.init(terminator: .cr), bytes("ABC\rDEF\r")) == [scan("ABC"), scan("DEF")])
    }

    @Test func lfTerminator() {
        #expect(framesEverySplit(.init(terminator: .lf), bytes("ABC\nDEF\n")) == [scan("ABC"), scan("DEF")])
    }

    @Test func crlfTerminator() {
        #expect(framesEverySplit(.init(terminator: .crlf), bytes("ABC\r\nDEF\r\n")) == [scan("ABC"), scan("DEF")])
    }

    @Test func crlfModeTreatsALoneCRAsDataAndRejectsIt() {
        let out = framesEverySplit(.init(terminator: .crlf), bytes("AB\rC\r\nOK\r\n"))
        let rejected = RejectedScan(reason: .controlCharacter(byte: 0x0D, position: 3), raw: bytes("AB\rC"))
        #expect(out == [.rejected(rejected), scan("OK")])
        #expect(
            rejected.message
                == "scan holds control byte 0x0D at byte 3: the scanner's terminator differs from the configured one")
    }

    @Test func anyTerminatorMixesCRLFAndCountsCRLFOnce() {
        let out = framesEverySplit(.init(terminator: .any), bytes("A\r\nB\rC\nD\n\rE\r\r\n\n"))
        #expect(out == ["A", "B", "C", "D", "E"].map { scan($0) })
    }

    @Test func lfModeWithACRLFScannerRejectsTheCR() {
        let out = framesEverySplit(.init(terminator: .lf), bytes("ABC\r\n"))
        #expect(
            out == [
                .rejected(
                    RejectedScan(
                        reason: .controlCharacter(byte: 0x0D, position: 4),
                        raw: bytes("ABC\r")))
            ])
    }

    @Test func crModeWithACRLFScannerRejectsTheLF() {
        let out = framesEverySplit(.init(terminator: .cr), bytes("A\r\nB\r"))
        #expect(
            out == [
                scan("A"),
                .rejected(
                    RejectedScan(
                        reason: .controlCharacter(byte: 0x0A, position: 1),
                        raw: bytes("\nB"))),
            ])
    }

    @Test func blankLinesAreNotScans() {
        #expect(framesEverySplit(.init(terminator: .lf), bytes("\n\nABC\n\n")) == [scan("ABC")])
    }

    @Test func prefixAndSuffixAreStrippedWhenPresent() {
        let configuration = ScanFramingConfiguration(terminator: .cr, prefix: [0x02], suffix: [0x03])
        let out = framesEverySplit(
            configuration,
            [0x02] + bytes("ABC") + [0x03, 0x0D] + bytes("DEF\r")
                + [0x02, 0x03, 0x0D] + [0x02] + bytes("G\r"))
        #expect(out == [scan("ABC"), scan("DEF"), scan("G")])
    }

    @Test func multiBytePrefixAndSuffix() {
        let configuration = ScanFramingConfiguration(terminator: .lf, prefix: bytes("S1:"), suffix: bytes("#"))
        #expect(framesEverySplit(configuration, bytes("S1:4711#\nS1:#\n")) == [scan("4711")])
    }

    @Test func gsAndUTF8Pass() {
        let out = framesEverySplit(.init(terminator: .any), bytes("]C110A\u{1D}21B\rZürich\r"))
        #expect(out == [scan("]C110A\u{1D}21B"), scan("Zürich")])
    }

    @Test func invalidUTF8IsRejectedWithItsRawBytes() {
        let raw: [UInt8] = [0x41, 0xFF, 0x42]
        let out = framesEverySplit(.init(terminator: .cr), raw + [0x0D] + bytes("OK\r"))
        #expect(out == [.rejected(RejectedScan(reason: .invalidUTF8(position: 2), raw: raw)), scan("OK")])
        guard case .rejected(let rejected) = out.first else { return }
        #expect(
            rejected.message == "scan is not valid UTF-8 at byte 2 (0xFF): binary noise or a scanner code page "
                + "other than UTF-8/ASCII")
    }

    @Test func truncatedUTF8AtTheEndIsRejected() {
        let raw: [UInt8] = [0x41, 0xC3]
        #expect(
            framesEverySplit(.init(terminator: .lf), raw + [0x0A])
                == [.rejected(RejectedScan(reason: .invalidUTF8(position: 2), raw: raw))])
    }

    @Test func nulNoiseIsRejected() {
        let raw: [UInt8] = [0x00, 0x00, 0x41]
        let out = framesEverySplit(.init(terminator: .lf), raw + [0x0A])
        #expect(out == [.rejected(RejectedScan(reason: .controlCharacter(byte: 0, position: 1), raw: raw))])
        guard case .rejected(let rejected) = out.first else { return }
        #expect(rejected.message == "scan holds control byte 0x00 at byte 1: binary noise on the line")
    }

    @Test func frameOfExactlyMaxLengthPasses() {
        #expect(framesEverySplit(.init(terminator: .cr, maxLength: 8), bytes("01234567\r")) == [scan("01234567")])
    }

    @Test func overlongFrameIsRejectedOnceThenResyncsAtTheNextTerminator() {
        let out = framesEverySplit(.init(terminator: .cr, maxLength: 8), bytes("0123456789ABCDEF\rOK\r"))
        #expect(out == [.rejected(RejectedScan(reason: .tooLong(limit: 8), raw: bytes("01234567"))), scan("OK")])
        guard case .rejected(let rejected) = out.first else { return }
        #expect(
            rejected.message == "scan longer than 8 bytes without a terminator: discarded up to the next "
                + "terminator (check the scanner's terminator setting)")
    }

    @Test func overlongFrameKeepsOnlyItsFirst64Bytes() {
        let long = [UInt8](repeating: 0x41, count: 200)
        let out = frames(.init(terminator: .lf, maxLength: 100), [long + [0x0A]])
        #expect(out == [.rejected(RejectedScan(reason: .tooLong(limit: 100), raw: Array(long.prefix(64))))])
    }

    @Test func overlongInCRLFModeWithLoneCRs() {
        let out = framesEverySplit(.init(terminator: .crlf, maxLength: 4), bytes("AB\r\rCDEF\r\nXY\r\n"))
        #expect(out == [.rejected(RejectedScan(reason: .tooLong(limit: 4), raw: bytes("AB\r\r"))), scan("XY")])
    }

    @Test func defaultMaxLengthIs64KiB() {
        #expect(ScanFramingConfiguration().maxLength == 65_536)
        let exactly = [UInt8](repeating: 0x41, count: 65_536)
        #expect(frames(.init(terminator: .lf), [exactly + [0x0A]]).count == 1)
        let out = frames(.init(terminator: .lf), [exactly + [0x41, 0x0A]])
        #expect(out == [.rejected(RejectedScan(reason: .tooLong(limit: 65_536), raw: Array(exactly.prefix(64))))])
    }

    @Test func idleFlushEmitsTheUnterminatedFrame() {
        var decoder = ScanFrameDecoder(configuration: .init(terminator: .cr))
        var input = bytes("ABC")[...]
        #expect(decoder.decode(&input) == nil)
        #expect(decoder.hasPendingData)
        #expect(decoder.idleElapsed() == scan("ABC", .idle))
        #expect(!decoder.hasPendingData)
        #expect(decoder.idleElapsed() == nil)
        var next = bytes("DEF\r")[...]
        #expect(decoder.decode(&next) == scan("DEF"))
    }

    @Test func idleFlushInCRLFModeTakesATrailingCRAsTheTerminator() {
        var decoder = ScanFrameDecoder(configuration: .init(terminator: .crlf))
        var input = bytes("ABC\r")[...]
        #expect(decoder.decode(&input) == nil)
        #expect(decoder.idleElapsed() == scan("ABC", .idle))
    }

    @Test func idleFlushEndsDiscardingAnOverlongFrame() {
        var decoder = ScanFrameDecoder(configuration: .init(terminator: .cr, maxLength: 4))
        var input = bytes("ABCDEFG")[...]
        #expect(decoder.decode(&input) == .rejected(RejectedScan(reason: .tooLong(limit: 4), raw: bytes("ABCD"))))
        #expect(decoder.decode(&input) == nil)
        #expect(decoder.hasPendingData)
        #expect(decoder.idleElapsed() == nil)
        var next = bytes("OK\r")[...]
        #expect(decoder.decode(&next) == scan("OK"))
    }

    @Test func endOfStreamEmitsTheRest() {
        #expect(frames(.init(terminator: .lf), [bytes("A\nB")]) == [scan("A"), scan("B", .endOfStream)])
        #expect(frames(.init(terminator: .lf), [bytes("A\nB")], end: false) == [scan("A")])
    }

    @Test func decodeReturnsOneFrameAtATimeLeavingTheRest() {
        var decoder = ScanFrameDecoder(configuration: .init(terminator: .lf))
        var input = bytes("A\nB\nC")[...]
        #expect(decoder.decode(&input) == scan("A"))
        #expect(Array(input) == bytes("B\nC"))
        #expect(decoder.decode(&input) == scan("B"))
        #expect(decoder.decode(&input) == nil)
        #expect(input.isEmpty)
    }

    @Test func mixedStreamIsIdenticalAcrossSplits() {
        var input: [UInt8] = []
        for index in 0..<40 {
            switch index % 5 {
            case 0: input += bytes("]C10109876543210982\u{1D}10LOT\(index)\r\n")
            case 1: input += [UInt8](repeating: 0x39, count: 40) + [0x0D]
            case 2: input += [0x41, 0xFE, 0x0A]
            case 3: input += bytes("\r\n\n")
            default: input += bytes("Ä-\(index)\n")
            }
        }
        let out = framesEverySplit(.init(terminator: .any, maxLength: 32), input)
        #expect(out.count == 32)
    }

    @Test func configurationProblemsAreAllReported() {
        let configuration = ScanFramingConfiguration(
            terminator: .cr, prefix: [0x0D], suffix: [0x0A, 0x41],
            maxLength: 3)
        #expect(
            configuration.problems() == [
                "prefix: must not contain CR or LF, which end a scan",
                "suffix: must not contain CR or LF, which end a scan",
                "prefix and suffix: together 3 bytes, expected fewer than the max length 3",
            ])
        #expect(
            ScanFramingConfiguration(maxLength: 0).problems().first
                == "max length: expected 1 to 16777216 bytes, found 0")
        #expect(ScanFramingConfiguration().problems().isEmpty)
    }
}
