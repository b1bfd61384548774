/// One line of `herald dmarc readiness`: what blocks the next stage, what to check, or a note.
public struct ReadinessFinding: Sendable, Equatable, Codable {
    /// How much it matters.
    public enum Severity: String, Sendable, Codable, Comparable {
        /// Blocks the next stage (dwell, gate volume, gate pass rate, a failing approved sender).
        case blocker
        /// Worth a look, does not block (unknown sources, a weak mechanism).
        case warning
        /// Context.
        case info

        var order: Int { self == .blocker ? 0 : self == .warning ? 1 : 2 }
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.order < rhs.order }
    }

    /// The severity.
    public var severity: Severity
    /// The sender key or address it is about, if any.
    public var subject: String?
    /// The sentence, with numbers.
    public var message: String

    /// Creates a finding.
    public init(_ severity: Severity, subject: String? = nil, _ message: String) {
        self.severity = severity
        self.subject = subject
        self.message = message
    }
}
