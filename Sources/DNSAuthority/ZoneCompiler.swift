import DNSCore

/// Compiles a list of records into an immutable `Zone`, checking it first (NSD
/// `zonec`/Knot `adjust` style: all thinking at load time).
public enum ZoneCompiler {
    /// Checks and compiles a zone.
    ///
    /// Checks (each failure names the owner and type):
    /// - every owner is at or below `origin`; class is IN; no meta types (OPT, ANY, AXFR…);
    /// - exactly one SOA, at the apex (RFC 1035 §5.2); at least one NS at the apex;
    ///   no NS below the apex (delegations are not served);
    /// - a CNAME is alone at its owner and single (RFC 2181 §10.1; RFC 1034 §3.6.2);
    /// - TXT has at least one character-string, each ≤ 255 octets (RFC 1035 §3.3.14, C30);
    ///   RDATA given in generic form for a known type is decoded and validated;
    /// - one TTL per RRset (RFC 2181 §5.2) and no duplicate records (RFC 2181 §5).
    ///
    /// Empty non-terminals are computed: every ancestor of an owner, up to the apex, that has
    /// no data of its own (RFC 8020 §2, C34). The negative SOA is rendered with TTL
    /// min(SOA TTL, MINIMUM) (RFC 2308 §3).
    ///
    /// SPF macro-mode address sets (RFC 7208 §5.7, §7.3): each key is an apex `_ip.D._spf.H`
    /// whose whole subtree is answered from its table — `A 127.0.0.2` at `addressSetTTL` for
    /// a member address name, NODATA for the apex and partial names, NXDOMAIN otherwise.
    /// Checks: every apex at or below `origin` and at most 191 octets on the wire (so a
    /// 32-nibble IPv6 name fits in 255); no apex below another; no listed record at or below
    /// an apex; `addressSetTTL` ≤ 2^31 − 1 (RFC 2181 §8). Each apex and its ancestors exist
    /// as empty non-terminals when they have no data.
    ///
    /// - Parameters:
    ///   - origin: the zone apex.
    ///   - records: the zone's records in any order.
    ///   - addressSets: apex name → pass set; empty for a zone without macro mode.
    ///   - addressSetTTL: TTL in seconds of the member answers of every set (default 300).
    /// - Returns: the compiled zone.
    /// - Throws: `DNSAuthorityError`.
    public static func compile(origin: DNSName, records: [ResourceRecord],
                               addressSets: [DNSName: AddressRangeTable] = [:],
                               addressSetTTL: UInt32 = 300) throws -> Zone {
        let apexes = try checkAddressSets(origin: origin, addressSets: addressSets, ttl: addressSetTTL)
        let apexKeys = Dictionary(uniqueKeysWithValues: apexes.map { (WireKey($0.key), $0) })
        var grouped: [[UInt8]: (name: DNSName, sets: [RRType: [ResourceRecord]], order: [RRType])] = [:]
        for input in records {
            let record = try normalize(input)
            // The owner as text only for an error: rendering every name costs more than the checks.
            var owner: String { record.name.description }
            guard record.name.isSubdomain(of: origin) else {
                throw DNSAuthorityError.ownerOutsideZone(owner: owner, type: record.type.description, origin: origin.description)
            }
            guard record.rrClass == .in else {
                throw DNSAuthorityError.wrongClass(owner: owner, type: record.type.description, rrClass: record.rrClass.description)
            }
            if record.type.isMetaType {
                throw DNSAuthorityError.metaTypeInZone(owner: owner, type: record.type.description)
            }
            if record.type == .soa && record.name != origin {
                throw DNSAuthorityError.soaNotAtApex(owner: owner, origin: origin.description)
            }
            if record.type == .ns && record.name != origin {
                throw DNSAuthorityError.delegationNotSupported(owner: owner)
            }
            if !apexKeys.isEmpty, let apex = enclosingApex(of: record.name.key, in: apexKeys) {
                throw DNSAuthorityError.recordUnderAddressSet(owner: owner, type: record.type.description,
                                                              addressSet: apex.description)
            }
            if case let .txt(strings) = record.rdata {
                if strings.isEmpty {
                    throw DNSAuthorityError.invalidRData(owner: owner, type: "TXT", reason: "no character-strings (RFC 1035 §3.3.14 needs one or more)")
                }
                if let long = strings.first(where: { $0.bytes.count > CharacterString.maxLength }) {
                    throw DNSAuthorityError.invalidRData(owner: owner, type: "TXT", reason: "character-string of \(long.bytes.count) octets exceeds 255")
                }
            }
            // Mutated in place (no copy of the entry or its sets per record).
            let key = record.name.key
            if grouped[key] == nil { grouped[key] = (name: record.name, sets: [:], order: []) }
            if let existing = grouped[key]!.sets[record.type] {
                if existing.contains(record) {
                    throw DNSAuthorityError.duplicateRecord(owner: owner, type: record.type.description)
                }
                if let first = existing.first, first.ttl != record.ttl {
                    throw DNSAuthorityError.inconsistentTTL(owner: owner, type: record.type.description, ttls: [first.ttl, record.ttl])
                }
            } else {
                grouped[key]!.order.append(record.type)
            }
            grouped[key]!.sets[record.type, default: []].append(record)
        }

        // Apex: exactly one SOA, at least one NS.
        let apex = grouped[origin.key]
        let soaRecords = apex?.sets[.soa] ?? []
        guard let soa = soaRecords.first, case let .soa(soaData) = soa.rdata else {
            throw DNSAuthorityError.missingSOA(origin: origin.description)
        }
        guard soaRecords.count == 1 else {
            throw DNSAuthorityError.multipleSOA(origin: origin.description, count: soaRecords.count)
        }
        guard apex?.sets[.ns]?.isEmpty == false else {
            throw DNSAuthorityError.missingApexNS(origin: origin.description)
        }

        // CNAME exclusivity and singleness.
        for (_, entry) in grouped {
            guard let cnames = entry.sets[.cname] else { continue }
            if cnames.count > 1 {
                throw DNSAuthorityError.multipleCNAME(owner: entry.name.description, count: cnames.count)
            }
            let others = entry.sets.keys.filter { $0 != .cname }.sorted()
            if !others.isEmpty {
                throw DNSAuthorityError.cnameWithOtherData(owner: entry.name.description, otherTypes: others.map(\.description))
            }
        }

        // Nodes with pre-rendered RRsets, then address-set apexes and empty non-terminals
        // (ancestors up to the apex without data of their own), which exist without data.
        var nodes: [Zone.CompiledNode] = []
        nodes.reserveCapacity(grouped.count + apexes.count + 16)
        var known = Set<WireKey>(minimumCapacity: grouped.count * 2)
        for (key, entry) in grouped {
            let sets = try entry.sets.keys.sorted().map { type -> (type: RRType, recordCount: Int, body: [UInt8]) in
                let records = entry.sets[type]!
                var body: [UInt8] = []
                try PrerenderedRRSet.render(records, into: &body)
                return (type, records.count, body)
            }
            nodes.append(Zone.CompiledNode(name: entry.name.wire, sets: sets))
            known.insert(WireKey(key))
        }
        for apex in apexes where known.insert(WireKey(apex.key)).inserted {
            nodes.append(Zone.CompiledNode(name: apex.wire, sets: []))
        }
        for name in grouped.values.map(\.name) + apexes {
            var current = name.parent
            while let name = current, name.isSubdomain(of: origin), name != origin {
                guard known.insert(WireKey(name.key)).inserted else { break }
                nodes.append(Zone.CompiledNode(name: name.wire, sets: []))
                current = name.parent
            }
        }
        grouped.removeAll()

        let negativeTTL = min(soa.ttl, soaData.minimum)
        let negativeSOA = try PrerenderedRRSet(records: [soa], ttlOverride: negativeTTL)
        let sets = try apexes.map { apex in
            AddressSet(name: apex, table: addressSets[apex]!,
                       answer: try PrerenderedRRSet(records: [ResourceRecord(name: apex, ttl: addressSetTTL,
                                                                              rdata: .a(AddressSet.memberAddress))]))
        }
        return try Zone(origin: origin, soa: soa, soaData: soaData, negativeTTL: negativeTTL,
                        nodes: nodes, negativeSOA: negativeSOA, addressSets: sets, addressSetTTL: addressSetTTL)
    }

    /// Checks the address-set apexes and TTL; returns the apexes in canonical order.
    static func checkAddressSets(origin: DNSName, addressSets: [DNSName: AddressRangeTable], ttl: UInt32) throws -> [DNSName] {
        guard !addressSets.isEmpty else { return [] }
        guard ttl <= 0x7FFF_FFFF else { throw DNSAuthorityError.invalidAddressSetTTL(ttl: ttl) }
        let apexes = addressSets.keys.sorted()
        for apex in apexes {
            guard apex.isSubdomain(of: origin) else {
                throw DNSAuthorityError.addressSetOutsideZone(name: apex.description, origin: origin.description)
            }
            guard apex.wireLength + 64 <= DNSName.maxWireLength else {
                throw DNSAuthorityError.addressSetNameTooLong(name: apex.description, wireLength: apex.wireLength)
            }
        }
        let keys = Dictionary(uniqueKeysWithValues: apexes.map { (WireKey($0.key), $0) })
        for apex in apexes {
            // Any proper ancestor that is itself an apex?
            let key = apex.key
            let first = 1 + Int(key[0])
            if first < key.count, let outer = enclosingApex(of: key, in: keys, from: first) {
                throw DNSAuthorityError.nestedAddressSets(outer: outer.description, inner: apex.description)
            }
        }
        return apexes
    }

    /// The longest suffix of the wire name `key` that starts on a label boundary at or after
    /// offset `from` and is in `apexes`, or nil. No allocation.
    static func enclosingApex(of key: [UInt8], in apexes: [WireKey: DNSName], from: Int = 0) -> DNSName? {
        var start = from
        while start < key.count {
            if let found = apexes[WireKey(key[start...])] { return found }
            if key[start] == 0 { break }
            start += 1 + Int(key[start])
        }
        return nil
    }

    /// Turns RDATA given in generic (RFC 3597) form for a type DNSCore knows into its typed
    /// form, validating it on the way.
    static func normalize(_ record: ResourceRecord) throws -> ResourceRecord {
        guard case let .unknown(type, bytes) = record.rdata else { return record }
        let known: [RRType] = [.a, .aaaa, .ns, .cname, .ptr, .mx, .soa, .txt, .hinfo]
        guard known.contains(type) else { return record }
        do {
            var reader = WireReader(bytes, offset: 0, minimumPointerTarget: Int.max)
            let typed = try RData.decode(type: type, length: bytes.count, from: &reader)
            return ResourceRecord(name: record.name, rrClass: record.rrClass, ttl: record.ttl, rdata: typed)
        } catch let error as DNSCoreError {
            throw DNSAuthorityError.invalidRData(owner: record.name.description, type: type.description, reason: error.description)
        }
    }
}
