import Synchronization

/// Per-input counters the agent keeps on the adapters' behalf (journaled, quarantined), for status
/// and metrics. The adapters keep their own health; these are what the agent itself saw.
final class InputCounters: Sendable {
    struct Figures: Sendable {
        var journaled: Int64 = 0
        var duplicates: Int64 = 0
        var quarantined: Int64 = 0
        var samples: Int64 = 0
    }

    private let figures = Mutex([String: Figures]())

    func update(_ input: String, _ change: (inout Figures) -> Void) {
        figures.withLock { change(&$0[input, default: Figures()]) }
    }

    var snapshot: [String: Figures] { figures.withLock { $0 } }
}
