import PlantModel

/// Ingests one complete file of a drop folder, exactly once, even across crashes:
///
/// 1. The file's SHA-256 is computed (streaming); the checkpoint `filedrop/<input>/<digest>` says how far
///    an earlier attempt got. Complete: the file is archived without events.
/// 2. In `reject_file` mode a fresh file is first read through and mapped in full; one bad row sends it to
///    quarantine with no events.
/// 3. Rows are mapped and journaled in chunks; each chunk's transaction also stores the new checkpoint
///    (rows done, byte offset, rejects-file length), and the last one marks the digest complete. Event
///    ids are `file/<input>/<digest>/<row>`, so a chunk read twice makes no second event.
/// 4. Only then is the file moved to the archive, and its rejects file (if any) published.
///
/// Blocking: call from the input's own thread.
struct FileIngestion {
    let input: String
    let configuration: FileDrop.Configuration
    let sink: any CaptureSink
    /// Asked after each chunk: stopping leaves the file to resume from its checkpoint next time.
    var shouldStop: () -> Bool = { false }

    /// Thrown when `shouldStop` said so between two chunks.
    struct Stopped: Error {}

    /// Ingests `name` from the watched folder. Throws when the journal refuses or a file operation fails;
    /// the file then stays where it is and the next attempt resumes from the last checkpoint.
    func ingest(_ name: String) throws -> DroppedFileReport {
        let path = FileDrop.Configuration.join(configuration.directory, name)
        let (digest, size) = try DropFileSystem.digest(path)
        var report = DroppedFileReport(name: name, digest: digest)
        let key = FileDropProgress.key(input: input, digestHex: digest)
        let progress = sink.checkpoint(key).flatMap(FileDropProgress.init(bytes:))
        if let progress, progress.complete {
            report.rows = progress.rows
            report.rejected = progress.rejected
            report.alreadyIngested = true
            return try finish(report, progress: progress, path: path)
        }

        let start: FileStart
        switch try FileStart.read(path: path, size: size, configuration: configuration) {
        case .success(let found): start = found
        case .failure(let refusal):
            return try quarantine(
                report, path: path,
                rejects: [
                    RejectedRow(
                        line: refusal.line, reason: refusal.reason,
                        raw: refusal.raw)
                ])
        }
        if configuration.onError == .rejectFile, progress == nil {
            let rejects = try validate(path: path, size: size, start: start, digest: digest)
            if !rejects.isEmpty { return try quarantine(report, path: path, rejects: rejects) }
        }
        let done = try journalRows(path: path, size: size, start: start, digest: digest, key: key, from: progress)
        report.rows = done.progress.rows
        report.rejected = done.progress.rejected
        report.journaled = done.journaled
        report.duplicates = done.duplicates
        return try finish(report, progress: done.progress, path: path, firstReject: done.firstReject)
    }

    // MARK: - Journaling in chunks

    private struct Journaled {
        var progress: FileDropProgress
        var journaled = 0
        var duplicates = 0
        var firstReject: RejectedRow?
    }

    private func journalRows(
        path: String, size: Int64, start: FileStart, digest: String, key: String, from earlier: FileDropProgress?
    ) throws -> Journaled {
        var progress =
            earlier
            ?? FileDropProgress(
                rows: 0, offset: start.offset, line: start.line, rejected: 0, rejectsBytes: 0, complete: false)
        var result = Journaled(progress: progress)
        let rejects = RejectsFile(path: partialRejectsPath(name: path, digest: digest))
        defer { rejects.close() }
        if progress.rejectsBytes == 0 {
            try DropFileSystem.remove(rejects.path)  // left by an attempt that crashed before journaling it
        } else {
            try rejects.open(truncatingTo: progress.rejectsBytes)
        }
        let stream = try DropRecordStream(
            path: path, offset: progress.offset, size: size,
            decoder: start.decoder(
                line: progress.line,
                offset: progress.offset))
        let idPrefix = rowIDPrefix(digest: digest)
        var events: [Event] = []
        events.reserveCapacity(configuration.chunkRows)
        var rowsInChunk = 0
        let committer = ChunkCommitter(sink: sink, name: "file-drop-\(input)-commit")
        var finished = false
        defer { if !finished { try? committer.finish() } }  // before `rejects` closes: defers run in reverse

        /// Hands the chunk to the committer; its checkpoint records where the next chunk starts.
        func commit(complete: Bool) throws {
            let syncRejects = rejects.isOpen
            if syncRejects { progress.rejectsBytes = rejects.length }
            progress.line = stream.nextLine
            progress.complete = complete
            try committer.submit(events, checkpoints: [key: progress.bytes]) {
                if syncRejects { try rejects.sync() }
            }
            events.removeAll(keepingCapacity: true)
            rowsInChunk = 0
        }

        while let item = try stream.next() {
            progress.rows += 1
            progress.offset = item.endOffset
            rowsInChunk += 1
            switch map(item, with: start.mapping, idPrefix: idPrefix, row: progress.rows) {
            case .success(let event):
                events.append(event)
            case .failure(let reject):
                if !rejects.isOpen {
                    try DropFileSystem.makeDirectory(configuration.quarantineDirectory)
                    try rejects.open(truncatingTo: 0)
                }
                try rejects.append(RejectsFile.row(line: reject.line, reason: reject.reason, record: reject.raw))
                progress.rejected += 1
                if result.firstReject == nil { result.firstReject = reject }
            }
            if rowsInChunk == configuration.chunkRows {
                try commit(complete: false)
                if shouldStop() {
                    finished = true
                    try committer.finish()
                    throw Stopped()
                }
            }
        }
        try commit(complete: true)
        finished = true
        try committer.finish()
        result.journaled = committer.journaled
        result.duplicates = committer.duplicates
        result.progress = progress
        return result
    }

    /// The whole file mapped without journaling (`reject_file`): every reject, in file order.
    private func validate(path: String, size: Int64, start: FileStart, digest: String) throws -> [RejectedRow] {
        let stream = try DropRecordStream(
            path: path, offset: start.offset, size: size, decoder: start.decoder(line: start.line, offset: start.offset)
        )
        let idPrefix = rowIDPrefix(digest: digest)
        var rejects: [RejectedRow] = []
        var row = 0
        while let item = try stream.next() {
            row += 1
            if case .failure(let reject) = map(item, with: start.mapping, idPrefix: idPrefix, row: row) {
                rejects.append(reject)
            }
        }
        return rejects
    }

    struct RejectedRow: Error, Sendable, Equatable {
        var line: Int
        var reason: String
        var raw: [UInt8]
    }

    private func map(
        _ item: FileRecordItem, with mapping: BoundRecordMapping, idPrefix: String, row: Int
    ) -> Result<Event, RejectedRow> {
        switch item {
        case .rejected(let rejection):
            return .failure(RejectedRow(line: rejection.line, reason: rejection.description, raw: rejection.raw))
        case .record(let record):
            let id = try! EventID(idPrefix + String(row))
            return mapping.event(record, id: id).mapError {
                RejectedRow(line: record.line, reason: $0.reason, raw: record.raw)
            }
        }
    }

    /// What `EventID.fileRow(input:digestHex:row:)` puts before the row number (`file/<input>/<digest>/`),
    /// made once per file: escaping it for every row was a measurable share of the hot path.
    private func rowIDPrefix(digest: String) -> String {
        // Input names are identifiers and digests hex, so every id made from it is valid.
        String(try! EventID.fileRow(input: input, digestHex: digest, row: 0).rawValue.dropLast())
    }

    // MARK: - Archive and quarantine

    /// Publishes the rejects file, reports the rejects, archives the file and drops its `.done` marker.
    private func finish(
        _ report: DroppedFileReport, progress: FileDropProgress, path: String, firstReject: RejectedRow? = nil
    ) throws -> DroppedFileReport {
        var report = report
        // The partial rejects file exists until it is published: its presence means "not yet reported",
        // also after a crash. Reporting first makes a crash in between repeat the report, never lose it.
        let partial = partialRejectsPath(name: path, digest: report.digest)
        if DropFileSystem.exists(partial) {
            let target = freeName(report.name + ".rejects.csv", in: configuration.quarantineDirectory, report.digest)
            var reason =
                "\(report.name): \(progress.rejected) of \(progress.rows) rows rejected (see \(target) in "
                + "\(configuration.quarantineDirectory))"
            if let firstReject { reason += "; first on line \(firstReject.line): \(firstReject.reason)" }
            sink.quarantine(
                InputProblem(
                    input: input, reason: reason,
                    location: firstReject.map { "\(report.name):\($0.line)" } ?? report.name,
                    excerpt: firstReject?.raw ?? []))
            try DropFileSystem.move(partial, to: FileDrop.Configuration.join(configuration.quarantineDirectory, target))
            report.rejectsFile = target
        }
        report.movedTo = try move(path, name: report.name, digest: report.digest, into: configuration.archiveDirectory)
        return report
    }

    private func quarantine(_ report: DroppedFileReport, path: String, rejects: [RejectedRow]) throws
        -> DroppedFileReport
    {
        var report = report
        try DropFileSystem.makeDirectory(configuration.quarantineDirectory)
        let target = freeName(report.name + ".rejects.csv", in: configuration.quarantineDirectory, report.digest)
        let file = RejectsFile(path: FileDrop.Configuration.join(configuration.quarantineDirectory, target))
        try file.open(truncatingTo: 0)
        for reject in rejects {
            try file.append(RejectsFile.row(line: reject.line, reason: reject.reason, record: reject.raw))
        }
        try file.sync()
        file.close()
        report.rejectsFile = target
        report.rejected = rejects.count
        let first = rejects[0]
        let more = rejects.count > 1 ? " (and \(rejects.count - 1) more)" : ""
        let reason = "\(report.name): file refused, no events journaled; line \(first.line): \(first.reason)\(more)"
        sink.quarantine(
            InputProblem(
                input: input, reason: reason, location: "\(report.name):\(first.line)",
                excerpt: first.raw))
        report.movedTo = try move(
            path, name: report.name, digest: report.digest,
            into: configuration.quarantineDirectory)
        report.disposition = .quarantined(reason: reason)
        return report
    }

    /// Moves the file into `directory` under a free name, then removes its `.done` marker.
    private func move(_ path: String, name: String, digest: String, into directory: String) throws -> String {
        try DropFileSystem.makeDirectory(directory)
        let target = freeName(name, in: directory, digest)
        try DropFileSystem.move(path, to: FileDrop.Configuration.join(directory, target))
        try DropFileSystem.remove(path + ".done")
        return target
    }

    /// `name`, or `name` with the digest's first 12 digits inserted when a different file took it already.
    private func freeName(_ name: String, in directory: String, _ digest: String) -> String {
        if !DropFileSystem.exists(FileDrop.Configuration.join(directory, name)) { return name }
        let tag = String(digest.prefix(12))
        if let dot = name.firstIndex(of: "."), dot != name.startIndex {
            return "\(name[..<dot]).\(tag)\(name[dot...])"
        }
        return "\(name).\(tag)"
    }

    private func partialRejectsPath(name path: String, digest: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return FileDrop.Configuration.join(
            configuration.quarantineDirectory, ".\(name).\(digest.prefix(12)).rejects.partial")
    }
}

/// What became of one dropped file.
public struct DroppedFileReport: Sendable, Equatable {
    public enum Disposition: Sendable, Equatable {
        /// Its rows are journaled (rejected rows aside) and it is in the archive folder.
        case archived
        /// Refused as a whole: in the quarantine folder with its rejects file, no events journaled.
        case quarantined(reason: String)
    }

    public var name: String
    /// SHA-256 of its contents, lowercase hex.
    public var digest: String
    public var disposition: Disposition = .archived
    /// Rows read after the header (all attempts together).
    public var rows: Int = 0
    /// Events this attempt journaled, and those the journal already had (read again after a crash).
    public var journaled: Int = 0
    public var duplicates: Int = 0
    public var rejected: Int = 0
    /// The checkpoint said the file was complete before this attempt began: archived without events.
    public var alreadyIngested = false
    /// Its name in the archive or quarantine folder.
    public var movedTo = ""
    /// Its rejects file's name in the quarantine folder, if it has one.
    public var rejectsFile: String?

    public init(name: String, digest: String) {
        self.name = name
        self.digest = digest
    }
}
