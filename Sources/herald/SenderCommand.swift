import ArgumentParser
import Inventory

/// `herald sender list|add|approve|revoke`.
struct SenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sender", abstract: "The sender catalog and per-domain approvals.",
        subcommands: [List.self, Add.self, Approve.self, Revoke.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the sender catalog.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let senders = try global.openInventory().senders()
            try global.emit(senders) {
                Output.table(["SLUG", "NAME", "SPF", "ORIGIN"], senders.map {
                    [$0.slug.text, $0.displayName, $0.spfEntryPoint?.text ?? "-", $0.builtin ? "builtin" : "operator"]
                })
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an operator-defined sender to the catalog.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Catalog key: a-z, 0-9, '-'.", valueName: "SLUG"))
        var slug: String
        @Argument(help: ArgumentHelp("Display name.", valueName: "NAME"))
        var name: String
        @Option(name: .long, help: ArgumentHelp("The name whose SPF record is flattened (e.g. _spf.example.net).",
                                                valueName: "ENTRYPOINT"))
        var spf: String?

        func run() throws {
            let sender = Sender(
                slug: try SenderSlug(parsing: slug, argument: "SLUG"), displayName: name,
                spfEntryPoint: try spf.map { try InventoryName(parsing: $0, argument: "--spf", kind: .serviceName) })
            try global.openInventory().addSender(sender, actor: global.actorName, now: global.now)
            try global.emit(sender) { "added sender \(sender.slug.text)" }
        }
    }

    /// Arguments shared by approve and revoke.
    struct Pair: ParsableArguments {
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @Argument(help: ArgumentHelp("The catalog slug.", valueName: "SLUG"))
        var slug: String
        @Option(name: .long, help: "Why, for the audit log.")
        var reason: String?

        func parsed() throws -> (InventoryName, SenderSlug) {
            (try ArgumentValues.domain(domain), try SenderSlug(parsing: slug, argument: "SLUG"))
        }
    }

    /// JSON result of approve/revoke.
    struct Approval: Encodable {
        var domain: InventoryName
        var sender: SenderSlug
        var approved: Bool
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a catalog sender for a domain.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var pair: Pair

        func run() throws {
            let (domain, slug) = try pair.parsed()
            try global.openInventory().approve(domain: domain, sender: slug, actor: global.actorName, now: global.now,
                                               reason: pair.reason)
            try global.emit(Approval(domain: domain, sender: slug, approved: true)) { "approved \(slug) for \(domain)" }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a sender's approval for a domain.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var pair: Pair

        func run() throws {
            let (domain, slug) = try pair.parsed()
            try global.openInventory().revoke(domain: domain, sender: slug, actor: global.actorName, now: global.now,
                                              reason: pair.reason)
            try global.emit(Approval(domain: domain, sender: slug, approved: false)) { "revoked \(slug) for \(domain)" }
        }
    }
}
