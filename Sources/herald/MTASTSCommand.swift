import ArgumentParser
import Inventory
import RecordBuilder

/// `herald mta-sts set DOMAIN --mode testing|enforce|none [--max-age S] [--mx P…]`.
struct MTASTSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mta-sts", abstract: "Host an MTA-STS policy for a domain (RFC 8461).", subcommands: [Set.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the policy mode; 'none' withdraws it (served for max_age before removal).")
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
        @Option(name: .long, help: "Why, for the audit log.")
        var reason: String?

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            let mode = try ArgumentValues.choice(self.mode, "--mode", MTASTSMode.self)
            var maxAgeChange = FieldChange<Int>.unchanged
            if let maxAge {
                guard let seconds = Int(maxAge), maxAge.allSatisfy(\.isNumber), (0...31_557_600).contains(seconds) else {
                    throw InventoryError.invalidValue(argument: "--max-age", value: maxAge,
                                                      reason: "max_age must be 0 to 31557600 seconds (RFC 8461 §3.2)")
                }
                maxAgeChange = .set(seconds)
            }
            let patterns = mx.isEmpty ? nil : try mx.map { try MXPattern(parsing: $0, argument: "--mx") }
            let domain = try global.openInventory().setMTASTS(
                name, mode: mode, maxAge: maxAgeChange, mxPatterns: patterns, actor: global.actorName, now: global.now,
                reason: reason)
            try global.emit(domain) {
                "\(name): MTA-STS \(mode.rawValue), max_age \(domain.effectiveMaxAge ?? 0), mx "
                    + domain.mxPatterns.map(\.text).joined(separator: " ").ifEmpty("-")
            }
        }
    }
}
