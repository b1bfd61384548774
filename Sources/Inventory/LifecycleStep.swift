/// A scheduled lifecycle step that ran (``Inventory/runDueLifecycleSteps(now:actor:)``): each
/// is one audit row too.
public struct LifecycleStep: Sendable, Equatable, Codable, CustomStringConvertible {
    /// What happened.
    public enum Kind: String, Sendable, Codable {
        /// A pending mx change removed its old patterns (a new policy id).
        case mxPatternsRemoved = "mx-patterns-removed"
        /// A pending mx change was dropped because removing its patterns would leave none.
        case mxChangeDropped = "mx-change-dropped"
        /// A winding-down domain's `mode: none` policy and `_mta-sts` record were withdrawn.
        case mtaSTSWithdrawn = "mta-sts-withdrawn"
        /// A wound-down domain and all its records were removed.
        case domainRemoved = "domain-removed"
    }

    /// The customer domain.
    public var domain: InventoryName
    /// What happened.
    public var kind: Kind
    /// A one-line account (patterns, new id, dates).
    public var detail: String

    /// Creates a step value.
    public init(domain: InventoryName, kind: Kind, detail: String) {
        self.domain = domain
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(domain.text): \(kind.rawValue): \(detail)" }
}
