import RecordBuilder

/// A DMARC stage change that was written (RECORDS.md "DMARC", the ladder).
public struct StageTransition: Sendable, Equatable, Codable {
    /// The domain.
    public var domain: InventoryName
    /// Stage before.
    public var from: DMARCStage
    /// Stage after.
    public var to: DMARCStage
    /// When, Unix seconds (the new `stage_since`).
    public var at: Int64
    /// `true` when `--force` overrode the dwell or allowed a jump of several rungs.
    public var forced: Bool

    /// Creates a transition value.
    public init(domain: InventoryName, from: DMARCStage, to: DMARCStage, at: Int64, forced: Bool) {
        self.domain = domain
        self.from = from
        self.to = to
        self.at = at
        self.forced = forced
    }
}
