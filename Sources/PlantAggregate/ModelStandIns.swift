import PlantModel

// Stand-in until PlantModel's TelemetrySample lands; deleted then.
struct TelemetrySample: Sendable {
    var tag: String
    var value: SampleReading
    var quality: SampleQualityLevel
    var sourceTime: Timestamp
}

extension LineAggregator {
    mutating func ingest(_ sample: TelemetrySample) -> [AggregatorOutput] {
        ingest(tag: sample.tag, sourceTime: sample.sourceTime, value: sample.value, quality: sample.quality)
    }
}
