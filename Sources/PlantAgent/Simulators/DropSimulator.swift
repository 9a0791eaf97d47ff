import Foundation
import PlantModel
import PlantNet

/// `plantsync simulate drops`: CSV files of goods receipts for a `file_drop` input, each written
/// under a temporary name (`.tmp`, never taken), synced, then renamed into the folder — the way
/// the input takes a file at once. Columns map one to one onto `inventory_movement` fields.
public struct DropSimulation: Sendable {
    public var directory: String
    public var files = 3
    public var rows = 100
    public var plant = "P100"
    /// File names are `<prefix>-<run>-<n>.csv`; `run` keeps runs apart.
    public var prefix = "drop"
    /// Rows' `occurred_at` start here (ms) and step one second per row; nil: the wall clock.
    public var startTime: Int64?
    /// Rate of files per second (0: as fast as possible).
    public var rate: Double = 0
    public var seed: UInt64 = 1

    public init(directory: String) { self.directory = directory }

    public static let header = "occurred_at,kind,plant,item,lot,quantity,unit,to_location"
}

/// What a drop simulation wrote.
public struct DropSimulationReport: Sendable {
    public struct File: Sendable {
        public var name: String
        /// SHA-256 of the content, lowercase hex: the file's identity for the input.
        public var digest: String
        public var rows: Int
    }

    public var files: [File] = []
    /// Quantity per unit, as exact decimal text sums (tenths).
    public var tenthsByUnit: [String: Int64] = [:]

    public var rows: Int { files.reduce(0) { $0 + $1.rows } }

    public var summary: String {
        let units = tenthsByUnit.keys.sorted().map { "\(Self.decimal(tenthsByUnit[$0]!)) \($0)" }
        return "drops: wrote \(files.count) files, \(rows) rows (receipts of \(units.joined(separator: ", ")))"
    }

    /// The manifest; with `input`, every row's event id as the `file_drop` input makes it
    /// (`file/<input>/<digest>/<row>`, rows numbered from 1).
    public func json(input: String?) -> JSONValue {
        var units = JSONObject()
        for (unit, tenths) in tenthsByUnit {
            units[unit] = (try? JSONNumber(validating: Self.decimal(tenths))).map { .number($0) } ?? .null
        }
        var object: JSONObject = [
            "kind": "drops", "rows": .integer(Int64(rows)), "quantity_by_unit": .object(units),
            "files": .array(
                files.map { file in
                    .object([
                        "name": .string(file.name), "digest": .string(file.digest), "rows": .integer(Int64(file.rows)),
                    ])
                }),
        ]
        if let input {
            var ids: [JSONValue] = []
            for file in files {
                for row in 1...max(1, file.rows) where file.rows > 0 {
                    ids.append(.string("file/\(input)/\(file.digest)/\(row)"))
                }
            }
            object["event_ids"] = .array(ids)
        }
        return .object(object)
    }

    static func decimal(_ tenths: Int64) -> String {
        tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }
}

public enum DropSimulator {
    /// Writes the files; `log` gets one line per file.
    public static func run(_ simulation: DropSimulation, now: Int64, log: (String) -> Void) throws(SimulatorError)
        -> DropSimulationReport
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: simulation.directory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw SimulatorError("\(simulation.directory): no such directory (the file_drop input's directory)")
        }
        var random = SimulationRandom(seed: simulation.seed)
        var report = DropSimulationReport()
        let start = simulation.startTime ?? now
        let run = String(start, radix: 36)
        let pacer = Pacer(rate: simulation.rate)
        for fileNumber in 1...max(1, simulation.files) where simulation.files > 0 {
            pacer.wait(forItem: fileNumber - 1)
            var text = DropSimulation.header + "\n"
            for row in 0..<simulation.rows {
                let time = Timestamp(
                    millisecondsSinceEpoch: start + Int64((fileNumber - 1) * simulation.rows + row) * 1000)
                let weighed = random.below(4) == 0
                let tenths: Int64 = weighed ? Int64(5 + random.below(500)) : Int64(1 + random.below(48)) * 10
                let unit = weighed ? "KG" : "PCE"
                report.tenthsByUnit[unit, default: 0] += tenths
                text += "\(time),receipt,\(simulation.plant),MAT-\(1000 + random.below(50)),"
                text +=
                    "LOT-\(run)-\(fileNumber),\(DropSimulationReport.decimal(tenths)),\(unit),WH-A-0\(1 + random.below(4))\n"
            }
            let number = String(fileNumber)
            let name =
                "\(simulation.prefix)-\(run)-\(String(repeating: "0", count: max(0, 4 - number.count)) + number).csv"
            let bytes = Array(text.utf8)
            try write(bytes, name: name, directory: simulation.directory)
            let file = DropSimulationReport.File(name: name, digest: SHA256.hex(bytes), rows: simulation.rows)
            report.files.append(file)
            log("wrote \(name): \(simulation.rows) rows, sha256 \(file.digest)")
        }
        return report
    }

    /// Temp name, fsync, rename, fsync the folder: the input sees a complete file or none.
    private static func write(_ bytes: [UInt8], name: String, directory: String) throws(SimulatorError) {
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        let temporary = folder + name + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SimulatorError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                throw SimulatorError("cannot write \(temporary): \(reason)")
            }
            offset += written
        }
        fsync(fd)
        close(fd)
        guard rename(temporary, folder + name) == 0 else {
            throw SimulatorError("cannot rename \(temporary): \(String(cString: strerror(errno)))")
        }
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }

    /// The agent.yaml block of a `file_drop` input that reads these files.
    public static func configuration(directory: String, input: String) -> String {
        """
        inputs:
          - name: \(input)
            type: file_drop
            directory: \(directory)
            event: inventory_movement
            columns:
              occurred_at: occurred_at
              kind: kind
              plant: plant
              item: item
              lot: lot
              quantity: quantity
              unit: unit
              to_location: to_location

        """
    }
}
