/// Settings of response-rate limiting (RRL) for UDP answers, the scheme of NSD and Knot
/// (ISC's "Response Rate Limiting in the Domain Name System"; NSD `rrl-*` options).
///
/// Each UDP response is charged to a bucket chosen by the client's address prefix and the
/// response's class (``ResponseClass``): the QNAME and QTYPE for answers, the zone for
/// NXDOMAIN and NODATA, one bucket for errors. A bucket passes `burst` responses at once and
/// `responsesPerSecond` after that (a generic cell-rate token bucket). Over the limit, every
/// `slip`-th response is replaced by an empty TC=1 answer so a real client retries over TCP
/// (RFC 7766), and the others are dropped. TCP answers are never limited, and by default
/// neither are loopback clients.
public struct RateLimit: Sendable, Equatable {
    /// Sustained responses per second per bucket; at least 1. Default 200 (NSD's default).
    public var responsesPerSecond: Int
    /// Responses a fresh or idle bucket passes at once; at least 1. Default: one second's
    /// worth (`responsesPerSecond`).
    public var burst: Int
    /// Every `slip`-th limited response is sent as a truncated empty answer; `0` drops them
    /// all, `1` truncates them all. Default 2.
    public var slip: Int
    /// IPv4 clients are grouped by this prefix length, 0…32. Default 24.
    public var ipv4PrefixLength: Int
    /// IPv6 clients are grouped by this prefix length, 0…128. Default 56.
    public var ipv6PrefixLength: Int
    /// Buckets in the table, rounded up to a power of two; 8 octets each, fixed for the
    /// server's life. Two keys that land in one slot overwrite each other (NSD's way).
    /// Default 2^20 (8 MiB).
    public var tableSize: Int
    /// Whether clients on loopback (127.0.0.0/8, ::1, and IPv4-mapped 127/8) are exempt.
    /// Default `true`: such packets cannot arrive from the network (RFC 1122 §3.2.1.3; the
    /// kernel drops them as martians), so they cannot be spoofed reflection traffic, and local
    /// monitors, co-located resolvers and test harnesses query fast on purpose.
    public var exemptLoopback: Bool

    /// Creates settings; every value is clamped into its documented range.
    ///
    /// - Parameters:
    ///   - responsesPerSecond: sustained rate per bucket (≥ 1).
    ///   - burst: responses passed at once (≥ 1); `nil` = `responsesPerSecond`.
    ///   - slip: 0 (drop all) … 100.
    ///   - ipv4PrefixLength: 0…32 bits.
    ///   - ipv6PrefixLength: 0…128 bits.
    ///   - tableSize: buckets, 16 … 2^26, rounded up to a power of two.
    ///   - exemptLoopback: leave loopback clients unlimited.
    public init(responsesPerSecond: Int = 200, burst: Int? = nil, slip: Int = 2,
                ipv4PrefixLength: Int = 24, ipv6PrefixLength: Int = 56, tableSize: Int = 1 << 20,
                exemptLoopback: Bool = true) {
        self.responsesPerSecond = min(max(1, responsesPerSecond), 1_000_000)
        self.burst = min(max(1, burst ?? responsesPerSecond), 1_000_000)
        self.slip = min(max(0, slip), 100)
        self.ipv4PrefixLength = min(max(0, ipv4PrefixLength), 32)
        self.ipv6PrefixLength = min(max(0, ipv6PrefixLength), 128)
        var size = 16
        while size < min(max(16, tableSize), 1 << 26) { size <<= 1 }
        self.tableSize = size
        self.exemptLoopback = exemptLoopback
    }
}
