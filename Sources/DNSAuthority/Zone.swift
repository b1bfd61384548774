import DNSCore

/// A compiled, immutable authoritative zone: apex SOA and NS, every owner's RRsets
/// pre-rendered to wire fragments in a hash map keyed by the lowercase wire name, and
/// empty non-terminals precomputed (RFC 1034 §4.3.2; RFC 8020; C34).
///
/// Build one with `ZoneCompiler.compile(origin:records:)`; it never changes afterwards.
public struct Zone: Sendable {
    /// The zone apex, case as given.
    public let origin: DNSName
    /// The apex SOA record as stored.
    public let soa: ResourceRecord
    /// The SOA fields.
    public let soaData: SOAData
    /// The negative-caching TTL in seconds: min(SOA TTL, SOA MINIMUM) (RFC 2308 §3).
    public let negativeTTL: UInt32
    /// All records of the zone, SOA first then canonical order (as compiled).
    public let records: [ResourceRecord]
    /// Owner key (lowercase wire) → node; includes empty non-terminals.
    let nodes: [[UInt8]: ZoneNode]
    /// The SOA rendered for the authority section of negative answers at `negativeTTL`.
    let negativeSOA: PrerenderedRRSet

    /// Internal memberwise initializer used by `ZoneCompiler`.
    init(origin: DNSName, soa: ResourceRecord, soaData: SOAData, negativeTTL: UInt32, records: [ResourceRecord],
         nodes: [[UInt8]: ZoneNode], negativeSOA: PrerenderedRRSet) {
        self.origin = origin
        self.soa = soa
        self.soaData = soaData
        self.negativeTTL = negativeTTL
        self.records = records
        self.nodes = nodes
        self.negativeSOA = negativeSOA
    }

    /// The SOA serial (RFC 1982 arithmetic).
    public var serial: UInt32 { soaData.serial }

    /// The zone as RFC 1035 §5 master-file text, loadable by NSD unchanged: no `$ORIGIN`,
    /// absolute names, SOA first.
    public var masterFileText: String { MasterFile.render(records: records) }

    /// The SOA record as served in negative answers (TTL = `negativeTTL`).
    public var negativeSOARecord: ResourceRecord {
        ResourceRecord(name: soa.name, rrClass: soa.rrClass, ttl: negativeTTL, rdata: soa.rdata)
    }

    /// Whether `name` exists in the zone, with data or as an empty non-terminal.
    public func contains(_ name: DNSName) -> Bool { nodes[name.key] != nil }

    /// The owner names that are empty non-terminals, in canonical order (C34).
    public var emptyNonTerminals: [DNSName] {
        nodes.values.filter(\.isEmptyNonTerminal).map(\.name).sorted()
    }

    /// Looks `name`/`type` up in this zone alone, without chasing CNAMEs
    /// (RFC 1034 §4.3.2 steps 3a–3c without referrals; RFC 8482 for ANY).
    ///
    /// - Parameters:
    ///   - name: the query name; must be at or below `origin` (else `.refused`).
    ///   - type: the query type.
    public func lookup(_ name: DNSName, _ type: RRType) -> LookupResult {
        guard name.isSubdomain(of: origin) else { return .refused }
        switch node(forKey: name.key, type: type) {
        case let .found(set): return .answer(set.records)
        case let .cname(set): return .cname(set.records[0])
        case .noData: return .noData(soa: negativeSOARecord)
        case .nxDomain: return .nxDomain(soa: negativeSOARecord)
        }
    }

    /// The internal outcome of a lookup inside this zone, referring to pre-rendered data.
    enum NodeLookup {
        case found(PrerenderedRRSet)
        case cname(PrerenderedRRSet)
        case noData
        case nxDomain
    }

    /// Looks up an owner key (lowercase wire name inside this zone). For ANY returns one
    /// RRset: the CNAME if present, otherwise the lowest type (RFC 8482 §4.1).
    func node(forKey key: [UInt8], type: RRType) -> NodeLookup {
        guard let node = nodes[key] else { return .nxDomain }
        if node.isEmptyNonTerminal { return .noData }
        if type == .any {
            if let cname = node.rrset(.cname) { return .found(cname) }
            return .found(node.rrsets[0])
        }
        if let set = node.rrset(type) { return .found(set) }
        if let cname = node.rrset(.cname) { return .cname(cname) }
        return .noData
    }
}
