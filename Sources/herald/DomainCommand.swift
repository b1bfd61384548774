import ArgumentParser
import Inventory
import RecordBuilder

/// `herald domain add|remove|list|show|update`.
struct DomainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain", abstract: "Add, change, remove and inspect customer domains.",
        subcommands: [Add.self, Update.self, Remove.self, List.self, Show.self])

    /// Policy options shared by `add` and `update`.
    struct PolicyOptions: ParsableArguments {
        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("MTA-STS mx patterns (host or *.host).", valueName: "PATTERN"))
        var mx: [String] = []
        @Option(name: .long, help: ArgumentHelp("Customer's extra DMARC aggregate URI (mailto:).", valueName: "URI"))
        var rua: String?
        @Option(name: .long, help: ArgumentHelp("DMARC failure report URI (mailto:).", valueName: "URI"))
        var ruf: String?
        @Option(name: .long, help: ArgumentHelp("DMARC sp: none|quarantine|reject.", valueName: "POLICY"))
        var sp: String?
        @Option(name: .long, help: ArgumentHelp("DMARC np: none|quarantine|reject.", valueName: "POLICY"))
        var np: String?
        @Option(name: .long, help: ArgumentHelp("DMARC adkim: r|s.", valueName: "MODE"))
        var adkim: String?
        @Option(name: .long, help: ArgumentHelp("DMARC aspf: r|s.", valueName: "MODE"))
        var aspf: String?
        @Option(name: .customLong("spf-all"), help: ArgumentHelp("Hosted SPF all qualifier: - ~ ? (default ~).", valueName: "Q"))
        var spfAll: String?
        @Option(name: .customLong("tlsrpt-rua"), help: ArgumentHelp("Customer's extra TLS-RPT URI (mailto: or https:).", valueName: "URI"))
        var tlsrptRUA: String?
        @Option(name: .customLong("spf-mode"), help: ArgumentHelp(
            "Hosted SPF mode: flatten (ip4:/ip6: terms, default) or macro (exists:%{i}, answered from the pass set).",
            valueName: "MODE"))
        var spfMode: String?

        /// The changes these options ask for.
        func changes() throws -> DomainChanges {
            var changes = DomainChanges()
            if !mx.isEmpty { changes.mxPatterns = .set(try mx.map { try MXPattern(parsing: $0, argument: "--mx") }) }
            if let rua { changes.extraRUA = .set(try ReportURI(parsing: rua, argument: "--rua", schemes: .mailtoOnly)) }
            if let ruf { changes.ruf = .set(try ReportURI(parsing: ruf, argument: "--ruf", schemes: .mailtoOnly)) }
            if let sp { changes.subdomainPolicy = .set(try ArgumentValues.choice(sp, "--sp", DMARCPolicy.self)) }
            if let np { changes.nonexistentPolicy = .set(try ArgumentValues.choice(np, "--np", DMARCPolicy.self)) }
            if let adkim { changes.adkim = .set(try ArgumentValues.choice(adkim, "--adkim", DMARCAlignment.self)) }
            if let aspf { changes.aspf = .set(try ArgumentValues.choice(aspf, "--aspf", DMARCAlignment.self)) }
            if let spfAll { changes.spfAll = .set(try ArgumentValues.spfAll(spfAll)) }
            if let spfMode { changes.spfMode = .set(try ArgumentValues.choice(spfMode, "--spf-mode", SPFMode.self)) }
            if let tlsrptRUA {
                changes.tlsrptRUA = .set(try ReportURI(parsing: tlsrptRUA, argument: "--tlsrpt-rua", schemes: .mailtoOrHTTPS))
            }
            return changes
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a customer domain at DMARC stage 'monitor'.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain (U-labels are converted).", valueName: "DOMAIN"))
        var domain: String
        @OptionGroup var policy: PolicyOptions
        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Senders to approve (catalog slugs).", valueName: "SLUG"))
        var sender: [String] = []

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            let changes = try policy.changes()
            let senders = try sender.map { try SenderSlug(parsing: $0, argument: "--sender") }
            let inventory = try global.openInventory()
            try inventory.addDomain(name, changes: changes, senders: senders, actor: global.actorName, now: global.now)
            try DomainView.show(name, inventory: inventory, global: global, heading: "added")
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a domain's policy options.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @OptionGroup var policy: PolicyOptions
        @Option(name: .long, help: ArgumentHelp(
            "Unset a field: sp, np, adkim, aspf, rua, ruf, tlsrpt-rua, mx, spf-all, spf-mode (repeatable).", valueName: "FIELD"))
        var clear: [String] = []
        @Option(name: .long, help: "Why, for the audit log.")
        var reason: String?

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            var changes = try policy.changes()
            for field in clear {
                switch field.lowercased() {
                case "sp": changes.subdomainPolicy = .cleared
                case "np": changes.nonexistentPolicy = .cleared
                case "adkim": changes.adkim = .cleared
                case "aspf": changes.aspf = .cleared
                case "rua": changes.extraRUA = .cleared
                case "ruf": changes.ruf = .cleared
                case "tlsrpt-rua": changes.tlsrptRUA = .cleared
                case "mx": changes.mxPatterns = .cleared
                case "spf-all": changes.spfAll = .cleared
                case "spf-mode": changes.spfMode = .cleared
                default:
                    throw InventoryError.invalidValue(
                        argument: "--clear", value: field,
                        reason: "expected one of: sp, np, adkim, aspf, rua, ruf, tlsrpt-rua, mx, spf-all, spf-mode")
                }
            }
            let inventory = try global.openInventory()
            try inventory.updateDomain(name, changes: changes, actor: global.actorName, now: global.now, reason: reason)
            try DomainView.show(name, inventory: inventory, global: global, heading: "updated")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a domain with its approvals, ranges and records.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @Flag(name: .long, help: "Remove even while MTA-STS is in testing or enforce mode.")
        var force = false
        @Option(name: .long, help: "Why, for the audit log.")
        var reason: String?

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            let inventory = try global.openInventory()
            try inventory.removeDomain(name, force: force, actor: global.actorName, now: global.now, reason: reason)
            struct Removed: Encodable { var removed: InventoryName }
            try global.emit(Removed(removed: name)) { "removed \(name.text)" }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List customer domains.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let snapshot = try global.openInventory().snapshot()
            let views = snapshot.entries.map(DomainView.init)
            try global.emit(views) {
                Output.table(
                    ["DOMAIN", "STAGE", "SINCE", "SPF", "MTA-STS", "SENDERS", "RANGES", "PUBLISHED"],
                    snapshot.entries.map { entry in
                        let d = entry.domain
                        return [
                            d.name.isInternationalized ? "\(d.name.text) (\(d.name.unicode))" : d.name.text,
                            d.stage.rawValue, Output.time(d.stageSince), d.spfMode.rawValue, d.mtaSTSMode?.rawValue ?? "-",
                            entry.senders.map(\.slug.text).joined(separator: ",").ifEmpty("-"),
                            String(entry.ranges.count), DomainView.publishedSummary(entry.published),
                        ]
                    })
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one domain, its records and what the customer publishes.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            try DomainView.show(name, inventory: try global.openInventory(), global: global, heading: nil)
        }
    }
}

extension String {
    /// `replacement` when empty, else `self`.
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
