/// The outcome of building one domain, as ``Inventory/saveBuildResults(_:actor:now:)`` stores it
/// (many domains in one transaction).
public struct BuildResult: Sendable, Equatable {
    /// What happened to the build.
    public enum Outcome: Sendable, Equatable {
        /// Passed the gate: becomes the last good build; clears the error, the stale flag and any
        /// held build.
        case published(PublishedBuild)
        /// Held by the publish gate: the last good build stays; see ``Inventory/holdBuild(domain:_:actor:now:)``.
        case held(HeldBuild)
        /// Failed (RFC 7208 §2.6.6 temporary error, or a permanent one): the last good build and
        /// any held build stay; the domain is marked stale with `error`.
        case failed(error: String)
    }

    /// The customer domain.
    public var domain: InventoryName
    /// What to store for it.
    public var outcome: Outcome

    /// Creates a result value.
    public init(domain: InventoryName, outcome: Outcome) {
        self.domain = domain
        self.outcome = outcome
    }
}
