import Testing

@testable import PlantCapture

@Suite("TelemetryFeed line framing")
struct TelemetryFeedLineFramerTests {
    typealias Support = TelemetryFeedTestSupport

    @Test func linesEndedByLFOrCRLFAndBlankLinesSkipped() {
        let input = Support.bytes("a,1\nbb,2\r\n\n\r\nccc\n")
        let frames = Support.framesAllWays(input, maxLineBytes: 16)
        #expect(frames == [.line(Support.bytes("a,1")), .line(Support.bytes("bb,2")), .line(Support.bytes("ccc"))])
    }

    @Test func lineNumbersCountBlankLines() {
        var framer = LineFramer(maxLineBytes: 16)
        var input = Support.bytes("a\n\nb\n")[...]
        #expect(framer.decode(&input) == .line(Support.bytes("a")))
        #expect(framer.lineNumber == 1)
        #expect(framer.decode(&input) == .line(Support.bytes("b")))
        #expect(framer.lineNumber == 3)
        #expect(framer.decode(&input) == nil)
    }

    @Test func unterminatedTailIsReportedAtEndOfStream() {
        let frames = Support.framesAllWays(Support.bytes("x,1\ny,2,go"), maxLineBytes: 16)
        #expect(frames == [.line(Support.bytes("x,1")), .truncated(Support.bytes("y,2,go"))])
    }

    @Test func aLoneCRBeforeTheEndIsNotPartOfTheTruncatedLine() {
        let frames = Support.framesAllWays(Support.bytes("abc\r"), maxLineBytes: 16)
        #expect(frames == [.truncated(Support.bytes("abc"))])
    }

    @Test func lineOfExactlyTheLimitPassesEvenWithCRLF() {
        let line = String(repeating: "x", count: 8)
        let frames = Support.framesAllWays(Support.bytes(line + "\r\n" + line + "\n"), maxLineBytes: 8)
        #expect(frames == [.line(Support.bytes(line)), .line(Support.bytes(line))])
    }

    @Test func overlongExcerptIsCutAt256Bytes() {
        let frames = Support.framesAllWays(Support.bytes(String(repeating: "k", count: 700) + "\n"), maxLineBytes: 600)
        #expect(frames == [.overlong(excerpt: Support.bytes(String(repeating: "k", count: 256)))])
    }

    @Test func overlongLineIsReportedOnceAndTheFramerResyncsAtTheNextNewline() {
        let long = String(repeating: "z", count: 300)
        let input = Support.bytes("ok1\n" + long + "\nok2\n")
        let frames = Support.framesAllWays(input, maxLineBytes: 10)
        let excerpt = Array(repeating: UInt8(ascii: "z"), count: 10)
        #expect(frames == [.line(Support.bytes("ok1")), .overlong(excerpt: excerpt), .line(Support.bytes("ok2"))])
    }

    @Test func overlongIsReportedBeforeTheNewlineArrives() {
        var framer = LineFramer(maxLineBytes: 4)
        var first = Support.bytes("abcdef")[...]
        #expect(framer.decode(&first) == .overlong(excerpt: Support.bytes("abcd")))
        #expect(framer.lineNumber == 1)
        var more = Support.bytes("ghijkl")[...]
        #expect(framer.decode(&more) == nil)
        #expect(framer.hasPartialLine)
        var rest = Support.bytes("mn\nok\n")[...]
        #expect(framer.decode(&rest) == .line(Support.bytes("ok")))
        #expect(framer.lineNumber == 2)
    }

    @Test func streamEndingInsideAnOverlongLineGivesNothingMore() {
        let frames = Support.framesAllWays(Support.bytes("a\n" + String(repeating: "q", count: 40)), maxLineBytes: 8)
        let excerpt = Support.bytes(String(repeating: "q", count: 8))
        #expect(frames == [.line(Support.bytes("a")), .overlong(excerpt: excerpt)])
    }

    @Test func binaryNoiseIsFramedAsLinesForTheParserToRefuse() {
        let noise: [UInt8] = [0x00, 0xFF, 0xFE, 0x0A, 0x01, 0x02, 0x0D, 0x0A]
        let frames = Support.framesAllWays(noise, maxLineBytes: 8)
        #expect(frames == [.line([0x00, 0xFF, 0xFE]), .line([0x01, 0x02])])
    }
}
