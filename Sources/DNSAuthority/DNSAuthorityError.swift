import DNSCore

/// Errors raised when compiling zones or assembling snapshots. Each names the owner, type
/// or zone at fault. `code` is a stable identifier for logs and metrics.
public enum DNSAuthorityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The zone has no SOA record at its apex (RFC 1035 §5.2).
    case missingSOA(origin: String)
    /// The zone has more than one SOA record (RFC 1035 §5.2).
    case multipleSOA(origin: String, count: Int)
    /// An SOA record is owned by a name other than the apex.
    case soaNotAtApex(owner: String, origin: String)
    /// The apex has no NS RRset (RFC 1034 §4.2.1).
    case missingApexNS(origin: String)
    /// A record's owner is not at or below the zone origin.
    case ownerOutsideZone(owner: String, type: String, origin: String)
    /// A CNAME shares its owner with other data (RFC 1034 §3.6.2; RFC 2181 §10.1).
    case cnameWithOtherData(owner: String, otherTypes: [String])
    /// More than one CNAME record at one owner (RFC 2181 §10.1).
    case multipleCNAME(owner: String, count: Int)
    /// NS records below the apex (a zone cut); delegations are not served.
    case delegationNotSupported(owner: String)
    /// A record whose class is not IN.
    case wrongClass(owner: String, type: String, rrClass: String)
    /// A meta or pseudo type (OPT, ANY, AXFR, IXFR…) given as zone data (RFC 6895 §3.1).
    case metaTypeInZone(owner: String, type: String)
    /// RDATA that cannot be encoded or is invalid for its type (for example TXT with no
    /// strings or a string over 255 octets, RFC 1035 §3.3.14).
    case invalidRData(owner: String, type: String, reason: String)
    /// Records of one RRset with different TTLs (RFC 2181 §5.2).
    case inconsistentTTL(owner: String, type: String, ttls: [UInt32])
    /// The same record twice in an RRset (RFC 2181 §5).
    case duplicateRecord(owner: String, type: String)
    /// Two zones in one snapshot with the same origin.
    case duplicateZone(origin: String)
    /// An internal invariant did not hold while answering; mapped to SERVFAIL.
    case internalInconsistency(reason: String)
    /// An SPF macro-mode address-set apex that is not at or below the zone origin.
    case addressSetOutsideZone(name: String, origin: String)
    /// An address-set apex so long that a full IPv6 `%{i}` name (32 nibble labels, 64
    /// octets) below it would exceed 255 octets (RFC 1035 §2.3.4; RFC 7208 §7.3).
    case addressSetNameTooLong(name: String, wireLength: Int)
    /// One address-set apex at or below another's (each table owns its whole subtree).
    case nestedAddressSets(outer: String, inner: String)
    /// A listed record at or below an address-set apex; the table owns that subtree.
    case recordUnderAddressSet(owner: String, type: String, addressSet: String)
    /// An address-set answer TTL above 2^31 − 1 seconds (RFC 2181 §8).
    case invalidAddressSetTTL(ttl: UInt32)
    /// A compiled snapshot image that is not one this build wrote, or is damaged; names the
    /// field being read and its offset in octets.
    case invalidImage(field: String, offset: Int, reason: String)

    /// A stable short code for this error kind.
    public var code: String {
        switch self {
        case .missingSOA: return "missing-soa"
        case .multipleSOA: return "multiple-soa"
        case .soaNotAtApex: return "soa-not-at-apex"
        case .missingApexNS: return "missing-apex-ns"
        case .ownerOutsideZone: return "owner-outside-zone"
        case .cnameWithOtherData: return "cname-with-other-data"
        case .multipleCNAME: return "multiple-cname"
        case .delegationNotSupported: return "delegation-not-supported"
        case .wrongClass: return "wrong-class"
        case .metaTypeInZone: return "meta-type-in-zone"
        case .invalidRData: return "invalid-rdata"
        case .inconsistentTTL: return "inconsistent-ttl"
        case .duplicateRecord: return "duplicate-record"
        case .duplicateZone: return "duplicate-zone"
        case .internalInconsistency: return "internal-inconsistency"
        case .addressSetOutsideZone: return "address-set-outside-zone"
        case .addressSetNameTooLong: return "address-set-name-too-long"
        case .nestedAddressSets: return "nested-address-sets"
        case .recordUnderAddressSet: return "record-under-address-set"
        case .invalidAddressSetTTL: return "invalid-address-set-ttl"
        case .invalidImage: return "invalid-image"
        }
    }

    /// A message naming the owner, type or zone and the offending value.
    public var description: String {
        switch self {
        case let .missingSOA(origin):
            return "zone \(origin) has no SOA record at its apex"
        case let .multipleSOA(origin, count):
            return "zone \(origin) has \(count) SOA records, expected exactly one"
        case let .soaNotAtApex(owner, origin):
            return "SOA record owned by \(owner) is not at the apex of zone \(origin)"
        case let .missingApexNS(origin):
            return "zone \(origin) has no NS records at its apex"
        case let .ownerOutsideZone(owner, type, origin):
            return "\(type) record owner \(owner) is outside zone \(origin)"
        case let .cnameWithOtherData(owner, otherTypes):
            return "CNAME at \(owner) coexists with \(otherTypes.joined(separator: ", ")) (RFC 2181 §10.1)"
        case let .multipleCNAME(owner, count):
            return "\(owner) has \(count) CNAME records, at most one allowed (RFC 2181 §10.1)"
        case let .delegationNotSupported(owner):
            return "NS records at \(owner) below the apex would be a delegation, which is not served"
        case let .wrongClass(owner, type, rrClass):
            return "\(type) record at \(owner) has class \(rrClass), expected IN"
        case let .metaTypeInZone(owner, type):
            return "\(type) at \(owner) is a meta type and cannot be zone data"
        case let .invalidRData(owner, type, reason):
            return "\(type) record at \(owner): \(reason)"
        case let .inconsistentTTL(owner, type, ttls):
            return "\(type) RRset at \(owner) has differing TTLs \(ttls.map(String.init).joined(separator: ", ")) (RFC 2181 §5.2)"
        case let .duplicateRecord(owner, type):
            return "\(type) RRset at \(owner) holds the same record twice (RFC 2181 §5)"
        case let .duplicateZone(origin):
            return "zone \(origin) appears twice in one snapshot"
        case let .internalInconsistency(reason):
            return "internal inconsistency: \(reason)"
        case let .addressSetOutsideZone(name, origin):
            return "address set \(name) is outside zone \(origin)"
        case let .addressSetNameTooLong(name, wireLength):
            return "address set \(name) is \(wireLength) octets on the wire; IPv6 names below it need 64 more and would exceed 255"
        case let .nestedAddressSets(outer, inner):
            return "address set \(inner) lies below address set \(outer)"
        case let .recordUnderAddressSet(owner, type, addressSet):
            return "\(type) record at \(owner) lies in the subtree of address set \(addressSet), which the table answers"
        case let .invalidAddressSetTTL(ttl):
            return "address set TTL \(ttl) exceeds 2147483647 seconds (RFC 2181 §8)"
        case let .invalidImage(field, offset, reason):
            return "snapshot image field \(field) at offset \(offset): \(reason)"
        }
    }
}
