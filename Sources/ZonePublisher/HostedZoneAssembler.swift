import DNSAuthority
import DNSCore
import RecordBuilder
#if canImport(Glibc)
import Glibc
#endif

/// The operator-level facts that shape the served zones H and R.
public struct ZoneParameters: Sendable, Equatable {
    /// The hosted zone H, lowercase, no trailing dot (`hosted.example.net`).
    public var hostedZone: String
    /// The report zone R; may equal `hostedZone`.
    public var reportZone: String
    /// Authoritative name servers for H and R, in order; the first is the SOA MNAME.
    public var nameServers: [String]
    /// SOA RNAME as a mailbox-domain (`hostmaster.hosted.example.net`).
    public var hostmaster: String
    /// SOA timers in seconds (RFC 1035 §3.3.13); `minimum` is the negative-caching TTL (RFC 2308 §4).
    public var refresh: UInt32, retry: UInt32, expire: UInt32, minimum: UInt32
    /// TTL of the SOA and NS RRsets, seconds.
    public var soaTTL: UInt32
    /// TTL of every hosted TXT record and the policy-server addresses, seconds.
    public var recordTTL: UInt32
    /// Addresses of the MTA-STS policy servers, served as `mta-sts.H A/AAAA` (IPv4 or IPv6 text).
    public var policyAddresses: [String]

    public init(
        hostedZone: String, reportZone: String, nameServers: [String], hostmaster: String? = nil,
        refresh: UInt32 = 3600, retry: UInt32 = 600, expire: UInt32 = 1_209_600, minimum: UInt32 = 300,
        soaTTL: UInt32 = 3600, recordTTL: UInt32 = 300, policyAddresses: [String]
    ) {
        self.hostedZone = hostedZone
        self.reportZone = reportZone
        self.nameServers = nameServers
        self.hostmaster = hostmaster ?? "hostmaster.\(hostedZone)"
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
        self.soaTTL = soaTTL
        self.recordTTL = recordTTL
        self.policyAddresses = policyAddresses
    }
}

/// Errors of the publisher, each naming the record or setting at fault.
public enum PublisherError: Error, CustomStringConvertible {
    /// A hosted record's owner is outside both H and R.
    case ownerOutsideZones(owner: String)
    /// A setting or record could not be turned into DNS data.
    case invalid(field: String, value: String, reason: String)
    /// The inventory has not been initialised (`herald init`).
    case notInitialised

    public var description: String {
        switch self {
        case .ownerOutsideZones(let o): return "record owner \(o) is outside the hosted and report zones"
        case .invalid(let f, let v, let r): return "\(f) '\(v)': \(r)"
        case .notInitialised: return "the inventory has no settings: run `herald init` first"
        }
    }
}

/// Turns the operator's parameters and the domains' TXT records into the resource records of
/// the zones H and R (apex SOA and NS, `mta-sts.H` addresses, every hosted TXT).
///
/// Pure; the result is sorted so identical input gives identical zones (and zone files).
public enum HostedZoneAssembler {
    /// - Returns: one `(origin, records)` pair per distinct zone (one when R equals H).
    /// - Throws: ``PublisherError`` naming the owner or setting that does not fit.
    public static func assemble(
        parameters p: ZoneParameters, serial: UInt32, records txt: [HostedTXT]
    ) throws -> [(origin: DNSName, records: [ResourceRecord])] {
        let h = try name(p.hostedZone, field: "hosted zone")
        let r = try name(p.reportZone, field: "report zone")
        let origins = h == r ? [h] : [h, r].sorted { $0.labelCount > $1.labelCount }
        var byZone: [DNSName: [ResourceRecord]] = [:]
        let ns = try p.nameServers.map { try name($0, field: "name server") }
        guard let mname = ns.first else {
            throw PublisherError.invalid(field: "name servers", value: "", reason: "at least one is needed")
        }
        let rname = try name(p.hostmaster, field: "hostmaster")
        for origin in origins {
            let soa = DNSCore.SOAData(mname: mname, rname: rname, serial: serial, refresh: p.refresh, retry: p.retry, expire: p.expire, minimum: p.minimum)
            var rrs = [ResourceRecord(name: origin, ttl: p.soaTTL, rdata: .soa(soa))]
            rrs += ns.map { ResourceRecord(name: origin, ttl: p.soaTTL, rdata: .ns($0)) }
            byZone[origin] = rrs
        }
        let policyHost = try name("mta-sts.\(p.hostedZone)", field: "policy host")
        for address in p.policyAddresses {
            let rdata = try addressRData(address)
            byZone[h, default: []].append(ResourceRecord(name: policyHost, ttl: p.recordTTL, rdata: rdata))
        }
        for record in txt {
            let owner = try name(record.owner, field: "record owner")
            // Longest origin first, so R inside H (or H inside R) gets the right records.
            guard let origin = origins.first(where: { owner.isSubdomain(of: $0) }) else {
                throw PublisherError.ownerOutsideZones(owner: record.owner)
            }
            let rdata: RData
            do { rdata = try RData.txt(strings: record.strings) } catch {
                throw PublisherError.invalid(field: "TXT at \(record.owner)", value: record.strings.joined(), reason: "\(error)")
            }
            byZone[origin, default: []].append(ResourceRecord(name: owner, ttl: p.recordTTL, rdata: rdata))
        }
        return origins.map { origin in
            let rrs = byZone[origin] ?? []
            // SOA first, then NS, then canonical order of the rest.
            let head = rrs.filter { $0.type == .soa || ($0.type == .ns && $0.name == origin) }
            let unsorted = rrs.filter { !($0.type == .soa || ($0.type == .ns && $0.name == origin)) }
            // Sorted as indices, read through a borrowed buffer: moving the records themselves
            // in a merge sort retained and released every field on every move (a twentieth of a
            // 100k cold start). The text form is rendered only to break a tie (same owner and
            // type): a tuple comparison would render both records on every comparison.
            let order = unsorted.withUnsafeBufferPointer { records in
                records.indices.sorted { i, j in
                    if records[i].name != records[j].name { return records[i].name < records[j].name }
                    if records[i].type != records[j].type { return records[i].type.rawValue < records[j].type.rawValue }
                    return records[i].description < records[j].description
                }
            }
            var ordered = head
            ordered.reserveCapacity(head.count + order.count)
            for index in order { ordered.append(unsorted[index]) }
            return (origin, ordered)
        }
    }

    static func name(_ text: String, field: String) throws -> DNSName {
        do { return try DNSName(text) } catch {
            throw PublisherError.invalid(field: field, value: text, reason: "\(error)")
        }
    }

    static func addressRData(_ text: String) throws -> RData {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return .a(UInt32(bigEndian: v4.s_addr))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let octets = withUnsafeBytes(of: &v6) { Array($0) }
            return try RData.aaaa(octets: octets)
        }
        throw PublisherError.invalid(field: "policy address", value: text, reason: "not an IPv4 or IPv6 address")
    }
}

extension HostedZoneAssembler {
    /// Assembles and compiles H and R into one immutable snapshot.
    /// - Throws: ``PublisherError`` or the zone compiler's error naming the owner and type.
    public static func snapshot(
        parameters: ZoneParameters, serial: UInt32, records: [HostedTXT],
        addressSets: [String: AddressSet] = [:], generation: UInt64 = 0
    ) throws -> ZoneSnapshot {
        var tables: [DNSName: AddressRangeTable] = [:]
        for (owner, set) in addressSets {
            tables[try name(owner, field: "macro-mode name")] = AddressRangeTable(
                v4: set.v4.intervals.map { $0.lower...$0.upper },
                v6: set.v6.intervals.map { $0.lower...$0.upper })
        }
        let zones = try assemble(parameters: parameters, serial: serial, records: records).map { zone in
            let mine = tables.filter { $0.key.isSubdomain(of: zone.origin) }
            return try ZoneCompiler.compile(origin: zone.origin, records: zone.records, addressSets: mine,
                                            addressSetTTL: parameters.recordTTL)
        }
        return try ZoneSnapshot(zones: zones, generation: generation)
    }

    /// The zones as RFC 1035 master files, H first (what `herald zone export` prints).
    public static func masterFiles(parameters: ZoneParameters, serial: UInt32, records: [HostedTXT]) throws -> [(origin: String, text: String)] {
        try assemble(parameters: parameters, serial: serial, records: records).map {
            ($0.origin.description, MasterFile.render(records: $0.records))
        }
    }
}
