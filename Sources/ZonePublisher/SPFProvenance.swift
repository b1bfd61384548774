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
    /// The upstream records read, per sender slug (name → record text).
    public var records: [String: [String: String]]

    /// No ranges, no kept includes (a build stored before provenance was recorded).
    public static let empty = SPFProvenance(ranges: [], keptIncludes: [:], records: [:])

    public init(ranges: [SPFRangeOrigin], keptIncludes: [String: [String]], records: [String: [String: String]]) {
        self.ranges = ranges
        self.keptIncludes = keptIncludes
        self.records = records
    }

    /// Derives provenance from a build and the flattenings of its senders.
    /// - Parameters:
    ///   - build: the domain's build.
    ///   - flattenings: the flattener run's result per sender slug.
    public init(build: DomainBuild, flattenings: [String: SPFFlattening]) {
        var kept: [String: [String]] = [:]
        var records: [String: [String: String]] = [:]
        for s in build.report.senders {
            if s.keptAsInclude { kept[s.slug] = s.keptReasons }
            if let f = flattenings[s.slug] { records[s.slug] = f.records }
        }
        ranges = build.report.provenance.map { p in
            let piece = AddressSet([p.network])
            var upstream: [String] = []
            for slug in p.sources where slug != "own" {
                for (name, text) in (records[slug] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    var hostTerms: [String] = []
                    var matched = false
                    for token in text.split(separator: " ") {
                        let term = token.drop { "+".contains($0) }
                        if term.hasPrefix("ip4:") || term.hasPrefix("ip6:") {
                            if let net = try? IPNetwork.parse(String(term.dropFirst(4))),
                               !AddressSet([net]).intersection(piece).isEmpty {
                                upstream.append("\(name): \(term)")
                                matched = true
                            }
                        } else if term == "a" || term == "mx" || term.hasPrefix("a:") || term.hasPrefix("a/")
                                    || term.hasPrefix("mx:") || term.hasPrefix("mx/") {
                            hostTerms.append("\(name): \(term)")
                        }
                    }
                    if !matched { upstream += hostTerms }
                }
            }
            if p.sources.contains("own") { upstream.append("own range") }
            return SPFRangeOrigin(network: p.network.description, sources: p.sources, upstream: upstream)
        }
        keptIncludes = kept
        self.records = records
    }
}
