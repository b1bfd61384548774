import GRDB
import RecordBuilder

/// The evidence gate's answer for one forward move on the DMARC ladder (RECORDS.md "DMARC":
/// "moving forward needs the dwell time to have passed, and, once reports are ingested, the
/// evidence gate").
public struct StageGateVerdict: Sendable, Equatable {
    /// `true` when the evidence allows the move.
    public var allowed: Bool
    /// One line with the numbers the decision rests on (written to the refusal message and to
    /// the audit row), e.g. `approved senders 99.1 % DMARC pass (4,960 of 5,005 messages, 14 days; needs ≥ 98 %)`.
    public var summary: String

    /// Creates a verdict.
    public init(allowed: Bool, summary: String) {
        self.allowed = allowed
        self.summary = summary
    }
}

/// The evidence gate consulted by ``Inventory/advance(_:force:reason:actor:now:gate:)`` and a forward
/// ``Inventory/setStage(_:to:force:reason:actor:now:gate:)``, inside the stage change's write
/// transaction, after the dwell check.
///
/// Parameters: the transaction, the domain's row id and name, the current and the target stage,
/// and the current time (Unix seconds). Returns `nil` when no gate applies (no reports for the
/// window), else a verdict; a refused verdict refuses the move unless `force`.
public typealias StageGate = @Sendable (_ db: Database, _ domainID: Int64, _ domain: InventoryName,
                                        _ from: DMARCStage, _ to: DMARCStage, _ now: Int64) throws -> StageGateVerdict?
