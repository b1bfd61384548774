/// An entry of the sender catalog: a mail service a customer may approve for its domain.
public struct Sender: Sendable, Equatable, Codable {
    /// Catalog key, e.g. `google-workspace`.
    public var slug: SenderSlug
    /// Name for people, e.g. `Google Workspace`.
    public var displayName: String
    /// The name whose SPF tree is flattened for this sender (`_spf.google.com`), or `nil` for a
    /// sender without SPF (DKIM-only).
    public var spfEntryPoint: InventoryName?
    /// `true` for the catalog shipped by a migration, `false` for an operator's own.
    public var builtin: Bool

    /// Creates a catalog entry.
    public init(slug: SenderSlug, displayName: String, spfEntryPoint: InventoryName?, builtin: Bool = false) {
        self.slug = slug
        self.displayName = displayName
        self.spfEntryPoint = spfEntryPoint
        self.builtin = builtin
    }

    enum CodingKeys: String, CodingKey {
        case slug, displayName = "display_name", spfEntryPoint = "spf_entry_point", builtin
    }
}
