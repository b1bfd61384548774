import GRDB
import Inventory

/// The evidence gate and autopilot thresholds in force for one domain: the inventory-wide
/// `report_settings` row, overridden per domain by `domain_report_options`.
public struct GateThresholds: Sendable, Equatable, Codable {
    /// Share of approved senders' messages that must pass DMARC to move forward (default 0.98).
    public var passRate: Double
    /// Fewest approved senders' messages in the window for the gate to pass (default 100).
    public var minMessages: Int64
    /// The autopilot rolls back one stage when the approved senders' pass rate under the
    /// current stage falls below this share (default 0.90).
    public var rollbackPassRate: Double
    /// Readiness window, days (default 14).
    public var windowDays: Int
    /// Whether the autopilot may move this domain.
    public var autopilot: Bool

    /// Creates thresholds; the defaults are 98 %, 100 messages, 90 %, 14 days, autopilot off.
    public init(passRate: Double = 0.98, minMessages: Int64 = 100, rollbackPassRate: Double = 0.90, windowDays: Int = 14,
                autopilot: Bool = false) {
        self.passRate = passRate
        self.minMessages = minMessages
        self.rollbackPassRate = rollbackPassRate
        self.windowDays = windowDays
        self.autopilot = autopilot
    }

    /// The window in seconds.
    public var windowSeconds: Int64 { Int64(windowDays) * 86_400 }

    /// Reads the thresholds for domain `domainID` inside a transaction.
    static func fetch(_ db: Database, domainID: Int64) throws -> GateThresholds {
        var result = GateThresholds()
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM report_settings WHERE id = 1") {
            result.passRate = row["gate_pass_rate"]
            result.minMessages = row["gate_min_messages"]
            result.rollbackPassRate = row["rollback_pass_rate"]
            result.windowDays = row["window_days"]
        }
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM domain_report_options WHERE domain_id = ?", arguments: [domainID]) {
            result.autopilot = (row["autopilot"] as Int64) == 1
            if let value: Double = row["gate_pass_rate"] { result.passRate = value }
            if let value: Int64 = row["gate_min_messages"] { result.minMessages = value }
            if let value: Double = row["rollback_pass_rate"] { result.rollbackPassRate = value }
        }
        return result
    }
}
