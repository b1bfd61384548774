import ArgumentParser
import Foundation
import Inventory
import RecordBuilder
import ZonePublisher

/// `herald records DOMAIN`: what the customer publishes once, and what Herald serves for them.
struct RecordsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "Show the records a customer publishes and the hosted records Herald serves.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The customer domain.")
    var domain: String

    struct View: Encodable {
        struct Line: Encodable { var name: String; var type: String; var value: String; var purpose: String }
        var domain: String
        var customerPublishes: [Line]
        var hosted: [Line]
        var mtaSTSPolicy: String?
        var lastBuild: String?
        var lastError: String?
    }

    func run() async throws {
        let inventory = try global.openInventory()
        let name = try InventoryName(parsing: domain, argument: "DOMAIN")
        let entry = try inventory.entry(name)
        guard let settings = try inventory.settings() else { throw InventoryError.notInitialized }
        let snapshot = InventorySnapshot(settings: settings, generation: 0, entries: [entry])
        let current = await Publisher.currentRecords(snapshot)
        let (records, policies, warnings) = (current.records, current.policies, current.warnings)
        let d = name.text
        let h = settings.hostedZone.text
        let n = entry.hostedNames
        var customer = [
            View.Line(name: "_dmarc.\(d).", type: "CNAME", value: "\(n.dmarc).", purpose: "DMARC policy"),
            View.Line(name: "\(d).", type: "TXT", value: "\"v=spf1 include:\(n.spf) -all\"", purpose: "SPF (apex cannot be a CNAME; keep one v=spf1 record, RFC 7208 §3.2)"),
            View.Line(name: "_smtp._tls.\(d).", type: "CNAME", value: "\(n.tlsrpt).", purpose: "TLS-RPT"),
        ]
        if entry.domain.mtaSTSMode != nil {
            customer.append(View.Line(name: "_mta-sts.\(d).", type: "CNAME", value: "\(n.mtaSTS).", purpose: "MTA-STS announcement"))
            customer.append(View.Line(name: "mta-sts.\(d).", type: "CNAME", value: "mta-sts.\(h).", purpose: "MTA-STS policy host"))
        }
        let hosted = records.sorted { Self.rank($0.owner, n) < Self.rank($1.owner, n) }.map { View.Line(name: $0.owner + ".", type: "TXT", value: $0.strings.map { "\"\($0)\"" }.joined(separator: " "), purpose: Self.purpose($0.owner, n)) }
        let view = View(
            domain: d, customerPublishes: customer, hosted: hosted, mtaSTSPolicy: policies["mta-sts.\(d)"],
            lastBuild: entry.published?.builtAt.map { Output.time($0) },
            lastError: entry.published?.lastError ?? (entry.published?.records == nil ? "not built yet: run 'herald build' before the customer adds the SPF include" : nil))
        try global.emit(view) {
            var out = ["Customer publishes (once, in \(d)):"]
            out += customer.map { "  \($0.name)  \($0.type)  \($0.value)    ; \($0.purpose)" }
            out.append("")
            out.append("Herald serves:")
            out += hosted.map { "  \($0.name)  300  TXT  \($0.value)" }
            if let policy = view.mtaSTSPolicy {
                out.append("")
                out.append("https://mta-sts.\(d)/.well-known/mta-sts.txt:")
                out += policy.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 }
            }
            if let e = view.lastError { out.append(""); out.append("warning: \(e)") }
            for w in warnings { out.append("warning: \(w)") }
            return out.joined(separator: "\n")
        }
    }

    /// Display order: DMARC, report authorization, SPF top then links in order, MTA-STS, TLS-RPT.
    static func rank(_ owner: String, _ n: HostedNames) -> (Int, Int) {
        if owner == n.dmarc { return (0, 0) }
        if owner.contains("._report._dmarc.") { return (1, 0) }
        if owner == n.spf { return (2, 0) }
        if owner.hasSuffix("." + n.spf), owner.hasPrefix("_"), let k = Int(owner.dropFirst().prefix { $0 != "." }) { return (2, k) }
        if owner == n.mtaSTS { return (3, 0) }
        if owner == n.tlsrpt { return (4, 0) }
        return (5, 0)
    }

    static func purpose(_ owner: String, _ n: HostedNames) -> String {
        if owner == n.dmarc { return "DMARC" }
        if owner == n.spf || owner.hasSuffix("." + n.spf) { return "SPF" }
        if owner == n.mtaSTS { return "MTA-STS id" }
        if owner == n.tlsrpt { return "TLS-RPT" }
        if owner.contains("._report._dmarc.") { return "DMARC report authorization" }
        return ""
    }
}
