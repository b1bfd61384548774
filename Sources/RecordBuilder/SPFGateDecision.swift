/// What ``SPFPublishGate`` decides for a new build (RECORDS.md "SPF" Safety).
public enum SPFGateDecision: Sendable, Equatable {
    /// Publish the build; `diff` says what changed (empty when nothing did).
    case publish(diff: SPFPassSetDiff)
    /// Keep the last good records and hold the build for confirmation; each reason names the
    /// sender or family and the share (`sendgrid: 0 addresses (had 1,047,552)`,
    /// `IPv4 pass set shrinks 23.4 % (limit 10 %)`).
    case hold(reasons: [String], diff: SPFPassSetDiff)

    /// The diff, whatever the decision.
    public var diff: SPFPassSetDiff {
        switch self {
        case .publish(let d), .hold(_, let d): return d
        }
    }

    /// Whether the build may be published.
    public var isPublish: Bool {
        if case .publish = self { return true }
        return false
    }
}
