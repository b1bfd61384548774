/// A sending range a customer owns and authorises for its domain's SPF, with a note.
public struct DomainRange: Sendable, Equatable, Codable {
    /// The network, canonical.
    public var cidr: InventoryCIDR
    /// Free text for people (`office NAT`), or `nil`.
    public var note: String?
    /// When the range was added, Unix seconds.
    public var addedAt: Int64

    /// Creates a range value.
    public init(cidr: InventoryCIDR, note: String?, addedAt: Int64) {
        self.cidr = cidr
        self.note = note
        self.addedAt = addedAt
    }

    enum CodingKeys: String, CodingKey { case cidr, note, addedAt = "added_at" }
}
