/// The aggregate and capture benchmarks (Scripts/bench aggregate, capture). They need PlantAggregate and
/// PlantCapture, which this target does not depend on in Package.swift, so they compile only where
/// `PLANTSYNC_PIPELINE_BENCH` is defined: Scripts/bench builds this target in a side package with those
/// dependencies and that define. In the package's own build the list is empty.
#if PLANTSYNC_PIPELINE_BENCH
    let pipelineBenches: [Subcommand] = [benchAggregate, benchCaptureKepware, benchCaptureCSV, benchCaptureScans]
#else
    let pipelineBenches: [Subcommand] = []
#endif
