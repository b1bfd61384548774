/// Why an upstream DNS question got no usable answer.
///
/// RFC 7208 §2.6.6 and §4.4 split failures in two: an authoritative "this name does not exist"
/// (`nxdomain`, a *void lookup* for §4.6.4 together with an empty answer) and a failure that may
/// go away on retry (`temporary`: timeout, SERVFAIL, a truncated answer that TCP could not
/// complete). A temporary failure must never shrink a published record.
public enum UpstreamError: Error, Sendable, Equatable {
    /// RCODE 3 from the authority for `name`.
    case nxdomain(name: String)
    /// Timeout, SERVFAIL, REFUSED, or truncation that TCP could not complete, for `name`.
    case temporary(name: String, reason: String)
}

/// Where Herald reads the SPF trees of approved senders.
///
/// Implementations: the live libldns resolver and the offline zone-file source (ZonePublisher),
/// and in-memory fixtures in tests. Names are absolute, lowercase, without the trailing dot
/// (`_spf.google.com`). An empty array means NOERROR with no records of that type (NODATA).
/// Every method throws ``UpstreamError`` and nothing else.
public protocol UpstreamSource: Sendable {
    /// TXT RRset at `name`, each record's character-strings concatenated without separators
    /// (RFC 7208 §3.3). Records are returned as raw text; callers pick the `v=spf1` ones.
    func txt(_ name: String) async throws -> [String]
    /// A RRset at `name` (CNAMEs followed by the resolver).
    func a(_ name: String) async throws -> [IPv4Address]
    /// AAAA RRset at `name` (CNAMEs followed by the resolver).
    func aaaa(_ name: String) async throws -> [IPv6Address]
    /// MX RRset at `name`: the exchange names, in preference order, lowercase, no trailing dot.
    func mx(_ name: String) async throws -> [String]
}
