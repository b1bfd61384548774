/// A successful build to publish for one domain: the records, the MTA-STS policy, and what the
/// publisher knows about the SPF record (pass sets, provenance, lookup counts).
public struct PublishedBuild: Sendable, Equatable {
    /// Every TXT record to publish for the domain.
    public var records: [PublishedRecord]
    /// The MTA-STS policy to serve, or `nil` when MTA-STS is not hosted.
    public var policy: PublishedPolicy?
    /// Sender slug (or `own`) → canonical CIDR texts, or `nil`.
    public var passSets: [String: [String]]?
    /// Provenance as JSON text not interpreted by the inventory, or `nil`.
    public var provenance: String?
    /// DNS lookups a receiver spends on the SPF record (RFC 7208 §4.6.4), or `nil`.
    public var lookups: Int?
    /// Void lookups of the SPF record (RFC 7208 §4.6.4), or `nil`.
    public var voidLookups: Int?

    /// Creates a build value.
    public init(records: [PublishedRecord], policy: PublishedPolicy? = nil, passSets: [String: [String]]? = nil,
                provenance: String? = nil, lookups: Int? = nil, voidLookups: Int? = nil) {
        self.records = records
        self.policy = policy
        self.passSets = passSets
        self.provenance = provenance
        self.lookups = lookups
        self.voidLookups = voidLookups
    }
}
