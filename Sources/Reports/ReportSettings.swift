import GRDB
import Inventory

/// The inventory-wide report settings (`report_settings`, one row): gate and autopilot
/// thresholds, the readiness window, the autopilot interval and the webhook.
public struct ReportSettings: Sendable, Equatable, Codable {
    /// Share of approved senders' messages passing DMARC needed to advance, (0, 1].
    public var gatePassRate: Double
    /// Fewest approved senders' messages in the window for the gate to pass, ≥ 0.
    public var gateMinMessages: Int64
    /// Autopilot rollback threshold, [0, gatePassRate].
    public var rollbackPassRate: Double
    /// Readiness window, days, 1…366.
    public var windowDays: Int
    /// Seconds between autopilot evaluations in `herald serve`, 60…86400.
    public var autopilotInterval: Int
    /// URL that receives a JSON POST for each autopilot move, or `nil`.
    public var webhookURL: String?

    enum CodingKeys: String, CodingKey {
        case gatePassRate = "gate_pass_rate", gateMinMessages = "gate_min_messages"
        case rollbackPassRate = "rollback_pass_rate", windowDays = "window_days"
        case autopilotInterval = "autopilot_interval", webhookURL = "webhook_url"
    }
}

/// A change to some of the ``ReportSettings`` (`nil` = unchanged; ``webhookURL`` `.some(nil)` clears it).
public struct ReportSettingsChange: Sendable, Equatable {
    /// New ``ReportSettings/gatePassRate``, or `nil`.
    public var gatePassRate: Double?
    /// New ``ReportSettings/gateMinMessages``, or `nil`.
    public var gateMinMessages: Int64?
    /// New ``ReportSettings/rollbackPassRate``, or `nil`.
    public var rollbackPassRate: Double?
    /// New ``ReportSettings/windowDays``, or `nil`.
    public var windowDays: Int?
    /// New ``ReportSettings/autopilotInterval``, or `nil`.
    public var autopilotInterval: Int?
    /// New ``ReportSettings/webhookURL`` (`.some(nil)` removes it), or `nil` for unchanged.
    public var webhookURL: String??

    /// Creates a change.
    public init(gatePassRate: Double? = nil, gateMinMessages: Int64? = nil, rollbackPassRate: Double? = nil,
                windowDays: Int? = nil, autopilotInterval: Int? = nil, webhookURL: String?? = nil) {
        self.gatePassRate = gatePassRate
        self.gateMinMessages = gateMinMessages
        self.rollbackPassRate = rollbackPassRate
        self.windowDays = windowDays
        self.autopilotInterval = autopilotInterval
        self.webhookURL = webhookURL
    }
}

/// Per-domain report options (`domain_report_options`): the autopilot opt-in and threshold overrides.
public struct DomainReportOptions: Sendable, Equatable, Codable {
    /// Whether `herald serve`'s autopilot may move the domain.
    public var autopilot: Bool
    /// Override of ``ReportSettings/gatePassRate``.
    public var gatePassRate: Double?
    /// Override of ``ReportSettings/gateMinMessages``.
    public var gateMinMessages: Int64?
    /// Override of ``ReportSettings/rollbackPassRate``.
    public var rollbackPassRate: Double?

    /// Creates options.
    public init(autopilot: Bool = false, gatePassRate: Double? = nil, gateMinMessages: Int64? = nil,
                rollbackPassRate: Double? = nil) {
        self.autopilot = autopilot
        self.gatePassRate = gatePassRate
        self.gateMinMessages = gateMinMessages
        self.rollbackPassRate = rollbackPassRate
    }

    enum CodingKeys: String, CodingKey {
        case autopilot, gatePassRate = "gate_pass_rate", gateMinMessages = "gate_min_messages"
        case rollbackPassRate = "rollback_pass_rate"
    }
}
