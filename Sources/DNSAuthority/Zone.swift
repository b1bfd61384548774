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
    /// One owner name's data as handed to the zone by the compiler: the name (case as first
    /// given) and its RRsets sorted by type, each already rendered; none for an empty
    /// non-terminal.
    struct CompiledNode {
        var name: [UInt8]
        var sets: [(type: RRType, recordCount: Int, body: [UInt8])]
    }

    /// The zone's immutable data behind one reference, so that copying a `Zone` (as the
    /// responder does per query) costs one retain rather than one per field.
    ///
    /// Every owner's RRsets live in flat arrays (NSD `namedb` style, no object per name or
    /// RRset): node `i` owns RRsets `nodeFirstSet[i]..<nodeFirstSet[i + 1]`; RRset `j` has
    /// type `setTypes[j]`, `setCounts[j]` records and its owner-less wire form in
    /// `arena[setStarts[j]..<setStarts[j + 1]]` (layout of `PrerenderedRRSet`). The owner
    /// names are those of `table`. Nothing typed is kept: the typed views decode the arena.
    final class Storage: Sendable {
        let origin: DNSName
        let soa: ResourceRecord
        let soaData: SOAData
        let negativeTTL: UInt32
        /// Owner name (wire, any case) → node index; also the names themselves.
        let table: NameTable
        /// First RRset of each node, plus one final entry (count = nodes + 1).
        let nodeFirstSet: [UInt32]
        /// Type of each RRset.
        let setTypes: [RRType]
        /// Records in each RRset.
        let setCounts: [UInt16]
        /// Start of each RRset in `arena`, plus one final entry (count = RRsets + 1).
        let setStarts: [UInt32]
        /// Every RRset's owner-less wire form, back to back.
        let arena: [UInt8]
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

        init(origin: DNSName, soa: ResourceRecord, soaData: SOAData, negativeTTL: UInt32, table: NameTable,
             nodeFirstSet: [UInt32], setTypes: [RRType], setCounts: [UInt16], setStarts: [UInt32], arena: [UInt8],
             negativeSOA: PrerenderedRRSet, addressSets: [AddressSet], addressSetTTL: UInt32) {
            self.origin = origin
            self.soa = soa
            self.soaData = soaData
            self.negativeTTL = negativeTTL
            self.table = table
            self.nodeFirstSet = nodeFirstSet
            self.setTypes = setTypes
            self.setCounts = setCounts
            self.setStarts = setStarts
            self.arena = arena
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

    /// Wraps storage (used by the image reader).
    init(storage: Storage) { self.storage = storage }

    /// Internal initializer used by `ZoneCompiler`: lays the nodes out in flat arrays.
    ///
    /// - Throws: `DNSAuthorityError.invalidRData` when an RRset holds more than 65535 records
    ///   or the zone's RRsets exceed 4 GiB.
    init(origin: DNSName, soa: ResourceRecord, soaData: SOAData, negativeTTL: UInt32,
         nodes: [CompiledNode], negativeSOA: PrerenderedRRSet, addressSets: [AddressSet] = [],
         addressSetTTL: UInt32 = 300) throws {
        let setCount = nodes.reduce(0) { $0 + $1.sets.count }
        let arenaSize = nodes.reduce(0) { total, node in node.sets.reduce(total) { $0 + $1.body.count } }
        guard arenaSize < Int(UInt32.max), setCount < Int(UInt32.max) else {
            throw DNSAuthorityError.invalidRData(owner: origin.description, type: "zone",
                                                 reason: "\(arenaSize) octets of RRsets exceed the 4 GiB a zone may hold")
        }
        var firstSet: [UInt32] = []
        firstSet.reserveCapacity(nodes.count + 1)
        var types: [RRType] = []
        types.reserveCapacity(setCount)
        var counts: [UInt16] = []
        counts.reserveCapacity(setCount)
        var starts: [UInt32] = []
        starts.reserveCapacity(setCount + 1)
        var arena: [UInt8] = []
        arena.reserveCapacity(arenaSize)
        for node in nodes {
            firstSet.append(UInt32(types.count))
            for set in node.sets {
                guard set.recordCount <= Int(UInt16.max) else {
                    throw DNSAuthorityError.invalidRData(owner: (try? DNSName(wire: node.name).description) ?? "?",
                                                         type: set.type.description,
                                                         reason: "\(set.recordCount) records exceed 65535 in one RRset")
                }
                types.append(set.type)
                counts.append(UInt16(set.recordCount))
                starts.append(UInt32(arena.count))
                arena.append(contentsOf: set.body)
            }
        }
        firstSet.append(UInt32(types.count))
        starts.append(UInt32(arena.count))
        storage = Storage(origin: origin, soa: soa, soaData: soaData, negativeTTL: negativeTTL,
                          table: NameTable(names: nodes.map(\.name)), nodeFirstSet: firstSet, setTypes: types,
                          setCounts: counts, setStarts: starts, arena: arena, negativeSOA: negativeSOA,
                          addressSets: addressSets, addressSetTTL: addressSetTTL)
    }

    /// The zone apex, case as given.
    public var origin: DNSName { storage.origin }
    /// The apex SOA record as stored.
    public var soa: ResourceRecord { storage.soa }
    /// The SOA fields.
    public var soaData: SOAData { storage.soaData }
    /// The negative-caching TTL in seconds: min(SOA TTL, SOA MINIMUM) (RFC 2308 §3).
    public var negativeTTL: UInt32 { storage.negativeTTL }
    /// The TTL in seconds of the `A 127.0.0.2` member answers of every address set.
    public var addressSetTTL: UInt32 { storage.addressSetTTL }
    /// The SOA rendered for the authority section of negative answers at `negativeTTL`.
    var negativeSOA: PrerenderedRRSet { storage.negativeSOA }

    /// The owner name of node `index`, case as stored.
    func nodeName(_ index: Int) -> DNSName {
        // The table only holds names that were valid DNSNames when compiled.
        try! DNSName(wire: storage.table.name(at: index))
    }

    /// The RRset indexes of node `index`.
    func sets(ofNode index: Int) -> Range<Int> {
        Int(storage.nodeFirstSet[index])..<Int(storage.nodeFirstSet[index + 1])
    }

    /// The type of RRset `set`.
    func setType(_ set: Int) -> RRType { storage.setTypes[set] }

    /// Calls `body` with RRset `set`'s owner-less wire form and its record count.
    @inline(__always)
    func withSet<R>(_ set: Int, _ body: (UnsafeRawBufferPointer, Int) -> R) -> R {
        let start = Int(storage.setStarts[set])
        let end = Int(storage.setStarts[set + 1])
        let count = Int(storage.setCounts[set])
        return storage.arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end]), count) }
    }

    /// The typed records of RRset `set`, owned by `owner`.
    func records(ofSet set: Int, owner: DNSName) -> [ResourceRecord] {
        let start = Int(storage.setStarts[set])
        let end = Int(storage.setStarts[set + 1])
        // The arena holds only what the compiler rendered from valid records.
        return try! PrerenderedRRSet.decode(Array(storage.arena[start..<end]), owner: owner)
    }

    /// The target of the CNAME RRset `set` (its one record's RDATA, RFC 1035 §3.3.1), or nil
    /// when the stored RDATA is not a name.
    func cnameTarget(ofSet set: Int) -> DNSName? {
        let start = Int(storage.setStarts[set]) + 10
        let end = Int(storage.setStarts[set + 1])
        guard start < end else { return nil }
        var reader = WireReader(Array(storage.arena[start..<end]), offset: 0, minimumPointerTarget: Int.max)
        return try? reader.readName()
    }

    /// All records of the zone, SOA first then canonical order of owners (RFC 4034 §6.1), each
    /// owner's RRsets by type, records in stored order; decoded from the stored wire form.
    public var records: [ResourceRecord] {
        var owners: [(name: DNSName, node: Int)] = []
        for node in 0..<storage.table.count where !sets(ofNode: node).isEmpty {
            owners.append((nodeName(node), node))
        }
        owners.sort { $0.name < $1.name }
        var result: [ResourceRecord] = [storage.soa]
        for (name, node) in owners {
            for set in sets(ofNode: node) where setType(set) != .soa {
                result += records(ofSet: set, owner: name)
            }
        }
        return result
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
        (0..<storage.table.count).filter { sets(ofNode: $0).isEmpty }.map(nodeName).sorted()
    }

    /// Looks `name`/`type` up in this zone alone, without chasing CNAMEs
    /// (RFC 1034 §4.3.2 steps 3a–3c without referrals; RFC 8482 for ANY).
    ///
    /// - Parameters:
    ///   - name: the query name; must be at or below `origin` (else `.refused`).
    ///   - type: the query type.
    public func lookup(_ name: DNSName, _ type: RRType) -> LookupResult {
        guard name.isSubdomain(of: origin) else { return .refused }
        let owner = { () -> DNSName in
            guard let node = name.key.withUnsafeBytes({ storage.table.index(of: $0) }) else { return name }
            return nodeName(node)
        }
        switch name.key.withUnsafeBytes({ node(forKey: $0, type: type) }) {
        case let .found(set): return .answer(records(ofSet: set, owner: owner()))
        case let .synthesized(set):
            return .answer(set.records.map { ResourceRecord(name: name, rrClass: $0.rrClass, ttl: $0.ttl, rdata: $0.rdata) })
        case let .cname(set): return .cname(records(ofSet: set, owner: owner())[0])
        case .noData: return .noData(soa: negativeSOARecord)
        case .nxDomain: return .nxDomain(soa: negativeSOARecord)
        }
    }

    /// The internal outcome of a lookup inside this zone, referring to pre-rendered data
    /// (an RRset index into this zone's arrays, or a set made for the query name).
    enum NodeLookup {
        case found(Int)
        /// An answer made for the query name (its owner is the query name, not the set's).
        case synthesized(PrerenderedRRSet)
        case cname(Int)
        case noData
        case nxDomain
    }

    /// Looks up an owner name (wire form in any case, at or below this zone's origin). For ANY returns one
    /// RRset: the CNAME if present, otherwise the lowest type (RFC 8482 §4.1). Names at or
    /// below an address-set apex are answered from its table (see `addressSetLookup`).
    func node(forKey key: UnsafeRawBufferPointer, type: RRType) -> NodeLookup {
        if !storage.addressSetLabelCounts.isEmpty, let result = addressSetLookup(key: key, type: type) { return result }
        guard let index = storage.table.index(of: key) else { return .nxDomain }
        return storage.nodeFirstSet.withUnsafeBufferPointer { firstSet in
            storage.setTypes.withUnsafeBufferPointer { types -> NodeLookup in
                let first = Int(firstSet[index])
                let end = Int(firstSet[index &+ 1])
                if first == end { return .noData }   // an empty non-terminal
                var cname: Int?
                for set in first..<end {
                    if types[set] == type { return .found(set) }
                    if types[set] == .cname { cname = set }
                }
                if let cname { return type == .any ? .found(cname) : .cname(cname) }
                return type == .any ? .found(first) : .noData
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
