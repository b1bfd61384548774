/// The evidence gate over a window (RECORDS.md "DMARC"; issue 6): of the messages from approved
/// senders (and the domain's own ranges), at least ``GateThresholds/passRate`` must pass DMARC,
/// and there must be at least ``GateThresholds/minMessages`` of them.
public struct GateEvaluation: Sendable, Equatable, Codable {
    /// `false` when no aggregate report covers the window: the gate does not apply (dwell only).
    public var applies: Bool
    /// Messages from approved senders and own ranges.
    public var approvedMessages: Int64
    /// Of those, messages that passed DMARC.
    public var approvedPassing: Int64
    /// The pass-rate threshold, 0…1.
    public var threshold: Double
    /// The minimum volume.
    public var minMessages: Int64
    /// The window, days.
    public var windowDays: Int

    /// Creates an evaluation.
    public init(applies: Bool, approvedMessages: Int64, approvedPassing: Int64, threshold: Double, minMessages: Int64,
                windowDays: Int) {
        self.applies = applies
        self.approvedMessages = approvedMessages
        self.approvedPassing = approvedPassing
        self.threshold = threshold
        self.minMessages = minMessages
        self.windowDays = windowDays
    }

    /// Share of approved messages passing DMARC, 0…1 (0 without messages).
    public var passRate: Double { SenderEvidence.rate(approvedPassing, approvedMessages) }

    /// `true` when the gate applies and both the volume and the pass rate are met.
    public var holds: Bool { applies && approvedMessages >= minMessages && approvedMessages > 0 && passRate >= threshold }

    /// `true` when a forward move is allowed by the evidence (it holds, or it does not apply).
    public var allowsAdvance: Bool { !applies || holds }

    /// One line with the numbers, e.g. `approved senders 99.1 % DMARC pass (4,960 of 5,005 messages over 14 days; needs ≥ 98 % of ≥ 100)`.
    public var summary: String {
        guard applies else { return "no aggregate reports in the last \(windowDays) days (gate does not apply)" }
        let numbers = "approved senders \(Format.percent(passRate)) DMARC pass (\(Format.count(approvedPassing)) of "
            + "\(Format.count(approvedMessages)) messages over \(windowDays) days; needs ≥ \(Format.percent(threshold)) "
            + "of ≥ \(Format.count(minMessages)))"
        if approvedMessages < minMessages || approvedMessages == 0 { return numbers + ": too few messages" }
        return numbers + (passRate >= threshold ? ": holds" : ": below the threshold")
    }

    enum CodingKeys: String, CodingKey {
        case applies, approvedMessages = "approved_messages", approvedPassing = "approved_passing", threshold
        case minMessages = "min_messages", windowDays = "window_days", passRate = "pass_rate", holds, summary
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(applies, forKey: .applies)
        try c.encode(approvedMessages, forKey: .approvedMessages)
        try c.encode(approvedPassing, forKey: .approvedPassing)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(minMessages, forKey: .minMessages)
        try c.encode(windowDays, forKey: .windowDays)
        try c.encode(passRate, forKey: .passRate)
        try c.encode(holds, forKey: .holds)
        try c.encode(summary, forKey: .summary)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        applies = try c.decode(Bool.self, forKey: .applies)
        approvedMessages = try c.decode(Int64.self, forKey: .approvedMessages)
        approvedPassing = try c.decode(Int64.self, forKey: .approvedPassing)
        threshold = try c.decode(Double.self, forKey: .threshold)
        minMessages = try c.decode(Int64.self, forKey: .minMessages)
        windowDays = try c.decode(Int.self, forKey: .windowDays)
    }
}
