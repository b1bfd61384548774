import ArgumentParser
import Foundation

/// The release this binary is, printed by `herald --version`. Raised with each release.
let heraldVersion = "0.4.0"

/// `herald`: the operator's command line. Subcommands live one group per file; the
/// inventory commands are listed here, the lead's (`build`, `records`, `zone`, `serve`) in
/// `LeadCommands.swift`. Errors are mapped to exit codes in one place (``HeraldExit``).
@main
struct HeraldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Hosted DMARC, SPF, MTA-STS and TLS-RPT records for customer domains.",
        version: heraldVersion,
        subcommands: inventorySubcommands + leadSubcommands + certificateSubcommands + reportSubcommands)

    /// The inventory-facing commands.
    static var inventorySubcommands: [ParsableCommand.Type] {
        [InitCommand.self, DomainCommand.self, SenderCommand.self, RangeCommand.self, DMARCCommand.self,
         MTASTSCommand.self, AuditCommand.self, SPFCommand.self]
    }

    /// Parses, runs, and maps any error to a message on standard error and an exit status.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if let status = HeraldExit.status(for: error) {
                FileHandle.standardError.write(Data("herald: error: \(error)\n".utf8))
                Foundation.exit(status)
            }
            exit(withError: error)
        }
    }
}
