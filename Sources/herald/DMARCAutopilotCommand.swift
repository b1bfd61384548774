import ArgumentParser
import Inventory
import Reports

extension DMARCCommand {
    /// `herald dmarc autopilot D on|off [--gate-pass-rate S] [--min-messages N] [--rollback-pass-rate S]`.
    struct Autopilot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let herald serve advance the domain on evidence and roll it back when approved senders fail.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @Argument(help: ArgumentHelp("on or off.", valueName: "on|off"))
        var state: String
        @Option(name: .long, help: ArgumentHelp("This domain's gate pass rate (default: reports settings).", valueName: "SHARE"))
        var gatePassRate: Double?
        @Option(name: .long, help: ArgumentHelp("This domain's minimum volume.", valueName: "N"))
        var minMessages: Int64?
        @Option(name: .long, help: ArgumentHelp("This domain's rollback pass rate.", valueName: "SHARE"))
        var rollbackPassRate: Double?
        @Option(name: .long, help: "Why, for the audit log.")
        var reason: String?

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            guard ["on", "off"].contains(state) else {
                throw InventoryError.invalidValue(argument: "on|off", value: state, reason: "expected 'on' or 'off'")
            }
            let store = ReportSettingsStore(inventory: try global.openInventory())
            var options = DomainReportOptions()
            try ReportsCommand.mapped {
                var current = try store.options(name)
                current.autopilot = state == "on"
                if let gatePassRate { current.gatePassRate = gatePassRate }
                if let minMessages { current.gateMinMessages = minMessages }
                if let rollbackPassRate { current.rollbackPassRate = rollbackPassRate }
                options = try store.setOptions(name, current, actor: global.actorName, now: global.now, reason: reason)
            }
            try global.emit(options) {
                "\(name): autopilot \(options.autopilot ? "on" : "off")"
                    + (options.gatePassRate.map { ", gate pass rate \($0)" } ?? "")
                    + (options.gateMinMessages.map { ", min messages \($0)" } ?? "")
                    + (options.rollbackPassRate.map { ", rollback pass rate \($0)" } ?? "")
            }
        }
    }
}
