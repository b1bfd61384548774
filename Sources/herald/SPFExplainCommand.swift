import ArgumentParser
import Foundation
import Inventory
import RecordBuilder
import ZonePublisher

/// `herald spf explain DOMAIN [--address IP]`: where every published range came from, and for
/// one address the verdict a receiver reaches through `include:D._spf.H` and why
/// (RECORDS.md "Provenance"; RFC 7208 §4.6.2, §5.2).
struct SPFExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show which sender and upstream record every published SPF range came from.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The customer domain.", valueName: "DOMAIN"))
    var domain: String

    @Option(name: .long, help: ArgumentHelp("Explain the verdict for this address.", valueName: "IP"))
    var address: String?

    struct Verdict: Encodable {
        var address: String
        /// `pass` when a published range holds it; otherwise what the hosted record's `all` gives,
        /// unless a kept include may still pass it.
        var result: String
        var why: String
        var matches: [SPFRangeOrigin]
        var keptIncludes: [String: [String]]
    }

    struct View: Encodable {
        var domain: String
        var mode: String
        var builtAt: Int64?
        var lookups: Int?
        var voidLookups: Int?
        var ranges: [SPFRangeOrigin]
        var keptIncludes: [String: [String]]
        var held: [String]?
        var verdict: Verdict?
    }

    func run() throws {
        let inventory = try global.openInventory()
        let name = try InventoryName(parsing: domain, argument: "DOMAIN")
        let entry = try inventory.entry(name)
        guard let published = entry.published, published.records != nil else {
            // Not bad input: the domain exists but has nothing built to explain yet.
            throw InventoryError.conflict(subject: name.text,
                                          reason: "no SPF build has been published yet; run 'herald build' first")
        }
        var provenance = SPFProvenance.empty
        if let text = published.provenance {
            do { provenance = try JSONDecoder().decode(SPFProvenance.self, from: Data(text.utf8)) } catch {
                throw InventoryError.invalidValue(argument: "DOMAIN", value: name.text, reason: "stored provenance unreadable: \(error)")
            }
        }
        var verdict: Verdict? = nil
        if let address {
            let ip: AnyIPAddress
            do { ip = try AnyIPAddress.parse(address) } catch {
                throw InventoryError.invalidValue(argument: "--address", value: address, reason: "not an IPv4 or IPv6 address")
            }
            let matches = provenance.ranges.filter { (try? IPNetwork.parse($0.network).contains(ip)) == true }
            let all = entry.domain.spfAll
            if !matches.isEmpty {
                verdict = Verdict(address: ip.description, result: "pass",
                                  why: "in \(matches.map(\.network).joined(separator: ", ")) from \(Set(matches.flatMap(\.sources)).sorted().joined(separator: ", "))",
                                  matches: matches, keptIncludes: [:])
            } else if !provenance.keptIncludes.isEmpty {
                verdict = Verdict(address: ip.description, result: "depends on kept include(s)",
                                  why: "not in any flattened range; the receiver then evaluates the kept include(s) with the sender's address, and without a match reaches \(all.rawValue)all",
                                  matches: [], keptIncludes: provenance.keptIncludes)
            } else {
                let result = ["-": "fail", "~": "softfail", "?": "neutral", "+": "pass"][all.rawValue] ?? all.rawValue
                verdict = Verdict(address: ip.description, result: "no match (\(result) at \(all.rawValue)all; through the customer's include this is 'not matched', RFC 7208 §5.2)",
                                  why: "not in any published range and no sender is kept as include",
                                  matches: [], keptIncludes: [:])
            }
        }
        let view = View(domain: name.text, mode: entry.domain.spfMode.rawValue, builtAt: published.builtAt,
                        lookups: published.lookups, voidLookups: published.voidLookups, ranges: provenance.ranges,
                        keptIncludes: provenance.keptIncludes, held: published.held?.reasons, verdict: verdict)
        try global.emit(view) {
            var out: [String] = []
            if let v = verdict {
                out.append("\(v.address): \(v.result)")
                out.append("  \(v.why)")
                for m in v.matches { out += m.upstream.map { "  via \($0)" } }
                for (slug, why) in v.keptIncludes.sorted(by: { $0.key < $1.key }) {
                    out.append("  kept include \(slug): \(why.joined(separator: "; "))")
                }
                return out.joined(separator: "\n")
            }
            out.append("\(name.text) (\(view.mode) mode), built \(view.builtAt.map { Output.time($0) } ?? "-"), lookups \(view.lookups.map(String.init) ?? "-")/10, void lookups \(view.voidLookups.map(String.init) ?? "-")/2")
            var rows = view.ranges.map { [$0.network, $0.sources.joined(separator: ","), $0.upstream.joined(separator: "; ")] }
            for (slug, why) in view.keptIncludes.sorted(by: { $0.key < $1.key }) {
                rows.append(["(include)", slug, why.joined(separator: "; ")])
            }
            out.append(Output.table(["RANGE", "SENDERS", "FROM"], rows))
            if let held = view.held { out.append("held build waiting for 'herald spf accept': " + held.joined(separator: "; ")) }
            return out.joined(separator: "\n")
        }
    }
}
