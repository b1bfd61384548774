import Inventory

/// A domain as `herald domain show` prints it, and its JSON shape.
struct DomainView: Encodable {
    /// A record the customer publishes once in their own zone (RECORDS.md table).
    struct CustomerRecord: Encodable {
        var owner: String
        var type: String
        var value: String
    }

    var domain: HostedDomain
    var unicode: String?
    var senders: [String]
    var ranges: [DomainRange]
    var hostedNames: HostedNames
    var customerRecords: [CustomerRecord]
    var published: PublishedState?

    enum CodingKeys: String, CodingKey {
        case domain, unicode, senders, ranges, hostedNames = "hosted_names", customerRecords = "customer_records", published
    }

    init(_ entry: InventorySnapshot.Entry) {
        let d = entry.domain.name.text
        let names = entry.hostedNames
        domain = entry.domain
        unicode = entry.domain.name.isInternationalized ? entry.domain.name.unicode : nil
        senders = entry.senders.map(\.slug.text)
        ranges = entry.ranges
        hostedNames = names
        published = entry.published
        var records = [
            CustomerRecord(owner: "_dmarc.\(d).", type: "CNAME", value: "\(names.dmarc)."),
            CustomerRecord(owner: "\(d).", type: "TXT", value: "\"v=spf1 include:\(names.spf) -all\""),
            CustomerRecord(owner: "_smtp._tls.\(d).", type: "CNAME", value: "\(names.tlsrpt)."),
        ]
        if entry.domain.mtaSTSMode != nil {
            records.append(CustomerRecord(owner: "_mta-sts.\(d).", type: "CNAME", value: "\(names.mtaSTS)."))
            records.append(CustomerRecord(owner: "mta-sts.\(d).", type: "CNAME", value: "\(names.policyHost)."))
        }
        customerRecords = records
    }

    /// `ok 2026-…`, `STALE: error`, or `never built`.
    static func publishedSummary(_ state: PublishedState?) -> String {
        guard let state else { return "never built" }
        if state.stale { return "STALE (\(state.lastError ?? "error"))" }
        return state.builtAt.map { "ok \(Output.time($0))" } ?? "never built"
    }

    /// Prints domain `name` (JSON or text), with an optional heading line (`added`).
    static func show(_ name: InventoryName, inventory: Inventory, global: GlobalOptions, heading: String?) throws {
        let view = DomainView(try inventory.entry(name))
        try global.emit(view) { view.text(heading: heading) }
    }

    func text(heading: String?) -> String {
        let d = domain
        var pairs: [(String, String)] = [
            ("domain", d.name.text + (unicode.map { " (\($0))" } ?? "")),
            ("dmarc stage", "\(d.stage.rawValue) since \(Output.time(d.stageSince))"),
        ]
        func add(_ key: String, _ value: String?) { if let value { pairs.append((key, value)) } }
        add("sp", d.subdomainPolicy?.rawValue)
        add("np", d.nonexistentPolicy?.rawValue)
        add("adkim", d.adkim?.rawValue)
        add("aspf", d.aspf?.rawValue)
        add("rua (extra)", d.extraRUA?.description)
        add("ruf", d.ruf?.description)
        add("spf mode", d.spfMode.rawValue)
        add("spf all", d.spfAll.rawValue + "all")
        add("senders", senders.joined(separator: " ").ifEmpty("-"))
        add("ranges", ranges.map { $0.cidr.description + ($0.note.map { " (\($0))" } ?? "") }.joined(separator: ", ").ifEmpty("-"))
        add("mta-sts", d.mtaSTSMode.map { "\($0.rawValue), max_age \(d.effectiveMaxAge ?? 0)" } ?? "not hosted")
        add("mx patterns", d.mxPatterns.map(\.text).joined(separator: " ").ifEmpty("-"))
        add("tlsrpt rua (extra)", d.tlsrptRUA?.description)
        add("published", Self.publishedSummary(published))
        add("held build", published?.held.map { "since \(Output.time($0.heldAt)): " + $0.reasons.joined(separator: "; ") + " ('herald spf accept \(d.name.text)')" })
        var out = heading.map { "\($0) \(d.name.text)\n" } ?? ""
        out += Output.fields(pairs)
        out += "\n\nthe customer publishes:\n"
        out += Output.table(["OWNER", "TYPE", "VALUE"], customerRecords.map { [$0.owner, $0.type, $0.value] })
        if let records = published?.records, !records.isEmpty {
            out += "\n\nserved records (last good build):\n"
            out += Output.table(["OWNER", "TXT"], records.map { [$0.owner, $0.strings.map { "\"\($0)\"" }.joined(separator: " ")] })
        }
        return out
    }
}
