import ArgumentParser
import Inventory

/// `herald audit [--domain D] [--limit N]`: the append-only change log, newest first.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Show the audit log, newest first.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: ArgumentHelp("Only entries about this domain.", valueName: "DOMAIN"))
    var domain: String?
    @Option(name: .long, help: ArgumentHelp("At most this many entries.", valueName: "N"))
    var limit: String = "50"

    func run() throws {
        guard let count = Int(limit), count >= 1 else {
            throw InventoryError.invalidValue(argument: "--limit", value: limit, reason: "expected a whole number of at least 1")
        }
        let subject = try domain.map { try ArgumentValues.domain($0, "--domain").text }
        let entries = try global.openInventory().auditEntries(subject: subject, limit: count)
        try global.emit(entries) {
            Output.table(["TIME", "ACTOR", "ACTION", "SUBJECT", "REASON", "CHANGE"], entries.map { entry in
                let change: String
                switch (entry.before, entry.after) {
                case let (before?, after?): change = "\(before) → \(after)"
                case let (nil, after?): change = "+ \(after)"
                case let (before?, nil): change = "- \(before)"
                case (nil, nil): change = ""
                }
                return [Output.time(entry.time), entry.actor, entry.action.rawValue, entry.subject, entry.reason ?? "-", change]
            })
        }
    }
}
