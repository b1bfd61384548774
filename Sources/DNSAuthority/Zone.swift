import DNSCore

/// A compiled, immutable authoritative zone: apex SOA and NS, every owner's RRsets
/// pre-rendered to wire fragments in a hash map keyed by the wire name (case-insensitive), and
/// empty non-terminals precomputed (RFC 1034 §4.3.2; RFC 8020; C34).
///
/// A zone may also hold SPF macro-mode address sets: each owns the subtree below its apex
/// `_ip.D._spf.H` and answers from an `AddressRangeTable` instead of listed records
/// (RFC 7208 §5.7, §7.3).
///
/// Build one with `ZoneCompiler.compile(origin:records:addressSets:addressSetTTL:)`; it never
/// changes afterwards.
public struct Zone: Sendable {
    /// The zone's immutable data behind one reference, so that copying a `Zone` (as the
    /// responder does per query) costs one retain rather than one per field.
    final class Storage: Sendable {
        let origin: DNSName
        let soa: ResourceRecord
        let soaData: SOAData
        let negativeTTL: UInt32
        let records: [ResourceRecord]
        /// Every owner's node, including empty non-terminals, in no particular order.
        let nodes: [ZoneNode]
        /// Owner name (wire, any case) → index into `nodes` and `nodeSets`.
        let table: NameTable
        /// `nodes[i].rrsets`, read by lookups without touching the node's name.
        let nodeSets: [[PrerenderedRRSet]]
        /// The SOA rendered for the authority section of negative answers at `negativeTTL`.
        let negativeSOA: PrerenderedRRSet
        let addressSetTTL: UInt32
        /// The macro-mode address sets; apexes are never nested.
        let addressSets: [AddressSet]
        /// Apex key → index into `addressSets`; looked up with suffixes of the query key.
        let addressSetIndex: [WireKey: Int]
        /// The distinct label counts (without the root) of the address-set apexes, largest
        /// first. Few in practice (3 + labels of D + labels of H), unlike wire lengths.
        let addressSetLabelCounts: [Int]

        init(origin: DNSName, soa: ResourceRecord, soaData: SOAData, negativeTTL: UInt32, records: [ResourceRecord],
             nodes: [WireKey: ZoneNode], negativeSOA: PrerenderedRRSet, addressSets: [AddressSet], addressSetTTL: UInt32) {
            self.origin = origin
            self.soa = soa
            self.soaData = soaData
            self.negativeTTL = negativeTTL
            self.records = records
            let list = Array(nodes.values)
            self.nodes = list
            self.table = NameTable(names: list.map(\.name.key))
            self.nodeSets = list.map(\.rrsets)
            self.negativeSOA = negativeSOA
            self.addressSetTTL = addressSetTTL
            self.addressSets = addressSets
            var index: [WireKey: Int] = [:]
            for (position, set) in addressSets.enumerated() { index[WireKey(set.name.key)] = position }
            self.addressSetIndex = index
            self.addressSetLabelCounts = Set(addressSets.map(\.name.labelCount)).sorted(by: >)
        }
    }

    /// The data.
    let storage: Storage

    /// The zone apex, case as given.
    public var origin: DNSName { storage.origin }
    /// The apex SOA record as stored.
    public var soa: ResourceRecord { storage.soa }
    /// The SOA fields.
    public var soaData: SOAData { storage.soaData }
    /// The negative-caching TTL in seconds: min(SOA TTL, SOA MINIMUM) (RFC 2308 §3).
    public var negativeTTL: UInt32 { storage.negativeTTL }
    /// All records of the zone, SOA first then canonical order (as compiled).
    public var records: [ResourceRecord] { storage.records }
    /// The TTL in seconds of the `A 127.0.0.2` member answers of every address set.
    public var addressSetTTL: UInt32 { storage.addressSetTTL }
    /// The SOA rendered for the authority section of negative answers at `negativeTTL`.
    var negativeSOA: PrerenderedRRSet { storage.negativeSOA }

    /// Internal initializer used by `ZoneCompiler`.
    init(origin: DNSName, soa: ResourceRecord, soaData: SOAData, negativeTTL: UInt32, records: [ResourceRecord],
         nodes: [WireKey: ZoneNode], negativeSOA: PrerenderedRRSet, addressSets: [AddressSet] = [],
         addressSetTTL: UInt32 = 300) {
        storage = Storage(origin: origin, soa: soa, soaData: soaData, negativeTTL: negativeTTL, records: records,
                          nodes: nodes, negativeSOA: negativeSOA, addressSets: addressSets, addressSetTTL: addressSetTTL)
    }

    /// The macro-mode address sets by apex name (`_ip.D._spf.H`).
    public var addressSets: [DNSName: AddressRangeTable] {
        Dictionary(uniqueKeysWithValues: storage.addressSets.map { ($0.name, $0.table) })
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
    public func contains(_ name: DNSName) -> Bool { name.key.withUnsafeBytes { storage.table.index(of: $0) } != nil }

    /// The owner names that are empty non-terminals, in canonical order (C34).
    public var emptyNonTerminals: [DNSName] {
        storage.nodes.filter(\.isEmptyNonTerminal).map(\.name).sorted()
    }

    /// Looks `name`/`type` up in this zone alone, without chasing CNAMEs
    /// (RFC 1034 §4.3.2 steps 3a–3c without referrals; RFC 8482 for ANY).
    ///
    /// - Parameters:
    ///   - name: the query name; must be at or below `origin` (else `.refused`).
    ///   - type: the query type.
    public func lookup(_ name: DNSName, _ type: RRType) -> LookupResult {
        guard name.isSubdomain(of: origin) else { return .refused }
        switch name.key.withUnsafeBytes({ node(forKey: $0, type: type) }) {
        case let .found(set): return .answer(set.records)
        case let .synthesized(set):
            return .answer(set.records.map { ResourceRecord(name: name, rrClass: $0.rrClass, ttl: $0.ttl, rdata: $0.rdata) })
        case let .cname(set): return .cname(set.records[0])
        case .noData: return .noData(soa: negativeSOARecord)
        case .nxDomain: return .nxDomain(soa: negativeSOARecord)
        }
    }

    /// The internal outcome of a lookup inside this zone, referring to pre-rendered data.
    enum NodeLookup {
        case found(PrerenderedRRSet)
        /// An answer made for the query name (its owner is the query name, not the set's).
        case synthesized(PrerenderedRRSet)
        case cname(PrerenderedRRSet)
        case noData
        case nxDomain
    }

    /// Looks up an owner name (wire form in any case, at or below this zone's origin). For ANY returns one
    /// RRset: the CNAME if present, otherwise the lowest type (RFC 8482 §4.1). Names at or
    /// below an address-set apex are answered from its table (see `addressSetLookup`).
    func node(forKey key: UnsafeRawBufferPointer, type: RRType) -> NodeLookup {
        if !storage.addressSetLabelCounts.isEmpty, let result = addressSetLookup(key: key, type: type) { return result }
        guard let index = storage.table.index(of: key) else { return .nxDomain }
        return storage.nodeSets.withUnsafeBufferPointer { nodeSets in
            nodeSets[index].withUnsafeBufferPointer { sets -> NodeLookup in
                if sets.isEmpty { return .noData }   // an empty non-terminal
                var cname: PrerenderedRRSet?
                for set in sets {
                    if set.type == type { return .found(set) }
                    if set.type == .cname { cname = set }
                }
                if let cname { return type == .any ? .found(cname) : .cname(cname) }
                return type == .any ? .found(sets[0]) : .noData
            }
        }
    }

    /// Answers a name at or below an address-set apex from the table, or returns nil when
    /// the name is under no apex. Member: `A 127.0.0.2` for A and ANY (the one RRset,
    /// RFC 8482 §4.1), NODATA for other types; an existing non-member name: NODATA;
    /// otherwise NXDOMAIN (RFC 7208 §5.7: an `exists` miss is not an error). No allocation.
    func addressSetLookup(key: UnsafeRawBufferPointer, type: RRType) -> NodeLookup? {
        var labels = 0
        var position = 0
        while key[position] != 0 {
            labels &+= 1
            position &+= 1 &+ Int(key[position])
        }
        // Candidate apexes are the suffixes with each apex label count, largest count first,
        // so their starts come in order along one forward walk.
        var start = 0
        var skipped = 0
        for apexLabels in storage.addressSetLabelCounts where apexLabels <= labels {
            while skipped < labels &- apexLabels {
                start &+= 1 &+ Int(key[start])
                skipped &+= 1
            }
            guard let index = storage.addressSetIndex[WireKey(borrowing: UnsafeRawBufferPointer(rebasing: key[start...]))],
                  let membership = AddressSet.classify(key: key, end: start, table: storage.addressSets[index].table)
            else { continue }
            switch membership {
            case .member: return type == .a || type == .any ? .synthesized(storage.addressSets[index].answer) : .noData
            case .exists: return .noData
            case .absent: return .nxDomain
            }
        }
        return nil
    }
}
