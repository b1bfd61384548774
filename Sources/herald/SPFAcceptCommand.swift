import ArgumentParser
import Inventory

/// `herald spf accept DOMAIN [--reason TEXT]`: publish the SPF build the publish gate held
/// because its pass set shrank by more than the configured share (RECORDS.md "SPF" Safety).
///
/// Errors: ``InventoryError/nothingHeld(domain:)`` (exit 69) when nothing is held;
/// ``InventoryError/unknownDomain(_:)`` (exit 66).
struct SPFAcceptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept", abstract: "Publish the SPF build held for confirmation.",
        discussion: """
            A build whose pass set shrinks by more than the shrink threshold ('herald init \
            --spf-shrink-threshold') is held: the last good records stay served and 'herald domain show' \
            marks the domain STALE with the reasons. Accepting publishes the held build as it was built; a \
            running 'herald serve' picks it up on its next inventory check.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
    var domain: String
    @Option(name: .long, help: "Why, for the audit log.")
    var reason: String?

    /// What was accepted, and the JSON shape of `--json`.
    struct Accepted: Encodable {
        var domain: InventoryName
        /// When the accepted build was made, Unix seconds.
        var heldAt: Int64?
        /// Why the gate held it (empty when another process replaced the held build meanwhile).
        var reasons: [String]
        /// The state now published.
        var published: PublishedState

        enum CodingKeys: String, CodingKey {
            case domain, heldAt = "held_at", reasons, published
        }
    }

    func run() throws {
        let name = try ArgumentValues.domain(domain)
        let inventory = try global.openInventory()
        let held = try inventory.publishedState(name)?.held
        let state = try inventory.acceptHeld(domain: name, actor: global.actorName, now: global.now, reason: reason)
        // The reasons read before accepting belong to the accepted build only if it is the same one.
        let sameBuild = held != nil && held?.heldAt == state.builtAt && held?.records == state.records
        let accepted = Accepted(domain: name, heldAt: state.builtAt, reasons: sameBuild ? held?.reasons ?? [] : [],
                                published: state)
        try global.emit(accepted) { Self.text(accepted) }
    }

    /// The text form: what was held and why, the pass set by sender, the records now served.
    static func text(_ accepted: Accepted) -> String {
        let state = accepted.published
        var pairs: [(String, String)] = [
            ("held at", accepted.heldAt.map(Output.time) ?? "-"),
            ("held because", accepted.reasons.joined(separator: "; ").ifEmpty("(see 'herald audit')")),
            ("records", String(state.records?.count ?? 0)),
        ]
        if let sets = state.passSets {
            let total = sets.values.reduce(0) { $0 + $1.count }
            let parts = sets.keys.sorted().map { "\($0) \(sets[$0]!.count)" }.joined(separator: ", ")
            pairs.append(("pass set", "\(total) ranges" + (parts.isEmpty ? "" : " (\(parts))")))
        }
        if let lookups = state.lookups { pairs.append(("lookups", String(lookups))) }
        var out = "accepted the held SPF build of \(accepted.domain.text)\n" + Output.fields(pairs)
        if let records = state.records, !records.isEmpty {
            out += "\n\nserved records:\n"
            out += Output.table(["OWNER", "TXT"], records.map { [$0.owner, $0.strings.map { "\"\($0)\"" }.joined(separator: " ")] })
        }
        return out
    }
}
