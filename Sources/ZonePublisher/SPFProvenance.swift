import Inventory
import RecordBuilder

/// Where one published SPF network came from (RECORDS.md "Provenance"; `herald spf explain`).
public struct SPFRangeOrigin: Sendable, Codable, Equatable {
    /// The published network in CIDR form (`64.233.160.0/19`).
    public var network: String
    /// Approved sender slugs whose pass set overlaps it, and `own` for the domain's own ranges.
    public var sources: [String]
    /// Upstream records and the terms in them that authorise part of it
    /// (`_netblocks.google.com: ip4:64.233.160.0/19`).
    public var upstream: [String]
}

/// Provenance of a domain's published SPF, stored with each build as JSON.
public struct SPFProvenance: Sendable, Codable, Equatable {
    /// One entry per published network, in record order.
    public var ranges: [SPFRangeOrigin]
    /// Senders kept as `include:` (not flattened) and why.
    public var keptIncludes: [String: [String]]

    /// No ranges, no kept includes (a build stored before provenance was recorded).
    public static let empty = SPFProvenance(ranges: [], keptIncludes: [:])

    public init(ranges: [SPFRangeOrigin], keptIncludes: [String: [String]]) {
        self.ranges = ranges
        self.keptIncludes = keptIncludes
    }

    /// Derives provenance from a build and the term index of each of its senders.
    /// - Parameters:
    ///   - build: the domain's build.
    ///   - terms: per sender slug, that sender's upstream terms (shared across domains).
    public init(build: DomainBuild, terms: [String: SenderTermIndex]) {
        var kept: [String: [String]] = [:]
        for s in build.report.senders where s.keptAsInclude { kept[s.slug] = s.keptReasons }
        ranges = build.report.provenance.map { p in
            let span = SenderTermIndex.Span(p.network)
            var upstream: [String] = []
            for slug in p.sources where slug != "own" {
                upstream += terms[slug]?.origins(of: span) ?? []
            }
            if p.sources.contains("own") { upstream.append("own range") }
            return SPFRangeOrigin(network: p.network.description, sources: p.sources, upstream: upstream)
        }
        keptIncludes = kept
    }
}

extension SPFProvenance {
    /// The stored JSON form: `{"keptIncludes":{…},"ranges":[{"network":…,"sources":[…],"upstream":[…]}]}`
    /// with sorted keys, the same text `JSONEncoder` with `.sortedKeys` writes, at a fraction of
    /// its cost (a build stores one per domain; 10,000 domains per refresh).
    public var jsonText: String {
        var out = "{\"keptIncludes\":{"
        for (i, (slug, reasons)) in keptIncludes.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out += "," }
            Self.append(slug, to: &out)
            out += ":"
            Self.append(reasons, to: &out)
        }
        out += "},\"ranges\":["
        for (i, r) in ranges.enumerated() {
            if i > 0 { out += "," }
            out += "{\"network\":"
            Self.append(r.network, to: &out)
            out += ",\"sources\":"
            Self.append(r.sources, to: &out)
            out += ",\"upstream\":"
            Self.append(r.upstream, to: &out)
            out += "}"
        }
        out += "]}"
        return out
    }

    static func append(_ strings: [String], to out: inout String) {
        out += "["
        for (i, s) in strings.enumerated() {
            if i > 0 { out += "," }
            append(s, to: &out)
        }
        out += "]"
    }

    static func append(_ string: String, to out: inout String) {
        JSONText.appendString(string, to: &out)
    }
}

/// One sender's upstream SPF terms as integer spans, built once per build run and shared by
/// every domain approving that sender (provenance must not cost per-domain parsing).
public struct SenderTermIndex: Sendable {
    /// An address span; IPv4 spans live in the low 32 bits with `v6 == false`.
    struct Span: Sendable {
        var v6: Bool, lower: UInt128, upper: UInt128
        init(v6: Bool, lower: UInt128, upper: UInt128) { self.v6 = v6; self.lower = lower; self.upper = upper }
        init(_ network: IPNetwork) {
            switch network {
            case .v4(let b): self.init(v6: false, lower: UInt128(b.first), upper: UInt128(b.last))
            case .v6(let b): self.init(v6: true, lower: b.first, upper: b.last)
            }
        }
        func overlaps(_ o: Span) -> Bool { v6 == o.v6 && lower <= o.upper && o.lower <= upper }
    }

    /// Upstream record texts by name.
    public let records: [String: String]
    /// `ip4:`/`ip6:` pass terms with their spans, labelled `name: term`.
    let addressTerms: [(span: Span, label: String)]
    /// Per record name, its `a`/`mx` terms (addresses only known from resolution).
    let hostTerms: [String: [String]]

    /// Indexes the records of one sender's flattening.
    public init(flattening: SPFFlattening) {
        records = flattening.records
        var address: [(Span, String)] = []
        var hosts: [String: [String]] = [:]
        for (name, text) in flattening.records.sorted(by: { $0.key < $1.key }) {
            for token in text.split(separator: " ") {
                guard !token.hasPrefix("-"), !token.hasPrefix("~"), !token.hasPrefix("?") else { continue }
                let term = token.hasPrefix("+") ? token.dropFirst() : token
                if term.hasPrefix("ip4:") || term.hasPrefix("ip6:") {
                    if let net = try? IPNetwork.parse(String(term.dropFirst(4))) {
                        address.append((Span(net), "\(name): \(term)"))
                    }
                } else if term == "a" || term == "mx" || term.hasPrefix("a:") || term.hasPrefix("a/")
                            || term.hasPrefix("mx:") || term.hasPrefix("mx/") {
                    hosts[name, default: []].append("\(name): \(term)")
                }
            }
        }
        addressTerms = address
        hostTerms = hosts
    }

    /// The terms that authorise part of `span`: overlapping `ip4`/`ip6` terms, else the
    /// records' `a`/`mx` terms (whose addresses are resolved at build time).
    func origins(of span: Span) -> [String] {
        let hits = addressTerms.filter { $0.span.overlaps(span) }.map(\.label)
        if !hits.isEmpty { return hits }
        return hostTerms.keys.sorted().flatMap { hostTerms[$0]! }
    }
}
