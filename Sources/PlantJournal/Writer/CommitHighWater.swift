import Foundation

/// The last committed seq of every stream, kept in a small text file beside the database
/// (`journal.sqlite.highwater`).
///
/// SQLite treats a WAL whose tail is cut or torn as a crash during the write and silently drops
/// the commits in that tail. The inputs had already let go of those events (a scan taken off the
/// socket, a file archived), so a damaged WAL would lose them without a word. The writer rewrites
/// this file after each commit; at open, a journal that holds less than the mark has lost commits.
///
/// The file is written after the commit is durable and never synced: a crash or power cut can only
/// leave it behind the journal, never ahead of it, so it cannot raise a false alarm.
final class CommitHighWater {
    /// A stream whose committed events the journal no longer holds.
    struct Loss: Sendable, Equatable, CustomStringConvertible {
        let stream: String
        /// What the journal holds now.
        let journaledThrough: Int64
        /// What was committed.
        let committedThrough: Int64

        var description: String {
            let first = journaledThrough + 1
            let range = first == committedThrough ? "seq \(first)" : "seqs \(first)–\(committedThrough)"
            return "\(stream) \(range)"
        }
    }

    let path: String
    private let epoch: String
    private var fd: Int32
    private var seqs: [String: Int64]
    private var written = 0

    static func path(forJournal journal: String) -> String { journal + ".highwater" }

    /// Starts a mark for the journal of `epoch` that now holds `seqs`, replacing the previous file.
    init(path: String, epoch: String, seqs: [String: Int64]) {
        self.path = path
        self.epoch = epoch
        self.seqs = seqs
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        write()
    }

    deinit { close() }

    /// Records streams' new last seqs after a commit.
    func record(_ updates: [(stream: String, seq: Int64)]) {
        var changed = false
        for (stream, seq) in updates where seqs[stream, default: 0] < seq {
            seqs[stream] = seq
            changed = true
        }
        if changed { write() }
    }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// Best effort: without the file the journal works as before, it only cannot detect a lost tail.
    private func write() {
        guard fd >= 0 else { return }
        var text = "# PlantSync journal high-water mark: the last committed seq per stream\nepoch \(epoch)\n"
        for (stream, seq) in seqs.sorted(by: { $0.key < $1.key }) { text += "\(seq) \(stream)\n" }
        let bytes = Array(text.utf8)
        let count = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        if count == bytes.count && count < written { _ = ftruncate(fd, off_t(count)) }
        written = max(0, count)
    }

    /// The mark a previous run left: its journal's epoch and the last committed seq per stream;
    /// nil when there is none or it cannot be read (an older PlantSync wrote none).
    static func read(path: String) -> (epoch: String, seqs: [String: Int64])? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var epoch: String?
        var seqs: [String: Int64] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("epoch ") {
                epoch = String(line.dropFirst(6))
            } else if let space = line.firstIndex(of: " "), let seq = Int64(line[..<space]) {
                seqs[String(line[line.index(after: space)...])] = seq
            }
        }
        return epoch.map { ($0, seqs) }
    }
}
