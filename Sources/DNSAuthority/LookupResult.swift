import DNSCore

/// The outcome of looking a name and type up in a snapshot: a value, not an error
/// (RFC 1034 §4.3.2; RFC 2308 §2).
public enum LookupResult: Sendable, Equatable {
    /// The RRset of the asked type (for ANY, the one chosen RRset, RFC 8482 §4.1).
    case answer([ResourceRecord])
    /// The name holds a CNAME and the asked type was not CNAME; the caller may chase
    /// the target (RFC 1034 §4.3.2 step 3a).
    case cname(ResourceRecord)
    /// The name exists (possibly as an empty non-terminal) but has no data of the type;
    /// carries the zone SOA at the negative TTL (RFC 2308 §2.2, §3).
    case noData(soa: ResourceRecord)
    /// The name does not exist in the zone; carries the zone SOA at the negative TTL
    /// (RFC 2308 §2.1, §3).
    case nxDomain(soa: ResourceRecord)
    /// The name is not in any served zone (RFC 1035 §4.1.1, REFUSED).
    case refused
}
