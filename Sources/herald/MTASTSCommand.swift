import ArgumentParser
import Foundation
import Inventory
import RecordBuilder

/// `herald mta-sts set|mx-change|plan|history`: host an MTA-STS policy and change it safely
/// (RFC 8461 §3.1, §3.2, §4.1, §8.1, §8.3).
struct MTASTSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mta-sts", abstract: "Host an MTA-STS policy for a domain (RFC 8461).",
        subcommands: [Set.self, MXChange.self, Plan.self, History.self])

    /// `--resolver` / `--offline-zone`: where the domain's current MX records are looked up.
    struct MXCheckOptions: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp(
            "Look up the domain's MX records here and warn for each host no pattern covers.", valueName: "IP[:PORT]"))
        var resolver: String?
        @Option(name: .long, help: ArgumentHelp("Look up the domain's MX records in this zone file instead.", valueName: "FILE"))
        var offlineZone: String?

        /// Warns on standard error for each MX host of `domain` that `patterns` do not cover
        /// (RFC 8461 §4.1); silent when no resolver is configured. A failed lookup is a warning.
        func warnUncovered(_ domain: InventoryName, patterns: [MXPattern], label: String) async throws {
            guard resolver != nil || offlineZone != nil else { return }
            let source = try BuildCommand.upstream(offlineZone: offlineZone, resolver: resolver)
            let hosts: [String]
            do {
                hosts = try await source.mx(domain.text)
            } catch {
                Output.warn("could not look up the MX records of \(domain.text): \(error)")
                return
            }
            if hosts.isEmpty {
                Output.warn("\(domain.text) has no MX records; senders deliver to its address records (RFC 5321 §5.1), "
                            + "which no MTA-STS pattern can match")
            }
            for host in MXPattern.uncovered(hosts, by: patterns) {
                Output.warn("MX host \(host) of \(domain.text) is not covered by any pattern of \(label) "
                            + "(\(patterns.map(\.text).joined(separator: " "))); senders enforcing it will not deliver there "
                            + "(RFC 8461 §4.1: '*.' covers exactly one extra label)")
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the policy mode, max_age and mx patterns; 'none' withdraws it (served for max_age before removal).",
            discussion: """
                Every change of the body gets a new id (RFC 8461 §3.1). To move MX hosts, use \
                'herald mta-sts mx-change' instead of replacing --mx: it keeps the old patterns \
                until senders' cached policies have expired.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @Option(name: .long, help: ArgumentHelp("testing, enforce or none.", valueName: "MODE"))
        var mode: String
        @Option(name: .customLong("max-age"), help: ArgumentHelp(
            "Policy max_age in seconds, 0…31557600 (default 86400 testing, 604800 enforce).", valueName: "SECONDS"))
        var maxAge: String?
        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Replace the mx patterns.", valueName: "PATTERN"))
        var mx: [String] = []
        @OptionGroup var check: MXCheckOptions
        @Option(name: .long, help: "Why, for the audit log.")
        var reason: String?

        struct View: Encodable {
            var domain: HostedDomain
            var policyID: String?
            var body: String?
            enum CodingKeys: String, CodingKey { case domain, policyID = "policy_id", body }
        }

        func run() async throws {
            let name = try ArgumentValues.domain(domain)
            let mode = try ArgumentValues.choice(self.mode, "--mode", MTASTSMode.self)
            var maxAgeChange = FieldChange<Int>.unchanged
            if let maxAge { maxAgeChange = .set(try MTASTSCommand.maxAge(maxAge)) }
            let patterns = mx.isEmpty ? nil : try mx.map { try MXPattern(parsing: $0, argument: "--mx") }
            let inventory = try global.openInventory()
            let domain = try inventory.setMTASTS(
                name, mode: mode, maxAge: maxAgeChange, mxPatterns: patterns, actor: global.actorName, now: global.now,
                reason: reason)
            let policy = try domain.servedMTASTSPolicy(windDown: try inventory.windDown(name))
            if mode != .none { try await check.warnUncovered(name, patterns: domain.mxPatterns, label: "the policy") }
            try global.emit(View(domain: domain, policyID: policy?.id, body: policy?.body)) {
                "\(name): MTA-STS \(mode.rawValue), max_age \(domain.effectiveMaxAge ?? 0), mx "
                    + domain.mxPatterns.map(\.text).joined(separator: " ").ifEmpty("-")
                    + (policy.map { ", id \($0.id)" } ?? "")
            }
        }
    }

    struct MXChange: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mx-change",
            abstract: "Move MX hosts safely: serve old and new patterns now, remove the old ones after max_age.",
            discussion: """
                Publishes the union of the current and --add patterns at once (a new policy and id), \
                and plans the removal of the --remove patterns for when every policy served before \
                may have expired from senders' caches (last served + its max_age; RFC 8461 §8.3). \
                Switch the MX records themselves once the new id is visible (the _mta-sts TTL, \
                300 s). 'herald serve' (or the next 'herald build') removes the old patterns when \
                due. --status shows the plan, --cancel drops it (the union stays served).
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Patterns of the new MX hosts.", valueName: "PATTERN"))
        var add: [String] = []
        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Patterns to remove once it is safe.", valueName: "PATTERN"))
        var remove: [String] = []
        @Flag(name: .long, help: "Show the pending plan and its dates.")
        var status = false
        @Flag(name: .long, help: "Cancel the pending plan (the union stays served).")
        var cancel = false
        @OptionGroup var check: MXCheckOptions
        @Option(name: .long, help: "Why, for the audit log.")
        var reason: String?

        func validate() throws {
            if status && cancel { throw ValidationError("--status and --cancel cannot be combined") }
            if (status || cancel) && !(add.isEmpty && remove.isEmpty) {
                throw ValidationError("--status and --cancel take no --add/--remove")
            }
            if !status && !cancel && add.isEmpty && remove.isEmpty {
                throw ValidationError("give --add and/or --remove patterns, or --status, or --cancel")
            }
        }

        func run() async throws {
            let name = try ArgumentValues.domain(domain)
            let inventory = try global.openInventory()
            if status {
                try Plan.show(name, inventory: inventory, global: global)
                return
            }
            if cancel {
                let plan = try inventory.cancelMXChange(name, actor: global.actorName, now: global.now, reason: reason)
                try global.emit(plan) {
                    "\(name): mx change cancelled; the removal of \(plan.removed.map(\.text).joined(separator: " ")) "
                        + "will not happen (the union stays served)"
                }
                return
            }
            let added = try add.map { try MXPattern(parsing: $0, argument: "--add") }
            let removed = try remove.map { try MXPattern(parsing: $0, argument: "--remove") }
            let result = try inventory.planMXChange(name, add: added, remove: removed, actor: global.actorName,
                                                    now: global.now, reason: reason)
            try await check.warnUncovered(name, patterns: result.domain.mxPatterns, label: "the policy now served")
            if result.plan != nil {
                let final = result.domain.mxPatterns.filter { !removed.contains($0) }
                try await check.warnUncovered(name, patterns: final, label: "the policy after the removal")
            }
            try global.emit(result) { Plan.text(name, domain: result.domain, plan: result.plan, currentID: result.unionPolicyID,
                                                 oldID: result.oldPolicyID, heading: "mx change planned") }
        }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a domain's pending mx change and its dates.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String

        func run() throws {
            try Self.show(try ArgumentValues.domain(domain), inventory: try global.openInventory(), global: global)
        }

        struct View: Encodable {
            var domain: InventoryName
            var plan: MXChangePlan?
            var mx: [MXPattern]
            var policyID: String?
            enum CodingKeys: String, CodingKey { case domain, plan, mx, policyID = "policy_id" }
        }

        static func show(_ name: InventoryName, inventory: Inventory, global: GlobalOptions) throws {
            let entry = try inventory.entry(name)
            let current = try entry.domain.servedMTASTSPolicy(windDown: entry.windDown)
            let view = View(domain: name, plan: entry.mxPlan, mx: entry.domain.mxPatterns, policyID: current?.id)
            try global.emit(view) {
                guard entry.mxPlan != nil else {
                    return "\(name): no mx change pending; mx " + entry.domain.mxPatterns.map(\.text).joined(separator: " ").ifEmpty("-")
                        + (current.map { ", id \($0.id)" } ?? "")
                }
                return Plan.text(name, domain: entry.domain, plan: entry.mxPlan, currentID: current?.id ?? "-",
                            oldID: entry.mxPlan?.oldPolicyID ?? "-", heading: "mx change pending")
            }
        }

        /// The plan as text: what is served, when to switch MX, when the old patterns go.
        static func text(_ name: InventoryName, domain: HostedDomain, plan: MXChangePlan?, currentID: String, oldID: String,
                         heading: String) -> String {
            var pairs: [(String, String)] = [
                ("served now", domain.mxPatterns.map(\.text).joined(separator: " ") + " (id \(currentID))"),
            ]
            guard let plan else {
                pairs.insert(("previous id", oldID), at: 0)
                return "\(name): mx patterns added\n" + Output.fields(pairs)
            }
            let final = domain.mxPatterns.filter { !plan.removed.contains($0) }
            pairs.insert(("planned", "\(Output.time(plan.plannedAt)) by \(plan.actor)" + (plan.reason.map { " (\($0))" } ?? "")), at: 0)
            pairs.append(("previous id", plan.oldPolicyID))
            pairs.append(("switch MX after", "\(Output.time(plan.switchMXAfter)) (the _mta-sts TXT TTL, \(MXChangePlan.announcementTTL) s, after the new id)"))
            pairs.append(("remove", plan.removed.map(\.text).joined(separator: " ")
                + " at \(Output.time(plan.removeAfter)) (when policies served before \(Output.time(plan.plannedAt)) may have expired from caches, RFC 8461 §8.3)"))
            pairs.append(("then served", final.map(\.text).joined(separator: " ") + " (a new id)"))
            return "\(name): \(heading)\n" + Output.fields(pairs)
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every MTA-STS policy served for a domain, with its id and when it was served.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            let inventory = try global.openInventory()
            let history = try inventory.policyHistory(name)
            let now = global.now
            try global.emit(history) {
                Output.table(["ID", "MODE", "MAX_AGE", "SERVED FROM", "SERVED UNTIL", "MAY BE CACHED UNTIL", "MX"], history.map { p in
                    let mx = (try? MTASTSPolicy.parse(p.body))?.mx.joined(separator: " ") ?? "?"
                    return [p.policyID, p.mode.rawValue, String(p.maxAge), Output.time(p.servedFrom),
                            p.servedUntil.map { Output.time($0) } ?? "(served)", Output.time(p.cachedUntil(now: now)), mx.ifEmpty("-")]
                })
            }
        }
    }

    /// Parses `--max-age`: whole seconds 0…31557600 (RFC 8461 §3.2); larger values are refused.
    static func maxAge(_ text: String) throws -> Int {
        guard !text.isEmpty, text.count <= 10, text.allSatisfy({ $0.isASCII && $0.isNumber }), let seconds = Int(text),
              (0...MTASTSPolicy.maxMaxAge).contains(seconds) else {
            throw InventoryError.invalidValue(argument: "--max-age", value: text,
                                              reason: "max_age must be whole seconds from 0 to 31557600 (one year; RFC 8461 §3.2)")
        }
        return seconds
    }
}

extension Output {
    /// Writes `herald: warning: <message>` to standard error (never mixed into `--json` output).
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("herald: warning: \(message)\n".utf8))
    }
}
