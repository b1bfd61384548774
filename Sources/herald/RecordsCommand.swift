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

    @Flag(name: .long, help: ArgumentHelp(
        "Print the literal records a customer leaving hosting publishes in their own zone to keep the same policy."))
    var literal = false

    struct View: Encodable {
        struct Line: Encodable { var name: String; var type: String; var value: String; var purpose: String }
        var domain: String
        var customerPublishes: [Line]
        var hosted: [Line]
        var mtaSTSPolicy: String?
        var lastBuild: String?
        var lastError: String?
        var windDown: WindDown?
    }

    /// `--literal`: the customer's own records instead of CNAMEs into H.
    struct LiteralView: Encodable {
        struct Line: Encodable { var name: String; var type: String; var value: String }
        var domain: String
        var records: [Line]
        var mtaSTSPolicyURL: String?
        var mtaSTSPolicy: String?
        var steps: [String]
        var notes: [String]
        var warnings: [String]
    }

    func run() async throws {
        let inventory = try global.openInventory()
        let name = try InventoryName(parsing: domain, argument: "DOMAIN")
        let entry = try inventory.entry(name)
        guard let settings = try inventory.settings() else { throw InventoryError.notInitialized }
        if literal {
            try await printLiteral(entry, settings: settings)
            return
        }
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
            lastError: entry.published?.lastError ?? (entry.published?.records == nil ? "not built yet: run 'herald build' before the customer adds the SPF include" : nil),
            windDown: entry.windDown)
        try global.emit(view) {
            var out = ["Customer publishes (once, in \(d)):"]
            out += customer.map { "  \($0.name)  \($0.type)  \($0.value)    ; \($0.purpose)" }
            out.append("")
            out.append("Herald serves:")
            out += hosted.map { "  \($0.name)  300  TXT  \($0.value)" }
            if let authorization = hosted.first(where: { $0.name.contains("._report._dmarc.") }) {
                // Issue 6: RFC 7489 §7.1 external destination verification, explained.
                out.append("  ; \(authorization.name) authorises the operator's rua mailbox \(settings.dmarcMailbox) to receive "
                           + "\(d)'s aggregate reports (RFC 7489 §7.1: receivers check it before reporting to a mailbox outside \(d)); "
                           + "Herald serves it, the customer publishes nothing for it")
            }
            if let policy = view.mtaSTSPolicy {
                out.append("")
                out.append("https://mta-sts.\(d)/.well-known/mta-sts.txt:")
                out += policy.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 }
            }
            if let w = entry.windDown {
                out.append("")
                out.append("WINDING DOWN (removal \(Output.time(w.removeAt))); the customer's own records: 'herald records \(d) --literal'")
            }
            if let e = view.lastError { out.append(""); out.append("warning: \(e)") }
            for w in warnings { out.append("warning: \(w)") }
            return out.joined(separator: "\n")
        }
    }

    /// Prints the records the customer publishes in their own zone to keep the domain's own
    /// policy (not the wind-down's `mode: none`), the policy body to host, the order of steps.
    func printLiteral(_ entry: InventorySnapshot.Entry, settings: InventorySettings) async throws {
        var own = entry
        own.windDown = nil
        let current = await Publisher.currentRecords(InventorySnapshot(settings: settings, generation: 0, entries: [own]))
        let d = entry.domain.name.text
        let h = settings.hostedZone.text
        let unflattened = entry.senders.compactMap { $0.spfEntryPoint.map { "include:\($0.text)" } }
            + entry.ranges.map { ($0.cidr.description.contains(":") ? "ip6:" : "ip4:") + $0.cidr.description }
        let literal = CustomerZoneRecords(
            domain: d, hostedZone: h, reportZone: settings.reportZone.text, hosted: current.records,
            policy: try entry.domain.servedMTASTSPolicy(windDown: nil), customerAll: .fail, unflattenedTerms: unflattened)
        var steps = [
            "publish the TXT records above in \(d), removing the CNAMEs _dmarc.\(d), _smtp._tls.\(d), _mta-sts.\(d) "
                + "into \(h) (a name with a CNAME can hold no other record, RFC 1034 §3.6.2) and replacing the apex "
                + "\"v=spf1 include:\(entry.hostedNames.spf) -all\"",
        ]
        if literal.policyBody != nil {
            steps.insert("first host the MTA-STS policy above at https://mta-sts.\(d)/.well-known/mta-sts.txt with a "
                         + "certificate for mta-sts.\(d), replacing the CNAME mta-sts.\(d) -> mta-sts.\(h); only then "
                         + "change _mta-sts.\(d) (body before id, RFC 8461 §8.1)", at: 0)
        }
        steps.append("then remove the domain from hosting ('herald domain remove \(d)'); the hosted records stay "
                     + "served for the grace period, so resolvers' cached CNAMEs keep working")
        let view = LiteralView(
            domain: d,
            records: literal.records.map {
                LiteralView.Line(name: $0.owner + ".", type: "TXT", value: $0.strings.map { "\"\($0)\"" }.joined(separator: " "))
            },
            mtaSTSPolicyURL: literal.policyBody.map { _ in "https://mta-sts.\(d)/.well-known/mta-sts.txt" },
            mtaSTSPolicy: literal.policyBody, steps: steps.enumerated().map { "\($0.offset + 1). \($0.element)" },
            notes: literal.notes, warnings: current.warnings)
        try global.emit(view) {
            var out = ["Records to publish in \(d)'s own zone to keep the same policy without hosting:"]
            out += view.records.map { "  \($0.name)  \($0.type)  \($0.value)" }
            if let url = view.mtaSTSPolicyURL, let body = view.mtaSTSPolicy {
                out.append("")
                out.append("\(url) must serve (Content-Type: text/plain, CRLF line endings):")
                out += body.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 }
            }
            out.append("")
            out.append("Order:")
            out += view.steps.map { "  " + $0 }
            if !view.notes.isEmpty {
                out.append("")
                out.append("Notes:")
                out += view.notes.map { "  - " + $0 }
            }
            for w in view.warnings { out.append("warning: \(w)") }
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
