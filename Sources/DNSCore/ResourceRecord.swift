/// One resource record: owner, class, TTL and typed RDATA (RFC 1035 §3.2.1).
/// The TYPE is that of the RDATA.
public struct ResourceRecord: Hashable, Sendable, CustomStringConvertible {
    /// The owner name.
    public var name: DNSName
    /// The class (normally `.in`).
    public var rrClass: RRClass
    /// Time to live in seconds (RFC 1035 §3.2.1; RFC 2181 §8).
    public var ttl: UInt32
    /// The typed RDATA; it decides `type`.
    public var rdata: RData

    /// The record type (taken from `rdata`).
    public var type: RRType { rdata.type }

    /// Creates a record.
    ///
    /// - Parameters:
    ///   - name: owner name.
    ///   - rrClass: class, default IN.
    ///   - ttl: seconds.
    ///   - rdata: typed data, which also fixes the type.
    public init(name: DNSName, rrClass: RRClass = .in, ttl: UInt32, rdata: RData) {
        self.name = name
        self.rrClass = rrClass
        self.ttl = ttl
        self.rdata = rdata
    }

    /// Creates a record, checking that `type` agrees with `rdata`.
    ///
    /// - Throws: `DNSCoreError.invalidRData` when `type` differs from `rdata.type`.
    public init(name: DNSName, type: RRType, rrClass: RRClass = .in, ttl: UInt32, rdata: RData) throws {
        guard type == rdata.type else {
            throw DNSCoreError.invalidRData(type: type.description, reason: "RDATA is of type \(rdata.type)")
        }
        self.init(name: name, rrClass: rrClass, ttl: ttl, rdata: rdata)
    }

    /// The master-file line (RFC 1035 §5.1): `owner TTL CLASS TYPE RDATA`, absolute names.
    public var description: String { presentation }
}
