import ArgumentParser

extension HeraldCommand {
    /// Report commands (`reports …`, `dmarc readiness`), issue 6. Appended last.
    static var reportSubcommands: [ParsableCommand.Type] { [ReportsCommand.self] }
}
