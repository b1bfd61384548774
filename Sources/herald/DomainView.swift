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
    var windDown: WindDown?
    var mxPlan: MXChangePlan?
    var mtaSTSPolicyID: String?

    enum CodingKeys: String, CodingKey {
        case domain, unicode, senders, ranges, hostedNames = "hosted_names", customerRecords = "customer_records", published
        case windDown = "wind_down", mxPlan = "mx_plan", mtaSTSPolicyID = "mta_sts_policy_id"
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
        windDown = entry.windDown
        mxPlan = entry.mxPlan
        mtaSTSPolicyID = (try? entry.domain.servedMTASTSPolicy(windDown: entry.windDown))?.id
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

    /// `active`, `winding down: removal …`, or `mx change: removal …` (the list's STATE column).
    static func stateSummary(_ entry: InventorySnapshot.Entry) -> String {
        if let w = entry.windDown {
            return "winding down: " + (w.servesMTASTS ? "mta-sts none until \(Output.time(w.mtaSTSUntil ?? w.startedAt)), " : "")
                + "removal \(Output.time(w.removeAt))"
        }
        if let p = entry.mxPlan { return "mx change: remove \(p.removed.map(\.text).joined(separator: " ")) \(Output.time(p.removeAfter))" }
        return "active"
    }

    /// The dates of a wind-down as `key: value` pairs.
    static func windDownFields(_ w: WindDown) -> [(String, String)] {
        var pairs: [(String, String)] = [("started", "\(Output.time(w.startedAt)) by \(w.actor)" + (w.reason.map { " (\($0))" } ?? ""))]
        if let until = w.mtaSTSUntil {
            if let withdrawn = w.mtaSTSWithdrawnAt {
                pairs.append(("mta-sts", "withdrawn \(Output.time(withdrawn))"))
            } else {
                pairs.append(("mta-sts", "mode none (new id) until \(Output.time(until)), when cached policies have expired (RFC 8461 §8.3)"))
            }
        } else {
            pairs.append(("mta-sts", "never hosted"))
        }
        pairs.append(("dmarc/spf/tls-rpt", "served until \(Output.time(w.recordsUntil)) (grace \(w.graceDays) day(s))"))
        pairs.append(("removal", Output.time(w.removeAt)))
        return pairs
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
        add("mta-sts id", mtaSTSPolicyID.map { $0 + (windDown != nil ? " (wind-down: mode none)" : "") })
        if let p = mxPlan {
            add("mx change", "remove \(p.removed.map(\.text).joined(separator: " ")) at \(Output.time(p.removeAfter)) "
                + "(planned \(Output.time(p.plannedAt)); switch MX after \(Output.time(p.switchMXAfter)))")
        }
        add("tlsrpt rua (extra)", d.tlsrptRUAs.isEmpty ? nil : d.tlsrptRUAs.map(\.description).joined(separator: ","))
        add("published", Self.publishedSummary(published))
        add("held build", published?.held.map { "since \(Output.time($0.heldAt)): " + $0.reasons.joined(separator: "; ") + " ('herald spf accept \(d.name.text)')" })
        if let w = windDown {
            pairs.append(("state", "WINDING DOWN"))
            pairs += Self.windDownFields(w).map { ("  " + $0.0, $0.1) }
        }
        var out = heading.map { "\($0) \(d.name.text)\n" } ?? ""
        out += Output.fields(pairs)
        out += "\n\nthe customer publishes:\n"
        out += Output.table(["OWNER", "TYPE", "VALUE"], customerRecords.map { [$0.owner, $0.type, $0.value] })
        // Only SPF comes from the last good build; DMARC, MTA-STS and TLS-RPT are generated from
        // the settings above at every reload, so the build's copy of them may be out of date.
        func bare(_ name: String) -> String { String(name.lowercased().drop(while: { $0 == "." }).reversed().drop(while: { $0 == "." }).reversed()) }
        let spfOwner = bare(hostedNames.spf)
        let spfRecords = (published?.records ?? []).filter { r in
            let owner = bare(r.owner)
            return owner == spfOwner || owner.hasSuffix("." + spfOwner)
        }
        if !spfRecords.isEmpty {
            out += "\n\nSPF records served (last good build):\n"
            out += Output.table(["OWNER", "TXT"], spfRecords.map { [$0.owner, $0.strings.map { "\"\($0)\"" }.joined(separator: " ")] })
        }
        out += "\n\nDMARC, MTA-STS and TLS-RPT records follow the settings above; 'herald records \(d.name.text)' prints them as served."
        return out
    }
}
