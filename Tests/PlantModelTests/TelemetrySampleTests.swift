import Testing

@testable import PlantModel

@Suite struct TelemetrySampleTests {
    @Test(arguments: [
        (UInt32(0x0000_0000), SampleQuality.good),  // Good
        (0x002D_0000, .good),  // GoodClamped
        (0x4000_0000, .uncertain),  // Uncertain
        (0x408F_0000, .uncertain),  // UncertainEngineeringUnitsExceeded
        (0x8000_0000, .bad),  // Bad
        (0x8031_0000, .bad),  // BadCommunicationError
        (0xC000_0000, .bad),  // severity 11 (reserved) is treated as bad
    ])
    func qualityFromStatusCodeSeverity(code: UInt32, quality: SampleQuality) {
        #expect(SampleQuality.fromStatusCode(code) == quality)
    }

    @Test func sampleKeepsTheOriginalCode() throws {
        let time = try Timestamp(parsing: "2026-11-22T14:00:00.125Z")
        let sample = TelemetrySample(
            tag: "L3.Press.GoodCount", value: .number(DecimalNumber(integer: 118_204)),
            statusCode: 0x408F_0000, sourceTime: time)
        #expect(sample.quality == .uncertain)
        #expect(sample.qualityCode == 0x408F_0000)
        #expect(sample.value.numberValue == DecimalNumber(integer: 118_204))
        #expect(TelemetryValue.bool(true).description == "true")
        let plain = TelemetrySample(tag: "L3.Running", value: .bool(true), quality: .good, sourceTime: time)
        #expect(plain.qualityCode == nil)
    }
}
