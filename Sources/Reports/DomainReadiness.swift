import Inventory
import RecordBuilder

/// Everything `herald dmarc readiness D` shows: the stage and dwell, per-sender evidence over
/// the window, the gate, what blocks the next stage, and MTA-STS readiness from TLS reports.
public struct DomainReadiness: Sendable, Equatable, Codable {
    /// The domain.
    public var domain: String
    /// Current stage.
    public var stage: DMARCStage
    /// When the current stage began, Unix seconds.
    public var stageSince: Int64
    /// The next stage, or `nil` at `reject`.
    public var nextStage: DMARCStage?
    /// Seconds of dwell still needed before the next stage (0 when met).
    public var dwellRemaining: Int64
    /// The evaluation time, Unix seconds.
    public var now: Int64
    /// Thresholds in force.
    public var thresholds: GateThresholds
    /// Aggregate reports in the window.
    public var reports: Int
    /// Distinct reporting organisations in the window.
    public var organisations: Int
    /// Messages in the window, all sources.
    public var messages: Int64
    /// Approved senders and own ranges, most messages first (senders with no messages last).
    public var senders: [SenderEvidence]
    /// All unattributed sources together.
    public var unknown: SenderEvidence
    /// The largest unattributed sources (at most 10).
    public var unknownSources: [UnknownSource]
    /// The evidence gate over the window.
    public var gate: GateEvaluation
    /// The approved senders' numbers over the last 2 days since the current stage began
    /// (``ReadinessAnalyzer/rollbackWindow``): what the autopilot's rollback looks at.
    public var sinceStage: GateEvaluation
    /// ``sinceStage`` per approved sender, most messages first.
    public var sinceStageSenders: [SenderEvidence]
    /// Blockers first, then warnings, then notes.
    public var findings: [ReadinessFinding]
    /// MTA-STS readiness from TLS reports.
    public var tls: TLSReadiness

    /// `true` when the next stage exists, the dwell is met and the evidence allows it.
    public var canAdvance: Bool { nextStage != nil && dwellRemaining == 0 && gate.allowsAdvance }

    /// `true` when the autopilot would roll back: not at `monitor`, enough messages under the
    /// current stage, and their pass rate below ``GateThresholds/rollbackPassRate``.
    public var shouldRollBack: Bool {
        stage != .monitor && sinceStage.applies && sinceStage.approvedMessages >= max(1, thresholds.minMessages)
            && sinceStage.passRate < thresholds.rollbackPassRate
    }

    enum CodingKeys: String, CodingKey {
        case domain, stage, stageSince = "stage_since", nextStage = "next_stage", dwellRemaining = "dwell_remaining"
        case now, thresholds, reports, organisations, messages, senders, unknown, unknownSources = "unknown_sources"
        case gate, sinceStage = "since_stage", sinceStageSenders = "since_stage_senders", findings, tls
    }
}
