/// The fields of SOA RDATA (RFC 1035 §3.3.13). Times are in seconds.
public struct SOAData: Hashable, Sendable {
    /// The primary name server (MNAME).
    public var mname: DNSName
    /// The responsible mailbox as a name (RNAME): `hostmaster.example.com.`.
    public var rname: DNSName
    /// The zone serial number (RFC 1982 arithmetic).
    public var serial: UInt32
    /// Secondary refresh interval, seconds.
    public var refresh: UInt32
    /// Secondary retry interval, seconds.
    public var retry: UInt32
    /// Secondary expiry, seconds.
    public var expire: UInt32
    /// Negative-caching TTL cap, seconds (RFC 2308 §4).
    public var minimum: UInt32

    /// Creates SOA RDATA from its seven fields.
    public init(mname: DNSName, rname: DNSName, serial: UInt32, refresh: UInt32, retry: UInt32, expire: UInt32, minimum: UInt32) {
        self.mname = mname
        self.rname = rname
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}
