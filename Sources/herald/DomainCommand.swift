import ArgumentParser
import Inventory
import RecordBuilder

/// `herald domain add|remove|list|show|update`.
struct DomainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain", abstract: "Add, change, remove and inspect customer domains.",
        subcommands: [Add.self, Update.self, Remove.self, Restore.self, List.self, Show.self, Grace.self])

    /// Policy options shared by `add` and `update`.
    struct PolicyOptions: ParsableArguments {
        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("MTA-STS mx patterns (host or *.host).", valueName: "PATTERN"))
        var mx: [String] = []
        @Option(name: .long, help: ArgumentHelp(
            "Customer's DMARC aggregate URI (mailto:), after the operator's; DMARC takes at most two in all.", valueName: "URI"))
        var rua: [String] = []
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
        @Option(name: .customLong("tlsrpt-rua"), help: ArgumentHelp(
            "Customer's TLS-RPT URI (mailto: or https:), after the operator's; repeat for several (replaces the list).",
            valueName: "URI"))
        var tlsrptRUA: [String] = []
        @Option(name: .customLong("spf-mode"), help: ArgumentHelp(
            "Hosted SPF mode: flatten (ip4:/ip6: terms, default) or macro (exists:%{i}, answered from the pass set).",
            valueName: "MODE"))
        var spfMode: String?

        /// The changes these options ask for.
        func changes() throws -> DomainChanges {
            var changes = DomainChanges()
            if !mx.isEmpty { changes.mxPatterns = .set(try mx.map { try MXPattern(parsing: $0, argument: "--mx") }) }
            if rua.count > 1 {
                throw InventoryError.invalidValue(
                    argument: "--rua", value: rua.joined(separator: " "),
                    reason: "a DMARC record lists at most two rua URIs and the operator's comes first, so one customer "
                        + "URI fits (RECORDS.md \"DMARC\")")
            }
            if let rua = rua.first {
                changes.extraRUA = .set(try ReportURI(parsing: rua, argument: "--rua", schemes: .mailtoOnly))
            }
            if let ruf { changes.ruf = .set(try ReportURI(parsing: ruf, argument: "--ruf", schemes: .mailtoOnly)) }
            if let sp { changes.subdomainPolicy = .set(try ArgumentValues.choice(sp, "--sp", DMARCPolicy.self)) }
            if let np { changes.nonexistentPolicy = .set(try ArgumentValues.choice(np, "--np", DMARCPolicy.self)) }
            if let adkim { changes.adkim = .set(try ArgumentValues.choice(adkim, "--adkim", DMARCAlignment.self)) }
            if let aspf { changes.aspf = .set(try ArgumentValues.choice(aspf, "--aspf", DMARCAlignment.self)) }
            if let spfAll { changes.spfAll = .set(try ArgumentValues.spfAll(spfAll)) }
            if let spfMode { changes.spfMode = .set(try ArgumentValues.choice(spfMode, "--spf-mode", SPFMode.self)) }
            if !tlsrptRUA.isEmpty {
                changes.tlsrptRUAs = .set(try tlsrptRUA.map {
                    try ReportURI(parsing: $0, argument: "--tlsrpt-rua", schemes: .mailtoOrHTTPS)
                })
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
                case "tlsrpt-rua": changes.tlsrptRUAs = .cleared
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
        static let configuration = CommandConfiguration(
            abstract: "Wind a domain down: MTA-STS mode none, then every record withdrawn and the domain removed.",
            discussion: """
                The MTA-STS policy becomes 'mode: none' with a new id at once and stays served until \
                every policy served before may have expired from senders' caches (RFC 8461 §8.3); \
                DMARC, SPF and TLS-RPT stay served for the grace period (default: the setting, \
                'herald domain grace'). Then 'herald serve' (or the next 'herald build') removes the \
                domain. 'herald domain restore' cancels; 'herald records D --literal' prints what the \
                customer publishes to keep the same policy. --now --force deletes at once (for \
                mistakes).
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @Option(name: .long, help: ArgumentHelp("Days DMARC/SPF/TLS-RPT stay served (default: the setting, 30).", valueName: "DAYS"))
        var grace: Int?
        @Flag(name: .long, help: "Delete at once instead of winding down (needs --force).")
        var now = false
        @Flag(name: .long, help: "With --now: delete even while senders may cache an MTA-STS policy.")
        var force = false
        @Option(name: .long, help: "Why, for the audit log.")
        var reason: String?

        func validate() throws {
            if now && grace != nil { throw ValidationError("--grace applies to a wind-down, not to --now") }
            if force && !now { throw ValidationError("--force only goes with --now (an immediate delete)") }
        }

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            let inventory = try global.openInventory()
            let time = global.now
            if now {
                guard force else {
                    throw InventoryError.invalidValue(
                        argument: "--now", value: name.text,
                        reason: "an immediate delete withdraws every record at once; add --force to confirm "
                            + "(or drop --now to wind the domain down)")
                }
                if let until = try inventory.policyCacheExpiry(name, now: time), until > time,
                   let history = try? inventory.policyHistory(name),
                   let strictest = history.filter({ $0.mode == .enforce && $0.cachedUntil(now: time) > time }).last ?? history.last {
                    Output.warn("senders may keep a cached MTA-STS '\(strictest.mode.rawValue)' policy of \(name.text) until "
                                + "\(Output.time(until)) and refuse delivery to MX hosts it does not list (RFC 8461 §8.3)")
                }
                try inventory.removeDomain(name, force: true, actor: global.actorName, now: time, reason: reason)
                struct Removed: Encodable { var removed: InventoryName }
                try global.emit(Removed(removed: name)) { "removed \(name.text) at once" }
                return
            }
            let windDown = try inventory.startWindDown(name, graceDays: grace, actor: global.actorName, now: time, reason: reason)
            struct WindingDown: Encodable {
                var domain: InventoryName
                var windDown: WindDown
                enum CodingKeys: String, CodingKey { case domain, windDown = "wind_down" }
            }
            try global.emit(WindingDown(domain: name, windDown: windDown)) {
                "\(name.text): winding down\n" + Output.fields(DomainView.windDownFields(windDown))
                    + "\n\nthe customer's own records: 'herald records \(name.text) --literal'; cancel: 'herald domain restore \(name.text)'"
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a domain's wind-down; its own records are served again.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @Option(name: .long, help: "Why, for the audit log.")
        var reason: String?

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            let inventory = try global.openInventory()
            try inventory.restoreDomain(name, actor: global.actorName, now: global.now, reason: reason)
            try DomainView.show(name, inventory: inventory, global: global, heading: "restored")
        }
    }

    struct Grace: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or set the default wind-down grace period (days DMARC/SPF/TLS-RPT stay served after removal).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("New default, 0…3650 days; omit to show the current one.", valueName: "DAYS"))
        var days: Int?

        func run() throws {
            let inventory = try global.openInventory()
            if let days { try inventory.setWindDownGrace(days: days, actor: global.actorName, now: global.now) }
            guard let settings = try inventory.settings() else { throw InventoryError.notInitialized }
            struct View: Encodable {
                var graceDays: Int
                enum CodingKeys: String, CodingKey { case graceDays = "wind_down_grace_days" }
            }
            try global.emit(View(graceDays: settings.windDownGraceDays)) {
                "wind-down grace: \(settings.windDownGraceDays) day(s)"
            }
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
                    ["DOMAIN", "STAGE", "SINCE", "SPF", "MTA-STS", "SENDERS", "RANGES", "PUBLISHED", "STATE"],
                    snapshot.entries.map { entry in
                        let d = entry.domain
                        return [
                            d.name.isInternationalized ? "\(d.name.text) (\(d.name.unicode))" : d.name.text,
                            d.stage.rawValue, Output.time(d.stageSince), d.spfMode.rawValue, d.mtaSTSMode?.rawValue ?? "-",
                            entry.senders.map(\.slug.text).joined(separator: ",").ifEmpty("-"),
                            String(entry.ranges.count), DomainView.publishedSummary(entry.published),
                            DomainView.stateSummary(entry),
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
