/// The DNS lookups and void lookups a receiver spends on a domain's *published* hosted SPF
/// record, counted from the customer's own `include:D._spf.H` (RFC 7208 §4.6.4).
///
/// Lookups: 1 for the customer's include, then in flatten mode 1 per chain link
/// (`include:_N.D._spf.H`), in macro mode 1 for the `exists`, plus for each kept include 1 for
/// the include itself and the DNS-querying terms of its tree. Flattened senders cost nothing:
/// their addresses are `ip4:`/`ip6:` terms.
///
/// Void lookups (answers that are NXDOMAIN or empty), per client family, as the most a receiver
/// can meet on one evaluation (an address that matches nothing until the end): for each kept
/// include its tree's void `a`/`mx` lookups for that family plus every term whose query depends
/// on the client (`exists`, `ptr`, `a`/`mx` with a macro), which misses for most addresses; in
/// macro mode 1 more for the hosted `exists` miss. Chain links and the customer's include always
/// exist and are never void. A macro `include`/`redirect` whose target is missing is a permerror
/// (§5.2), not a void, so it is not counted here.
public struct SPFLookupBudget: Hashable, Sendable {
    /// RFC 7208 §4.6.4: more than 10 DNS-querying terms is a permerror.
    public static let maxLookups = 10
    /// RFC 7208 §4.6.4: more than 2 void lookups is a permerror.
    public static let maxVoidLookups = 2

    /// What one kept `include:` costs a receiver.
    public struct KeptInclude: Hashable, Sendable {
        /// The included name (the sender's entry point), lowercase, no trailing dot.
        public var name: String
        /// Slug of the sender it belongs to (the first, when several share the entry point).
        public var sender: String
        /// DNS-querying terms inside the included tree, not counting the include itself.
        public var lookups: Int
        /// Void lookups an IPv4 client may meet inside the tree.
        public var voidLookupsIPv4: Int
        /// Void lookups an IPv6 client may meet inside the tree.
        public var voidLookupsIPv6: Int

        /// Creates a cost entry.
        public init(name: String, sender: String, lookups: Int, voidLookupsIPv4: Int, voidLookupsIPv6: Int) {
            self.name = normalizedDomain(name)
            self.sender = sender
            self.lookups = lookups
            self.voidLookupsIPv4 = voidLookupsIPv4
            self.voidLookupsIPv6 = voidLookupsIPv6
        }

        /// The cost of keeping `flattening`'s entry point as an include for `sender`: its
        /// lookups, and its void lookups plus its client-dependent terms per family.
        public init(sender: String, flattening f: SPFFlattening) {
            self.init(name: f.entryPoint, sender: sender, lookups: f.lookups,
                      voidLookupsIPv4: f.voidLookupsIPv4 + f.addressDependentLookups,
                      voidLookupsIPv6: f.voidLookupsIPv6 + f.addressDependentLookups)
        }
    }

    /// The publishing mode of the record.
    public var mode: SPFMode
    /// `D._spf.H`, the name the customer includes.
    public var owner: String
    /// Chain links after the top record (flatten mode; always 0 in macro mode).
    public var chainLinks: Int
    /// The kept includes, one per name, sorted by name (record order).
    public let keptIncludes: [KeptInclude]

    /// Creates a budget; `keptIncludes` are deduplicated by name (first sender wins) and sorted.
    public init(mode: SPFMode, owner: String, chainLinks: Int, keptIncludes: [KeptInclude]) {
        self.mode = mode
        self.owner = normalizedDomain(owner)
        self.chainLinks = mode == .macro ? 0 : chainLinks
        var seen: Set<String> = []
        self.keptIncludes = keptIncludes.filter { seen.insert($0.name).inserted }.sorted { $0.name < $1.name }
    }

    /// Lookups spent inside kept includes, each counting 1 for itself.
    public var keptLookups: Int { keptIncludes.reduce(0) { $0 + 1 + $1.lookups } }

    /// Total DNS lookups a receiver spends, counting the customer's `include:D._spf.H`.
    public var lookups: Int { 1 + (mode == .macro ? 1 : chainLinks) + keptLookups }

    /// Most void lookups an IPv4 client can meet.
    public var voidLookupsIPv4: Int { keptIncludes.reduce(0) { $0 + $1.voidLookupsIPv4 } + (mode == .macro ? 1 : 0) }

    /// Most void lookups an IPv6 client can meet.
    public var voidLookupsIPv6: Int { keptIncludes.reduce(0) { $0 + $1.voidLookupsIPv6 } + (mode == .macro ? 1 : 0) }

    /// Most void lookups any client can meet: the larger family count.
    public var voidLookups: Int { max(voidLookupsIPv4, voidLookupsIPv6) }

    /// Where the lookups come from, e.g. `1 for include:D._spf.H, 2 for 1 kept include(s), 1 for
    /// chain links` (flatten mode) or `…, 1 for exists:%{i}._ip.D._spf.H` (macro mode).
    public var lookupBreakdown: String {
        let last = mode == .macro ? "1 for exists:%{i}._ip.\(owner)" : "\(chainLinks) for chain links"
        return "1 for include:\(owner), \(keptLookups) for \(keptIncludes.count) kept include(s), \(last)"
    }

    /// Where the void lookups of the worse family come from, e.g. `IPv4 clients: 1 in
    /// include:_spf.salesforce.com (salesforce), 1 for the exists miss`.
    public var voidBreakdown: String {
        let v6 = voidLookupsIPv6 > voidLookupsIPv4
        var parts: [String] = []
        for k in keptIncludes {
            let n = v6 ? k.voidLookupsIPv6 : k.voidLookupsIPv4
            if n > 0 { parts.append("\(n) in include:\(k.name) (\(k.sender))") }
        }
        if mode == .macro { parts.append("1 for the exists:%{i}._ip.\(owner) miss") }
        return (v6 ? "IPv6" : "IPv4") + " clients: " + (parts.isEmpty ? "none" : parts.joined(separator: ", "))
    }

    /// Checks the §4.6.4 limits.
    /// - Throws: ``SPFRenderError/tooManyLookups(domain:count:breakdown:)`` over 10 lookups,
    ///   ``SPFRenderError/tooManyVoidLookups(domain:count:breakdown:)`` over 2 void lookups.
    public func check(domain: String) throws(SPFRenderError) {
        let d = normalizedDomain(domain)
        guard lookups <= Self.maxLookups else { throw .tooManyLookups(domain: d, count: lookups, breakdown: lookupBreakdown) }
        guard voidLookups <= Self.maxVoidLookups else {
            throw .tooManyVoidLookups(domain: d, count: voidLookups, breakdown: voidBreakdown)
        }
    }
}
