import ArgumentParser

extension HeraldCommand {
    /// Certificate commands (`certs …`), issue 5. Appended after the lead's commands.
    static var certificateSubcommands: [ParsableCommand.Type] { [CertsCommand.self] }
}
