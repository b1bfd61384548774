import RecordBuilder

/// One stage change made by the autopilot, with the evidence it rests on (audit-logged and sent
/// to the webhook).
public struct AutopilotMove: Sendable, Equatable, Codable {
    /// Which way.
    public enum Direction: String, Sendable, Codable {
        case advance, rollback
    }

    /// The domain.
    public var domain: String
    /// Stage before.
    public var from: DMARCStage
    /// Stage after.
    public var to: DMARCStage
    /// Which way it moved.
    public var direction: Direction
    /// When, Unix seconds.
    public var at: Int64
    /// The numbers: the gate over the window (advance) or the approved senders since the stage began (rollback).
    public var evidence: GateEvaluation
    /// The audit reason written, one line.
    public var reason: String

    /// Creates a move.
    public init(domain: String, from: DMARCStage, to: DMARCStage, direction: Direction, at: Int64, evidence: GateEvaluation,
                reason: String) {
        self.domain = domain
        self.from = from
        self.to = to
        self.direction = direction
        self.at = at
        self.evidence = evidence
        self.reason = reason
    }
}
