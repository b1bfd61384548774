import ArgumentParser

/// `herald spf …`: the hosted SPF record's publish gate (RECORDS.md "SPF" Safety).
struct SPFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spf", abstract: "Inspect and confirm hosted SPF builds.",
        subcommands: [SPFAcceptCommand.self, SPFExplainCommand.self])
}
