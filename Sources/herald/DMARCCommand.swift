import ArgumentParser
import Inventory
import RecordBuilder
import Reports

/// `herald dmarc set|advance|rollback`: move a domain on the DMARC ladder.
struct DMARCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dmarc", abstract: "Move a domain along the DMARC ladder (monitor → … → reject).",
        subcommands: [Set.self, Advance.self, Rollback.self, Readiness.self, Autopilot.self])

    /// Options shared by the three commands.
    struct ChangeOptions: ParsableArguments {
        @Flag(name: .long, help: "Ignore the minimum dwell time (and allow skipping stages with 'set').")
        var force = false
        @Option(name: .long, help: "Why, for the audit log.")
        var reason: String?
    }

    static func report(_ transition: StageTransition, global: GlobalOptions) throws {
        try global.emit(transition) {
            "\(transition.domain): \(transition.from.rawValue) → \(transition.to.rawValue)" + (transition.forced ? " (forced)" : "")
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the stage: " + DMARCStage.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @Argument(help: ArgumentHelp("The target stage.", valueName: "STAGE"))
        var stage: String
        @OptionGroup var options: ChangeOptions

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            let target = try ArgumentValues.choice(stage, "STAGE", DMARCStage.self)
            let transition = try global.openInventory().setStage(
                name, to: target, force: options.force, reason: options.reason, actor: global.actorName, now: global.now,
                gate: ReadinessAnalyzer.stageGate)
            try DMARCCommand.report(transition, global: global)
        }
    }

    struct Advance: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move one stage up, once the dwell time has passed.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @OptionGroup var options: ChangeOptions

        func run() throws {
            let transition = try global.openInventory().advance(
                try ArgumentValues.domain(domain), force: options.force, reason: options.reason,
                actor: global.actorName, now: global.now, gate: ReadinessAnalyzer.stageGate)
            try DMARCCommand.report(transition, global: global)
        }
    }

    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move one stage down (always allowed).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @OptionGroup var options: ChangeOptions

        func run() throws {
            let transition = try global.openInventory().rollback(
                try ArgumentValues.domain(domain), reason: options.reason, actor: global.actorName, now: global.now)
            try DMARCCommand.report(transition, global: global)
        }
    }
}
