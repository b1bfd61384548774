import RecordBuilder

/// MTA-STS readiness from TLS reports over the window (RFC 8460 §4.3.2, RFC 8461 §5): propose
/// `testing` → `enforce` when sessions were reported and none failed for policy or certificate
/// reasons.
public struct TLSReadiness: Sendable, Equatable, Codable {
    /// The domain's hosted MTA-STS mode, or `nil` when not hosted.
    public var mode: MTASTSMode?
    /// TLS reports covering the domain in the window.
    public var reports: Int
    /// Successful sessions.
    public var successes: Int64
    /// Failed sessions (all result types).
    public var failures: Int64
    /// Failed sessions by result type.
    public var failuresByType: [String: Int64]
    /// The window, days.
    public var windowDays: Int

    /// Creates a value.
    public init(mode: MTASTSMode?, reports: Int, successes: Int64, failures: Int64, failuresByType: [String: Int64],
                windowDays: Int) {
        self.mode = mode
        self.reports = reports
        self.successes = successes
        self.failures = failures
        self.failuresByType = failuresByType
        self.windowDays = windowDays
    }

    /// Failed sessions of the given kind.
    public func failures(of kind: TLSFailureKind) -> Int64 {
        failuresByType.filter { TLSFailureKind(resultType: $0.key) == kind }.values.reduce(0, +)
    }

    /// `true` when the mode is `testing`, sessions were reported, and no policy or certificate failure was.
    public var readyForEnforce: Bool {
        mode == .testing && reports > 0 && successes + failures > 0
            && failures(of: .policy) == 0 && failures(of: .certificate) == 0
    }

    /// What to do, in one line.
    public func advice(domain: String) -> String {
        guard let mode else { return "not hosted" }
        let sessions = "\(Format.count(successes + failures)) sessions in \(reports) TLS report(s) over \(windowDays) days"
        let policy = failures(of: .policy), certificate = failures(of: .certificate), starttls = failures(of: .starttls)
        let detail = failuresByType.sorted { $0.value > $1.value }.map { "\($0.key) \(Format.count($0.value))" }
            .joined(separator: ", ")
        switch mode {
        case .testing:
            if reports == 0 { return "testing; no TLS reports in the last \(windowDays) days: wait for reports before enforce" }
            if readyForEnforce {
                return "testing; \(sessions), no policy or certificate failures"
                    + (starttls > 0 ? " (\(Format.count(starttls)) starttls-not-supported)" : "")
                    + " → ready for enforce: herald mta-sts set \(domain) --mode enforce"
            }
            return "testing; \(sessions): \(Format.count(policy)) policy and \(Format.count(certificate)) certificate "
                + "failure(s) (\(detail)) — fix the policy host or the MX certificates before enforce"
        case .enforce:
            return reports == 0 ? "enforce; no TLS reports in the last \(windowDays) days"
                : "enforce; \(sessions), \(Format.count(failures)) failed" + (detail.isEmpty ? "" : " (\(detail))")
        case .none:
            return "none (withdrawn)"
        }
    }

    enum CodingKeys: String, CodingKey {
        case mode, reports, successes, failures, failuresByType = "failures_by_type", windowDays = "window_days"
    }
}
