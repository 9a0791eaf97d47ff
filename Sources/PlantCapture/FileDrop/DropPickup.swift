/// Decides which files in the watched folder are complete, so a half-written file is never read.
///
/// A file matching `pattern` is taken when
/// - its `<name>.done` marker exists (with `require_done_marker: true`, only then), or
/// - it was renamed into the folder (inotify `IN_MOVED_TO`): writers that write `x.csv.tmp` and rename it
///   to `x.csv` hand over complete files, or
/// - its size and modification time stayed the same for `settle_time` (files written in place, and every
///   file when inotify is unavailable or when the agent starts and finds files already there).
///
/// Names ending in `.done`, `.tmp`, `.part`, `.partial` or `~` are never taken. Pure: the listing, the
/// rename events and the time come in as values.
public struct DropPickup: Sendable {
    public let pattern: String
    public let settleMilliseconds: Int64
    public let requireDoneMarker: Bool

    private struct Sighting: Sendable {
        var size: Int64
        var modified: Int64
        var since: Int64
    }

    private var sightings: [String: Sighting] = [:]

    private static let temporarySuffixes = [".done", ".tmp", ".part", ".partial", "~"]

    public init(pattern: String, settleTime: Duration, requireDoneMarker: Bool) {
        self.pattern = pattern
        let (seconds, attoseconds) = settleTime.components
        self.settleMilliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        self.requireDoneMarker = requireDoneMarker
    }

    /// The complete files among `listing`, in name order. `movedIn` are names inotify saw renamed in;
    /// `now` is a monotonic time in milliseconds.
    public mutating func ready(listing: [DropFileInfo], movedIn: Set<String>, now: Int64) -> [String] {
        let names = Set(listing.map(\.name))
        sightings = sightings.filter { names.contains($0.key) }
        var ready: [String] = []
        for file in listing where Self.isCandidate(file.name, pattern: pattern) {
            if names.contains(file.name + ".done") {
                ready.append(file.name)
            } else if requireDoneMarker {
                continue
            } else if movedIn.contains(file.name) {
                ready.append(file.name)
            } else if let seen = sightings[file.name], seen.size == file.size, seen.modified == file.modified {
                if now - seen.since >= settleMilliseconds { ready.append(file.name) }
            } else {
                sightings[file.name] = Sighting(size: file.size, modified: file.modified, since: now)
                if settleMilliseconds == 0 { ready.append(file.name) }
            }
        }
        return ready
    }

    /// Forgets a file that was taken (archived, quarantined) or vanished.
    public mutating func forget(_ name: String) {
        sightings[name] = nil
    }

    static func isCandidate(_ name: String, pattern: String) -> Bool {
        !temporarySuffixes.contains { name.hasSuffix($0) } && FileNamePattern.matches(name, pattern: pattern)
    }
}

/// Shell-style globs for file names: `*`, `?`, `[abc]`, `[a-z]`, `[!abc]`.
enum FileNamePattern {
    static func matches(_ name: String, pattern: String) -> Bool {
        matches(Array(name.utf8)[...], Array(pattern.utf8)[...])
    }

    private static func matches(_ name: ArraySlice<UInt8>, _ pattern: ArraySlice<UInt8>) -> Bool {
        var name = name
        var pattern = pattern
        while let token = pattern.first {
            switch token {
            case UInt8(ascii: "*"):
                pattern = pattern.dropFirst()
                if pattern.isEmpty { return true }
                var rest = name
                while true {
                    if matches(rest, pattern) { return true }
                    if rest.isEmpty { return false }
                    rest = rest.dropFirst()
                }
            case UInt8(ascii: "?"):
                guard !name.isEmpty else { return false }
                name = name.dropFirst()
                pattern = pattern.dropFirst()
            case UInt8(ascii: "["):
                guard let byte = name.first, let (matched, after) = matchClass(byte, pattern) else {
                    return false
                }
                guard matched else { return false }
                name = name.dropFirst()
                pattern = after
            default:
                guard name.first == token else { return false }
                name = name.dropFirst()
                pattern = pattern.dropFirst()
            }
        }
        return name.isEmpty
    }

    /// Matches `byte` against the class opening `pattern`; nil when the class is not closed.
    private static func matchClass(
        _ byte: UInt8, _ pattern: ArraySlice<UInt8>
    ) -> (matched: Bool, after: ArraySlice<UInt8>)? {
        var rest = pattern.dropFirst()
        var negated = false
        if rest.first == UInt8(ascii: "!") || rest.first == UInt8(ascii: "^") {
            negated = true
            rest = rest.dropFirst()
        }
        var matched = false
        var first = true
        while let current = rest.first {
            if current == UInt8(ascii: "]") && !first { return (matched != negated, rest.dropFirst()) }
            first = false
            rest = rest.dropFirst()
            if rest.count >= 2, rest.first == UInt8(ascii: "-"), rest.dropFirst().first != UInt8(ascii: "]") {
                let upper = rest.dropFirst().first!
                if current <= byte && byte <= upper { matched = true }
                rest = rest.dropFirst(2)
            } else if current == byte {
                matched = true
            }
        }
        return nil
    }
}
