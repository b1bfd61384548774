import ArgumentParser

extension HeraldCommand {
    /// LEAD: add `BuildCommand.self`, `RecordsCommand.self`, `ZoneCommand.self`,
    /// `ServeCommand.self` here (each in its own file). They are appended after the inventory
    /// commands in `herald --help`.
    static var leadSubcommands: [ParsableCommand.Type] {
        [BuildCommand.self, RecordsCommand.self, ZoneCommand.self, ServeCommand.self]
    }
}
