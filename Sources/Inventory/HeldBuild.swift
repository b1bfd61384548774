/// A build the publish gate held instead of publishing: its SPF pass set shrank by more than
/// ``InventorySettings/spfShrinkThreshold`` (RECORDS.md "SPF" Safety). The last good records stay
/// served until an operator accepts it (`herald spf accept D`) or a later build passes the gate.
public struct HeldBuild: Sendable, Equatable, Codable {
    /// Every TXT record the held build would publish.
    public var records: [PublishedRecord]
    /// The MTA-STS policy of the held build, or `nil` when MTA-STS is not hosted.
    public var policy: PublishedPolicy?
    /// The held build's pass sets: sender slug (or `own`) → canonical CIDR texts, or `nil`.
    public var passSets: [String: [String]]?
    /// The held build's provenance, JSON text not interpreted by the inventory, or `nil`.
    public var provenance: String?
    /// What changed against the published build, JSON text not interpreted by the inventory (the
    /// publisher names the sender each removed range came from).
    public var diff: String
    /// Why the build was held, one sentence each (`pass set shrinks by 42 %, over the 10 % threshold`).
    public var reasons: [String]
    /// When the held build was made, Unix seconds.
    public var heldAt: Int64
    /// DNS lookups a receiver would spend on the held SPF record (RFC 7208 §4.6.4), or `nil`.
    public var lookups: Int?
    /// Void lookups of the held SPF record (RFC 7208 §4.6.4), or `nil`.
    public var voidLookups: Int?

    /// Creates a held build value.
    public init(records: [PublishedRecord], policy: PublishedPolicy? = nil, passSets: [String: [String]]? = nil,
                provenance: String? = nil, diff: String, reasons: [String], heldAt: Int64, lookups: Int? = nil,
                voidLookups: Int? = nil) {
        self.records = records
        self.policy = policy
        self.passSets = passSets
        self.provenance = provenance
        self.diff = diff
        self.reasons = reasons
        self.heldAt = heldAt
        self.lookups = lookups
        self.voidLookups = voidLookups
    }

    enum CodingKeys: String, CodingKey {
        case records, policy, passSets = "pass_sets", provenance, diff, reasons, heldAt = "held_at", lookups
        case voidLookups = "void_lookups"
    }
}
