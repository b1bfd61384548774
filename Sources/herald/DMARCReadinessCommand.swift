import ArgumentParser
import Foundation
import Inventory
import RecordBuilder
import Reports

extension DMARCCommand {
    /// `herald dmarc readiness D [--window DAYS] [--json]`: what blocks the next stage, from
    /// the ingested reports; MTA-STS readiness from TLS reports in the same screen.
    struct Readiness: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain what blocks the next stage: per-sender DMARC evidence, the gate, MTA-STS from TLS reports.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
        var domain: String
        @Option(name: .long, help: ArgumentHelp("Window in days (default: the reports setting, 14).", valueName: "DAYS"))
        var window: Int?

        func run() throws {
            let name = try ArgumentValues.domain(domain)
            let inventory = try global.openInventory()
            var result: DomainReadiness?
            try ReportsCommand.mapped {
                result = try ReadinessAnalyzer(inventory: inventory).readiness(name, now: global.now, windowDays: window)
            }
            guard let r = result else { return }
            try global.emit(r) { Self.render(r) }
        }

        static func percent(_ share: Double) -> String {
            share >= 1 ? "100 %" : String(format: "%.1f %%", (share * 1000).rounded(.down) / 10)
        }

        static func count(_ value: Int64) -> String {
            let formatter = NumberFormatter()
            formatter.numberStyle = .decimal
            formatter.groupingSeparator = ","
            formatter.usesGroupingSeparator = true
            return formatter.string(from: NSNumber(value: value)) ?? String(value)
        }

        static func render(_ r: DomainReadiness) -> String {
            var out: [String] = []
            let since = Output.time(r.stageSince)
            let next = r.nextStage.map { "next '\($0.rawValue)'" } ?? "top of the ladder"
            out.append("\(r.domain): stage '\(r.stage.rawValue)' since \(since); \(next)"
                       + (r.nextStage == nil ? "" : r.canAdvance ? " — ready to advance" : " — blocked"))
            out.append("window: last \(r.thresholds.windowDays) days, \(r.reports) aggregate report(s) from "
                       + "\(r.organisations) organisation(s), \(count(r.messages)) message(s)")
            out.append("gate: \(r.gate.summary)")
            out.append("")
            var rows = r.senders.map { s in
                [s.displayName, count(s.messages), s.messages > 0 ? percent(s.spfRate) : "-",
                 s.messages > 0 ? percent(s.dkimRate) : "-", s.messages > 0 ? percent(s.passRate) : "-"]
            }
            if r.unknown.messages > 0 {
                rows.append(["unknown sources (\(r.unknown.sources))", count(r.unknown.messages), percent(r.unknown.spfRate),
                             percent(r.unknown.dkimRate), percent(r.unknown.passRate)])
            }
            out.append(Output.table(["sender", "messages", "SPF-aligned", "DKIM-aligned", "DMARC pass"], rows))
            let groups: [(ReadinessFinding.Severity, String)] = [(.blocker, "blocking:"), (.warning, "check:"), (.info, "notes:")]
            for (severity, title) in groups {
                let items = r.findings.filter { $0.severity == severity }
                guard !items.isEmpty else { continue }
                out.append("")
                out.append(title)
                out += items.map { "  " + $0.message }
            }
            out.append("")
            out.append("MTA-STS: " + r.tls.advice(domain: r.domain))
            out.append("autopilot: " + (r.thresholds.autopilot
                ? "on (advances at ≥ \(percent(r.thresholds.passRate)), rolls back below \(percent(r.thresholds.rollbackPassRate)))"
                : "off ('herald dmarc autopilot \(r.domain) on')"))
            return out.joined(separator: "\n")
        }
    }
}
