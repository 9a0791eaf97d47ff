import PlantCapture
import Testing

@Suite("FileDrop CSV decoder")
struct FileDropCSVDecoderTests {
    private func decode(_ text: String, _ decoder: CSVDecoder = CSVDecoder()) -> [FileRecordItem] {
        decodedEverySplit(dropBytes(text)) { csvItems($0, decoder: decoder) }
    }

    @Test func headerAndRowsWithCRLFAndLFAndNoFinalLineEnd() {
        #expect(
            decode("a,b\r\n1,2\n3,4") == [
                dropRecord(["a", "b"], line: 1, end: 5, raw: "a,b"),
                dropRecord(["1", "2"], line: 2, end: 9, raw: "1,2"),
                dropRecord(["3", "4"], line: 3, end: 12, raw: "3,4"),
            ])
    }

    @Test func quotesDoubledQuotesDelimiterAndNewlineInsideQuotes() {
        let text = "\"x \"\"q\"\", y\",\"multi\nline\",z\nnext,1,2\n"
        #expect(
            decode(text) == [
                dropRecord(
                    ["x \"q\", y", "multi\nline", "z"], line: 1, end: 28, raw: "\"x \"\"q\"\", y\",\"multi\nline\",z"),
                dropRecord(["next", "1", "2"], line: 3, end: 37, raw: "next,1,2"),
            ])
    }

    @Test func emptyFieldsAndEmptyQuotedFields() {
        #expect(decode(",\"\",\n") == [dropRecord(["", "", ""], line: 1, end: 5, raw: ",\"\",")])
    }

    @Test func byteOrderMarkIsSkippedAndBlankLinesAreNotRecords() {
        let text = "\u{FEFF}id,qty\r\n\r\nA,1\r\n\n"
        #expect(
            decode(text) == [
                dropRecord(["id", "qty"], line: 1, end: 11, raw: "id,qty"),
                dropRecord(["A", "1"], line: 3, end: 18, raw: "A,1"),
            ])
    }

    @Test func bytesThatOnlyStartLikeAByteOrderMarkAreData() {
        let input: [UInt8] = [0xEF, 0xBB, 0x41, 0x0A, 0x42, 0x0A]
        let items = decodedEverySplit(input) { csvItems($0) }
        #expect(
            items == [
                dropRejected(.invalidUTF8(field: 1, byte: 1), line: 1, end: 4, raw: [0xEF, 0xBB, 0x41]),
                dropRecord(["B"], line: 2, end: 6, raw: "B"),
            ])
    }

    @Test func quotedFieldFollowedByCRLF() {
        #expect(
            decode("\"a\"\r\n\"b\"") == [
                dropRecord(["a"], line: 1, end: 5, raw: "\"a\""),
                dropRecord(["b"], line: 2, end: 8, raw: "\"b\""),
            ])
    }

    @Test func semicolonAndTabDelimiters() {
        #expect(
            decode("a;\"b;c\";1,5\n", CSVDecoder(delimiter: UInt8(ascii: ";"))) == [
                dropRecord(["a", "b;c", "1,5"], line: 1, end: 12, raw: "a;\"b;c\";1,5")
            ])
        #expect(
            decode("a\tb c\n", CSVDecoder(delimiter: UInt8(ascii: "\t"))) == [
                dropRecord(["a", "b c"], line: 1, end: 6, raw: "a\tb c")
            ])
    }

    @Test func quoteInsideAnUnquotedFieldIsText() {
        #expect(decode("5\" pipe,2\n") == [dropRecord(["5\" pipe", "2"], line: 1, end: 10, raw: "5\" pipe,2")])
    }

    @Test func unterminatedQuoteAtEndOfFileIsRejectedWithItsLine() {
        #expect(
            decode("a,b\n1,\"open\nstill open") == [
                dropRecord(["a", "b"], line: 1, end: 4, raw: "a,b"),
                dropRejected(
                    .unterminatedQuote(openedOnLine: 2), line: 2, end: 22, raw: dropBytes("1,\"open\nstill open")),
            ])
    }

    @Test func overlongLineIsRejectedAndTheNextLineDecodes() {
        let long = String(repeating: "x", count: 40)
        let items = decode("id\n\(long)\nok\n", CSVDecoder(maxRecordBytes: 16))
        #expect(
            items == [
                dropRecord(["id"], line: 1, end: 3, raw: "id"),
                dropRejected(.tooLong(limit: 16), line: 2, end: 44, raw: dropBytes(long)),
                dropRecord(["ok"], line: 3, end: 47, raw: "ok"),
            ])
        #expect(items.count == 3)
        if case .rejected(let rejection) = items[1] {
            #expect(rejection.description == "line longer than 16 bytes (max_line_bytes); skipped to the next line")
        }
    }

    @Test func lineOfExactlyTheLimitIsAccepted() {
        // 15 bytes and the LF: 16 bytes in all.
        let line = String(repeating: "y", count: 15)
        #expect(
            decode("\(line)\n", CSVDecoder(maxRecordBytes: 16)) == [dropRecord([line], line: 1, end: 16, raw: line)])
    }

    @Test func invalidUTF8IsRejectedWithFieldAndByteAndDecodingGoesOn() {
        var input = dropBytes("a,b\n1,x")
        input += [0xC3, 0x28]  // a lead byte followed by a non-continuation byte
        input += dropBytes("y\n2,\u{00FC}\n")
        let items = decodedEverySplit(input) { csvItems($0) }
        #expect(
            items == [
                dropRecord(["a", "b"], line: 1, end: 4, raw: "a,b"),
                dropRejected(.invalidUTF8(field: 2, byte: 2), line: 2, end: 11, raw: Array(input[4..<10])),
                dropRecord(["2", "\u{00FC}"], line: 3, end: 16, raw: "2,\u{00FC}"),
            ])
        if case .rejected(let rejection) = items[1] {
            #expect(rejection.description == "invalid UTF-8 in field 2 at byte 2 of the field; expected UTF-8 text")
        }
    }

    @Test func textAfterClosingQuoteIsRejected() {
        #expect(
            decode("\"ab\"c,d\nok\n") == [
                dropRejected(.textAfterClosingQuote(field: 1), line: 1, end: 8, raw: dropBytes("\"ab\"c,d")),
                dropRecord(["ok"], line: 2, end: 11, raw: "ok"),
            ])
    }

    @Test func binaryNoiseNeverStopsDecoding() {
        var random = DropTestRandom(state: 7)
        // No quote bytes: an unclosed quote would rightly swallow the rest of the file.
        var noise = (0..<4_000).map { _ in UInt8.random(in: 0...255, using: &random) }.filter { $0 != 0x22 }
        noise += dropBytes("\nlast,row\n")
        let items = decodedEverySplit(noise) { csvItems($0, decoder: CSVDecoder(maxRecordBytes: 512)) }
        #expect(
            items.last
                == dropRecord(
                    ["last", "row"], line: items.last!.line, end: Int64(noise.count),
                    raw: "last,row"))
    }

    @Test func resumingAtARecordBoundaryGivesTheSameTail() {
        let text = "h1,h2\n\"a\nb\",1\n\nc,2\r\nd,\"3\"\n"
        let all = csvItems([dropBytes(text)])
        #expect(all.count == 4)
        let afterSecond = all[1]
        let resumed = csvItems(
            [Array(dropBytes(text)[Int(afterSecond.endOffset)...])],
            decoder: CSVDecoder(line: 4, offset: afterSecond.endOffset))
        #expect(resumed == Array(all[2...]))
    }
}
