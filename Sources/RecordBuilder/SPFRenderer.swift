/// An `include:` kept unflattened in the hosted record, with the lookups behind it.
public struct SPFKeptInclude: Hashable, Sendable {
    /// The included name, lowercase, no trailing dot.
    public var name: String
    /// DNS-querying terms inside the included tree (not counting the include itself).
    public var lookups: Int

    /// Creates a kept include.
    public init(name: String, lookups: Int) {
        self.name = normalizedDomain(name)
        self.lookups = lookups
    }
}

/// The hosted SPF records for one customer domain and what they cost a receiver.
public struct SPFRendering: Hashable, Sendable {
    /// `D._spf.H` first, then `_1.D._spf.H`, `_2.D._spf.H`, … in chain order.
    public let records: [HostedTXT]
    /// DNS lookups a receiver spends, counting the customer's own `include:D._spf.H` (§4.6.4).
    public let lookups: Int
}

/// Renders pass sets into hosted SPF records (RECORDS.md "SPF"; RFC 7208 §3.3, §3.4, §4.6.4).
///
/// Output is canonical: `v=spf1`, the `ip4:` terms in numeric order, then `ip6:`, then kept
/// `include:`s (sorted), then the chain `include:_N.D._spf.H`, then the `all` term on the top
/// record only. `/32` and `/128` are omitted. Each record's RDATA is at most ``maxRDATA`` octets
/// so a non-EDNS answer fits in 512 octets (§3.4); character-strings are at most 255 octets and
/// split only between terms (§3.3).
public enum SPFRenderer {
    /// The RDATA limit per record, in octets (RECORDS.md: 450 so an answer fits in 512).
    public static let maxRDATA = 450

    /// The largest RDATA, in octets, for a TXT record at `owner` so that a non-EDNS UDP answer
    /// to a query for it fits in 512 octets (RFC 7208 §3.4, RFC 1035 §4.2.1): header 12 +
    /// question (name + 4) + answer (compressed owner 2 + 10 fixed + RDATA), capped at `maxRDATA`.
    /// For owners longer than 34 octets on the wire this is below 450 (C09).
    public static func rdataLimit(owner: String, maxRDATA: Int = SPFRenderer.maxRDATA) -> Int {
        let ownerWire = owner.utf8.count + 2
        return min(maxRDATA, 512 - 12 - (ownerWire + 4) - 12)
    }

    /// The hosted SPF owner for `domain` in `hostedZone`: `D._spf.H`.
    public static func owner(domain: String, hostedZone: String) -> String {
        "\(normalizedDomain(domain))._spf.\(normalizedDomain(hostedZone))"
    }

    /// Renders the hosted SPF records.
    /// - Parameters:
    ///   - domain: the customer domain `D`.
    ///   - hostedZone: the operator's hosted zone `H`.
    ///   - pass: every address to authorise (union of flattened pass sets and own ranges).
    ///   - keptIncludes: senders kept as `include:` with their own lookup counts.
    ///   - all: the qualifier of the top record's `all` (not `+`).
    ///   - maxRDATA: RDATA limit per record in octets; `nil` (the default) uses
    ///     ``rdataLimit(owner:maxRDATA:)`` for each record's owner, so every non-EDNS answer fits
    ///     in 512 octets (C09).
    /// - Throws: ``SPFRenderError`` for `+all`, too many lookups (with the count), an oversized
    ///   term or name.
    public static func render(domain: String, hostedZone: String, pass: AddressSet,
                              keptIncludes: [SPFKeptInclude], all: SPFQualifier,
                              maxRDATA: Int? = nil) throws(SPFRenderError) -> SPFRendering {
        let d = normalizedDomain(domain)
        guard all != .pass else { throw .permissiveAll(domain: d) }
        let top = owner(domain: d, hostedZone: hostedZone)
        let kept = uniqueSorted(keptIncludes)
        let terms = pass.networks.map(\.spfTerm) + kept.map { "include:\($0.name)" }
        let octets = terms.map(\.utf8.count)
        let allTerm = (all == .pass ? "" : all.rawValue) + "all"

        // Packing is linear: each record's size is tracked term by term (TXTStringPacker mirrors
        // HostedTXT.split), and only the chosen terms are split into strings.
        var records: [HostedTXT] = []
        var index = 0
        var link = 0
        while true {
            let name = link == 0 ? top : "_\(link).\(top)"
            if name.utf8.count + 2 > 255 { throw .nameTooLong(name: name, excess: name.utf8.count + 2 - 255) }
            let limit = maxRDATA ?? rdataLimit(owner: name)
            let tail = link == 0 ? [allTerm] : []
            let next = "include:_\(link + 1).\(top)"
            let tailPieces = tail.map(\.utf8.count)
            // Does everything left fit, with no link? Stop early once the terms alone overflow.
            var rest = TXTStringPacker()
            var fitsAll = rest.append(7)  // "v=spf1 "
            var i = index
            while fitsAll && i < terms.count {
                let last = i + 1 == terms.count && tail.isEmpty
                fitsAll = rest.append(octets[i] + (last ? 0 : 1)) && rest.rdataOctets <= limit
                i += 1
            }
            if fitsAll, let total = rest.rdataOctets(appending: tailPieces), total <= limit {
                records.append(try record(name, Array(terms[index...]) + tail))
                break
            }
            if index == terms.count {
                // Only `v=spf1` and the tail are left and they do not fit: nothing can be moved.
                throw .termTooLong(owner: name, term: (["v=spf1"] + tail).joined(separator: " "))
            }
            // The longest prefix that fits with the link include (and the tail) after it.
            let nextPieces = [next.utf8.count + (tail.isEmpty ? 0 : 1)] + tailPieces
            var prefix = TXTStringPacker()
            _ = prefix.append(7)
            var take = 0
            while index + take < terms.count {
                var candidate = prefix
                guard candidate.append(octets[index + take] + 1),
                      let total = candidate.rdataOctets(appending: nextPieces), total <= limit else { break }
                prefix = candidate
                take += 1
            }
            guard take > 0 else { throw .termTooLong(owner: name, term: terms[index]) }
            records.append(try record(name, Array(terms[index..<(index + take)]) + [next] + tail))
            index += take
            link += 1
        }
        let keptCost = kept.reduce(0) { $0 + 1 + $1.lookups }
        let lookups = 1 + keptCost + (records.count - 1)
        guard lookups <= 10 else {
            throw .tooManyLookups(domain: d, count: lookups, breakdown:
                "1 for include:\(top), \(keptCost) for \(kept.count) kept include(s), \(records.count - 1) for chain links")
        }
        return SPFRendering(records: records, lookups: lookups)
    }

    /// Kept includes sorted by name, first of each name kept.
    static func uniqueSorted(_ keptIncludes: [SPFKeptInclude]) -> [SPFKeptInclude] {
        var seen: Set<String> = []
        return keptIncludes.sorted(by: { $0.name < $1.name }).filter { seen.insert($0.name).inserted }
    }

    /// The record `v=spf1 <body>` at `owner`, split between terms.
    private static func record(_ owner: String, _ body: [String]) throws(SPFRenderError) -> HostedTXT {
        try HostedTXT(owner: owner, terms: ["v=spf1"] + body)
    }
}
