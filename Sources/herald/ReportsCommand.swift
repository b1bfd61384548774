import ArgumentParser
import Foundation
import Inventory
import Reports

/// `herald reports ingest|settings`: DMARC aggregate (RFC 9990) and TLS (RFC 8460) reports.
struct ReportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports", abstract: "Ingest DMARC aggregate and TLS reports; set the evidence gate.",
        subcommands: [Ingest.self, Settings.self])

    /// Maps report errors to the inventory errors ``HeraldExit`` knows (65 invalid value, 66 unknown domain).
    static func mapped(_ body: () throws -> Void) throws {
        do { try body() } catch let error as ReportsError {
            switch error {
            case .invalidSetting(let argument, let value, let reason):
                throw InventoryError.invalidValue(argument: argument, value: value, reason: reason)
            case .unknownDomain(let name): throw InventoryError.unknownDomain(name)
            case .unreadable(let path, let detail):
                throw InventoryError.invalidValue(argument: "PATH", value: path, reason: detail)
            default: throw InventoryError.invalidValue(argument: "PATH", value: "", reason: error.description)
            }
        }
    }

    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read report files and directories (xml, xml.gz, zip, eml/Maildir, TLS-RPT json/json.gz).",
            discussion: """
                Directories are walked recursively; in them, files ending in .xml, .gz, .zip, .eml or .json and \
                every file of a Maildir cur/ or new/ folder are read. Each file is stored whole or not at all; a \
                report already stored (same organisation and report id) is skipped as a duplicate. Exit status 0, \
                or 2 when some files were refused (each is listed with its reason).
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Report files or directories.", valueName: "PATH"))
        var paths: [String]
        @Option(name: .long, help: ArgumentHelp("Largest file or attachment, MiB (default 20).", valueName: "MIB"))
        var maxCompressedMib = 20
        @Option(name: .long, help: ArgumentHelp("Largest decompressed report, MiB (default 100).", valueName: "MIB"))
        var maxDecompressedMib = 100
        @Option(name: .long, help: ArgumentHelp("Largest compression ratio above 1 MiB of output (default 200).", valueName: "N"))
        var maxRatio = 200
        @Option(name: .long, help: ArgumentHelp("Most entries in a zip archive (default 16).", valueName: "N"))
        var maxZipEntries = 16

        func run() throws {
            for (name, value, range) in [("--max-compressed-mib", maxCompressedMib, 1...1024),
                                         ("--max-decompressed-mib", maxDecompressedMib, 1...4096),
                                         ("--max-ratio", maxRatio, 2...100_000), ("--max-zip-entries", maxZipEntries, 1...10_000)]
            where !range.contains(value) {
                throw InventoryError.invalidValue(argument: name, value: String(value),
                                                  reason: "expected \(range.lowerBound) to \(range.upperBound)")
            }
            let inventory = try global.openInventory()
            let limits = IngestLimits(maxCompressedBytes: maxCompressedMib << 20, maxDecompressedBytes: maxDecompressedMib << 20,
                                      maxRatio: maxRatio, maxZipEntries: maxZipEntries)
            let isTTY = isatty(STDERR_FILENO) == 1
            var totals = IngestTotals()
            try ReportsCommand.mapped {
                totals = try ReportIngester(inventory: inventory, limits: limits).ingest(paths: paths, now: global.now) { done, total in
                    if isTTY || done == total || done % 1000 == 0 {
                        FileHandle.standardError.write(Data("\ringesting \(done)/\(total)\(done == total ? "\n" : "")".utf8))
                    }
                }
            }
            try global.emit(totals) {
                var lines = totals.rejected.map { "rejected \($0.reason)" }
                let byCategory = totals.rejectedByCategory.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                lines.append("\(totals.files) file(s)\(totals.ignored > 0 ? " (\(totals.ignored) other file(s) ignored)" : ""): "
                             + "\(totals.aggregateStored) aggregate and \(totals.tlsStored) TLS report(s) stored, "
                             + "\(totals.duplicates) duplicate(s) skipped, \(totals.unknownDomain) for domains not in the inventory, "
                             + "\(totals.rejected.count) file(s) rejected"
                             + (byCategory.isEmpty ? "" : " (\(byCategory.joined(separator: ", ")))"))
                lines.append("\(totals.rows) row(s), \(totals.messages) message(s), \(totals.tlsSessions) TLS session(s)")
                return lines.joined(separator: "\n")
            }
            if !totals.rejected.isEmpty { throw ExitCode(2) }
        }
    }

    struct Settings: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change the evidence gate, autopilot thresholds, window and webhook.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: ArgumentHelp("Share of approved senders' messages passing DMARC to advance (0.98).", valueName: "SHARE"))
        var gatePassRate: Double?
        @Option(name: .long, help: ArgumentHelp("Fewest approved senders' messages in the window (100).", valueName: "N"))
        var minMessages: Int64?
        @Option(name: .long, help: ArgumentHelp("Autopilot rolls back below this pass rate (0.90).", valueName: "SHARE"))
        var rollbackPassRate: Double?
        @Option(name: .long, help: ArgumentHelp("Readiness window in days (14).", valueName: "DAYS"))
        var window: Int?
        @Option(name: .long, help: ArgumentHelp("Seconds between autopilot runs in herald serve (3600).", valueName: "SECONDS"))
        var autopilotInterval: Int?
        @Option(name: .long, help: ArgumentHelp("POST each autopilot move as JSON here; 'off' removes it.", valueName: "URL"))
        var webhook: String?

        func run() throws {
            let store = ReportSettingsStore(inventory: try global.openInventory())
            let change = ReportSettingsChange(
                gatePassRate: gatePassRate, gateMinMessages: minMessages, rollbackPassRate: rollbackPassRate, windowDays: window,
                autopilotInterval: autopilotInterval, webhookURL: webhook.map { $0 == "off" ? nil : $0 })
            var settings: ReportSettings?
            try ReportsCommand.mapped {
                let changed = gatePassRate != nil || minMessages != nil || rollbackPassRate != nil || window != nil
                    || autopilotInterval != nil || webhook != nil
                settings = changed ? try store.update(change, actor: global.actorName, now: global.now) : try store.settings()
            }
            guard let settings else { return }
            try global.emit(settings) {
                Output.fields([
                    ("gate pass rate", String(format: "%.1f %%", settings.gatePassRate * 100)),
                    ("gate min messages", String(settings.gateMinMessages)),
                    ("rollback pass rate", String(format: "%.1f %%", settings.rollbackPassRate * 100)),
                    ("window", "\(settings.windowDays) days"),
                    ("autopilot interval", "\(settings.autopilotInterval) s"),
                    ("webhook", settings.webhookURL ?? "-"),
                ])
            }
        }
    }
}
