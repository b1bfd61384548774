import ArgumentParser
import Inventory

/// `herald range add|remove|list`.
struct RangeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "range", abstract: "A customer's own sending ranges, added to its SPF record.",
        subcommands: [Add.self, Remove.self, List.self])

    /// JSON result of add/remove.
    struct Change: Encodable {
        var domain: InventoryName
        var cidr: InventoryCIDR
        var note: String?
        var present: Bool
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a range. Host bits must be clear (192.0.2.0/24, not 192.0.2.7/24).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @Argument(help: ArgumentHelp("Network in CIDR notation, or a single address.", valueName: "CIDR"))
        var cidr: String
        @Option(name: .long, help: "A note for people.")
        var note: String?

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            let block = try InventoryCIDR(parsing: cidr, argument: "CIDR")
            try global.openInventory().addRange(domain: name, cidr: block, note: note, actor: global.actorName, now: global.now)
            try global.emit(Change(domain: name, cidr: block, note: note, present: true)) { "added \(block) to \(name)" }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a range.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @Argument(help: ArgumentHelp("The range as listed.", valueName: "CIDR"))
        var cidr: String
        @Option(name: .long, help: "Why, for the audit log.")
        var reason: String?

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            let block = try InventoryCIDR(parsing: cidr, argument: "CIDR")
            try global.openInventory().removeRange(domain: name, cidr: block, actor: global.actorName, now: global.now,
                                                   reason: reason)
            try global.emit(Change(domain: name, cidr: block, note: nil, present: false)) { "removed \(block) from \(name)" }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a domain's ranges.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String

        func run() throws {
            let ranges = try global.openInventory().ranges(try ArgumentValues.domain(domain))
            try global.emit(ranges) {
                Output.table(["CIDR", "ADDED", "NOTE"], ranges.map { [$0.cidr.description, Output.time($0.addedAt), $0.note ?? ""] })
            }
        }
    }
}
