import PlantCapture
import PlantConfig
import Testing

@Suite("FileDrop configuration")
struct FileDropConfigurationTests {
    private func errors(_ yaml: String) -> [String] {
        switch decodeDropConfiguration(yaml) {
        case .success(let configuration): return ["unexpectedly valid: \(configuration)"]
        case .failure(let errors): return errors.errors.map(\.description)
        }
    }

    @Test func minimalCSVTakesEveryDefault() throws {
        let yaml = """
            directory: /srv/drop
            event: inventory_movement
            columns:
              occurred_at: Zeit
              kind: "=receipt"
              plant: "=P100"
              item: Material
              quantity: Menge
              unit: ME
              to_location: Lager
            """
        let configuration = try decodeDropConfiguration(yaml).get()
        #expect(
            configuration
                == FileDrop.Configuration(
                    directory: "/srv/drop", event: .inventoryMovement,
                    columns: [
                        .occurredAt: .column("Zeit"), .kind: .constant("receipt"), .plant: .constant("P100"),
                        .item: .column("Material"), .quantity: .column("Menge"), .unit: .column("ME"),
                        .toLocation: .column("Lager"),
                    ]))
        #expect(configuration.format == .csv)
        #expect(configuration.delimiter == UInt8(ascii: ","))
        #expect(configuration.pattern == "*.csv")
        #expect(configuration.settleTime == .seconds(5))
        #expect(configuration.pollInterval == .seconds(2))
        #expect(configuration.maxLineBytes == 65_536)
        #expect(configuration.onError == .rejectRows)
        #expect(configuration.archiveDirectory == "/srv/drop/archive")
        #expect(configuration.quarantineDirectory == "/srv/drop/quarantine")
        #expect(configuration.chunkRows == 5_000)
        #expect(configuration.timestampFormat == .rfc3339)
    }

    @Test func everySettingGiven() throws {
        let yaml = """
            directory: /data/erp-out
            format: csv
            event: production_confirmation
            columns:
              plant: "=P100"
              line: Linie
              order: Auftrag
              operation: Vorgang
              yield: Gutmenge
              scrap: Ausschuss
              unit: ME
              window_start: Von
              window_end: Bis
            delimiter: ";"
            decimal_comma: true
            timestamp_format: "%d.%m.%Y %H:%M"
            utc_offset: "+01:00"
            default_unit: PCE
            units:
              Stk: PCE
              kg: KG
            settle_time: 10s
            poll_interval: 500ms
            require_done_marker: true
            pattern: "conf_*.csv"
            max_line_bytes: 16KiB
            on_error: reject_file
            archive_dir: /data/done
            quarantine_dir: /data/bad
            chunk_rows: 1000
            """
        let configuration = try decodeDropConfiguration(yaml).get()
        #expect(configuration.event == .productionConfirmation)
        #expect(configuration.columns.count == 9)
        #expect(configuration.delimiter == UInt8(ascii: ";"))
        #expect(configuration.decimalComma)
        #expect(configuration.timestampFormat.description == "%d.%m.%Y %H:%M")
        #expect(configuration.utcOffsetMinutes == 60)
        #expect(configuration.defaultUnit == "PCE")
        #expect(configuration.units == ["Stk": "PCE", "kg": "KG"])
        #expect(configuration.settleTime == .seconds(10))
        #expect(configuration.pollInterval == .milliseconds(500))
        #expect(configuration.requireDoneMarker)
        #expect(configuration.pattern == "conf_*.csv")
        #expect(configuration.maxLineBytes == 16_384)
        #expect(configuration.onError == .rejectFile)
        #expect(configuration.archiveDirectory == "/data/done")
        #expect(configuration.quarantineDirectory == "/data/bad")
        #expect(configuration.chunkRows == 1_000)
    }

    @Test func jsonLinesWithEpochTimes() throws {
        let yaml = """
            directory: /srv/holds
            format: jsonl
            event: quality_hold
            timestamp_format: epoch_ms
            columns:
              occurred_at: ts
              plant: "=P100"
              lot: batch
              reason: why
            """
        let configuration = try decodeDropConfiguration(yaml).get()
        #expect(configuration.format == .jsonl)
        #expect(configuration.pattern == "*.jsonl")
        #expect(configuration.timestampFormat == .epochMilliseconds)
    }

    @Test func wrongShapesAndWords() {
        #expect(
            errors(
                """
                directory: srv/drop
                format: xml
                event: inventory_movment
                columns:
                  plant: "=P100"
                """) == [
                    "drop.yaml:1:12: directory: expected an absolute path, found \"srv/drop\"",
                    "drop.yaml:2:9: format: expected csv or jsonl, found \"xml\"",
                    "drop.yaml:3:8: event: expected one of inventory_movement, production_confirmation, quality_hold, "
                        + "found \"inventory_movment\"; did you mean \"inventory_movement\"?",
                ])
    }

    @Test func badColumnsDelimiterBooleanPatternAndOffset() {
        #expect(
            errors(
                """
                directory: /srv/drop
                event: inventory_movement
                columns:
                  occurred_at: Zeit
                  kind: "=receive"
                  plant: "=P100"
                  qty: Menge
                delimiter: ";;"
                decimal_comma: yes
                timestamp_format: "%d.%m.%Y %H:%q"
                utc_offset: "+25:00"
                """) == [
                    "drop.yaml:5:9: columns.kind: expected a constant among receipt, issue, transfer, adjustment, "
                        + "production_receipt, cycle_count, found \"=receive\"",
                    "drop.yaml:7:3: columns.qty: unknown key \"qty\"; valid keys: occurred_at, kind, plant, item, gtin, "
                        + "lot, serial, sscc, quantity, unit, from_location, to_location, order, station",
                    "drop.yaml:8:12: delimiter: expected one character other than '\"' (or the word tab), found \";;\"",
                    "drop.yaml:9:16: decimal_comma: expected true or false, found \"yes\"",
                    "drop.yaml:10:19: timestamp_format: pattern \"%d.%m.%Y %H:%q\": unknown directive %q; expected one "
                        + "of %Y %m %d %H %M %S %L %%",
                    "drop.yaml:11:13: utc_offset: expected a UTC offset like +01:00, -05:30 or Z, found \"+25:00\"",
                ])
    }

    @Test func missingMappingsConflictsAndRanges() {
        #expect(
            errors(
                """
                directory: /srv/drop
                event: quality_hold
                columns:
                  plant: "=P100"
                decimal_comma: true
                utc_offset: "+01:00"
                archive_dir: /srv/drop/
                settle_time: 2d
                poll_interval: 10ms
                max_line_bytes: 100
                on_error: reject_all
                chunk_rows: 0
                pattern: "in/*.csv"
                """) == [
                    "drop.yaml:3:1: columns: event quality_hold needs mappings for occurred_at, reason; map each to a "
                        + "column name or a constant like \"=P100\"",
                    "drop.yaml:5:16: decimal_comma: true needs a delimiter other than \",\" (\";\" is usual), or every "
                        + "unquoted quantity splits in two",
                    "drop.yaml:6:13: utc_offset: applies to a timestamp_format pattern only; rfc3339 times carry their "
                        + "own offset and epoch times are UTC",
                    "drop.yaml:7:14: archive_dir: must differ from directory, or archived files would be taken again",
                    "drop.yaml:8:14: settle_time: expected a duration from 0s to 1d, found \"2d\"",
                    "drop.yaml:9:16: poll_interval: expected a duration from 100ms to 1h, found \"10ms\"",
                    "drop.yaml:10:17: max_line_bytes: expected a size from 1KiB to 16MiB, found \"100\"",
                    "drop.yaml:11:11: on_error: expected reject_rows or reject_file, found \"reject_all\"; did you mean "
                        + "\"reject_file\"?",
                    "drop.yaml:12:13: chunk_rows: expected an integer 1–100000, found \"0\"",
                    "drop.yaml:13:10: pattern: expected a file name pattern like *.csv (no \"/\"), found \"in/*.csv\"",
                ])
    }

    @Test func jsonLinesWithDelimiterIncompletePatternEmptyUnitAndNoUnit() {
        #expect(
            errors(
                """
                directory: /srv/drop
                format: jsonl
                event: production_confirmation
                delimiter: ";"
                timestamp_format: "%H:%M"
                units:
                  Stk: PCE
                  kg:
                columns:
                  plant: "=P100"
                  line: Linie
                  order: Auftrag
                  operation: "=0010"
                  yield: Gutmenge
                  window_start: Von
                  window_end: Bis
                  final: ""
                """) == [
                    "drop.yaml:1:1: event production_confirmation needs a unit: map columns.unit or set default_unit",
                    "drop.yaml:4:12: delimiter: applies to format csv only",
                    "drop.yaml:5:19: timestamp_format: pattern \"%H:%M\": expected %Y (patterns need %Y, %m and %d)",
                    "drop.yaml:8:3: units.kg: expected a non-empty string, found nothing",
                    "drop.yaml:17:10: columns.final: expected a non-empty string, found \"\"",
                ])
    }

    @Test func sameFoldersAndMissingEverything() {
        #expect(
            errors(
                """
                directory: /srv/drop
                event: inventory_movement
                archive_dir: /srv/keep
                quarantine_dir: /srv/keep/
                """) == [
                    "drop.yaml:1:1: missing required key \"columns\"",
                    "drop.yaml:4:17: quarantine_dir: must differ from archive_dir",
                ])
        #expect(
            errors("format: csv\n") == [
                "drop.yaml:1:1: missing required key \"directory\"",
                "drop.yaml:1:1: missing required key \"event\"",
                "drop.yaml:1:1: missing required key \"columns\"",
            ])
    }

    @Test func quarantineInsideTheWatchedFolderItselfIsRefused() {
        #expect(
            errors(
                """
                directory: /srv/drop
                event: quality_hold
                columns:
                  occurred_at: t
                  plant: p
                  reason: r
                quarantine_dir: /srv/drop
                """) == [
                    "drop.yaml:7:17: quarantine_dir: must differ from directory, or quarantined files would be taken again"
                ])
    }

    @Test func registryEntryAndAdapter() throws {
        #expect(FileDrop.inputType.name == "file_drop")
        let configuration = try decodeDropConfiguration(
            "directory: /srv/x\nevent: quality_hold\ncolumns:\n  occurred_at: t\n  plant: p\n  reason: r\n"
        ).get()
        let adapter = FileDrop(name: "holds", configuration: configuration)
        #expect(adapter.name == "holds")
        #expect(adapter.type == "file_drop")
        #expect(adapter.health.connection == .stopped)
    }
}
