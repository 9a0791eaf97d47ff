// One scanner input's path from a framed scan to the journal: GS1 decoding, the station rules, the event id
// from the input's scan sequence, and the journal call that moves the sequence checkpoint in the same
// transaction. Bad frames, undecodable scans and refused scans go to quarantine, each with its reason.
import PlantModel
import Synchronization

/// Shared by the input's reading threads (a server-mode input may have several scanners connected); one scan
/// at a time, so the sequence has no gap and no repeat.
final class ScanRecorder: Sendable {
    private struct State {
        /// The sequence number of the last scan journaled; the next event gets this + 1.
        var lastSequence: Int64
        var frames: Int64 = 0
        var budget = QuarantineBudget()
    }

    let input: String
    let configuration: ScannerConfiguration
    private let sink: any CaptureSink
    private let status: ScannerStatus
    private let stop: ScannerStop
    private let clock: @Sendable () -> Timestamp
    private let checkpointKey: String
    private let state: Mutex<State>

    /// Longest pause between attempts while the journal refuses events.
    static let maxJournalRetryPause: Duration = .seconds(5)
    /// Ids found already journaled in a row before a scan is given up (quarantined).
    static let maxDuplicateSkips = 1000

    init(
        input: String, configuration: ScannerConfiguration, sink: any CaptureSink, status: ScannerStatus,
        stop: ScannerStop, clock: @escaping @Sendable () -> Timestamp
    ) {
        self.input = input
        self.configuration = configuration
        self.sink = sink
        self.status = status
        self.stop = stop
        self.clock = clock
        checkpointKey = ScannerConfiguration.sequenceCheckpointKey(input: input)
        var resumed: Int64 = 0
        if let bytes = sink.checkpoint(checkpointKey) {
            if let value = Int64(String(decoding: bytes, as: UTF8.self)), value >= 0 {
                resumed = value
            } else {
                sink.log(
                    .error,
                    "scan sequence checkpoint \(checkpointKey) is unreadable (\(bytes.count) bytes); "
                        + "numbering restarts at 1 and skips ids already journaled", input: input)
            }
        }
        state = Mutex(State(lastSequence: resumed))
    }

    /// The sequence number of the last scan journaled.
    var lastSequence: Int64 { state.withLock { $0.lastSequence } }

    /// Takes one frame read from `source` (device path or peer address) through `station`.
    func record(_ frame: ScanFrame, station: inout Station, source: String) {
        state.withLock { state in
            let time = clock()
            state.frames += 1
            status.received(at: time)
            let location = "\(source) frame \(state.frames)"
            let scan: FramedScan
            switch frame {
            case .rejected(let rejected):
                quarantine(rejected.message, raw: rejected.raw, location: location, at: time, state: &state)
                return
            case .scan(let framed):
                scan = framed
            }
            let decoded: DecodedScan
            do throws(GS1DecodeError) {
                let year = GS1Date.year(secondsSince1970: time.millisecondsSinceEpoch / 1000)
                decoded = try GS1Decoder.decode(scan.bytes, currentYear: year, assumeGS1: configuration.assumeGS1)
            } catch {
                quarantine(
                    "GS1 scan does not decode: \(error.message)", raw: scan.bytes, location: location, at: time,
                    state: &state)
                return
            }
            switch station.handle(scan: decoded, raw: scan.text, at: time) {
            case .record(let payload, let occurredAt):
                journal(payload, at: occurredAt, raw: scan.bytes, location: location, state: &state)
            case .prompt(let prompt):
                sink.log(.debug, "station \(configuration.station.id): \(prompt) (\(location))", input: input)
            case .rejected(let rejection):
                quarantine(
                    "station \(configuration.station.id) refused the scan: \(rejection.reason)",
                    raw: scan.bytes, location: location, at: time, state: &state)
            }
        }
    }

    private func journal(
        _ payload: EventPayload, at time: Timestamp, raw: [UInt8], location: String, state: inout State
    ) {
        let stationID = configuration.station.id
        var skipped: [Int64] = []
        var pause: Duration = .milliseconds(100)
        var refused = false
        while true {
            let sequence = state.lastSequence + 1
            let event: Event
            do {
                event = try Event(
                    id: try EventID.scan(station: stationID, sequence: sequence), occurredAt: time, payload: payload)
            } catch {
                quarantine(
                    "the scan makes no valid event: \(error)", raw: raw, location: location, at: time,
                    state: &state)
                return
            }
            do {
                let outcomes = try sink.journal([event], checkpoints: [checkpointKey: Array(String(sequence).utf8)])
                state.lastSequence = sequence
                if refused { sink.log(.info, "the journal takes scans again", input: input) }
                refused = false
                if outcomes.first == .duplicate {
                    skipped.append(sequence)
                    if skipped.count < Self.maxDuplicateSkips { continue }
                    quarantine(
                        "\(skipped.count) scan ids in a row up to \(event.id) are already journaled (does "
                            + "another input use station \(stationID)?)", raw: raw, location: location, at: time,
                        state: &state)
                    return
                }
                status.journaled()
                if let first = skipped.first {
                    sink.log(
                        .warning,
                        "ids scan/\(stationID)/\(first)…\(skipped.last!) were already journaled (does "
                            + "another input use station \(stationID)?); this scan is \(event.id)", input: input)
                }
                return
            } catch {
                status.failed("journal refused scan \(location): \(error)", at: time)
                if !refused {
                    sink.log(
                        .error,
                        "the journal refused scan \(location): \(error); this input holds its scans "
                            + "and retries", input: input)
                    refused = true
                }
                if stop.pause(pause) {
                    sink.quarantine(
                        InputProblem(
                            input: input,
                            reason: "stopping while the journal refuses events (\(error)); this scan was "
                                + "not journaled", location: location, excerpt: raw))
                    return
                }
                pause = min(pause * 2, Self.maxJournalRetryPause)
            }
        }
    }

    private func quarantine(_ reason: String, raw: [UInt8], location: String, at time: Timestamp, state: inout State) {
        status.quarantined(reason, at: time)
        let (admitted, suppressedBefore) = state.budget.admit(at: .now)
        guard admitted else { return }
        if suppressedBefore > 0 {
            sink.log(
                .warning,
                "\(suppressedBefore) more bad scans were counted without a quarantine record each "
                    + "(more than \(Int(state.budget.burst)) at once)", input: input)
        }
        sink.quarantine(InputProblem(input: input, reason: reason, location: location, excerpt: raw))
    }
}
