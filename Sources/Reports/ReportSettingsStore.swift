import Foundation
import GRDB
import Inventory

/// Reads and writes ``ReportSettings`` and ``DomainReportOptions``; every write is one
/// transaction with its audit row (actions `reports.settings`, `dmarc.autopilot`).
public struct ReportSettingsStore: Sendable {
    /// The inventory.
    public let inventory: Inventory

    /// Creates a store over `inventory`.
    public init(inventory: Inventory) { self.inventory = inventory }

    /// Audit action for a settings change.
    public static let settingsAction = AuditAction("reports.settings")
    /// Audit action for an autopilot opt-in or threshold change of a domain.
    public static let autopilotAction = AuditAction("dmarc.autopilot")

    /// The settings.
    public func settings() throws -> ReportSettings {
        try Self.mapErrors { try inventory.pool.read { try Self.fetchSettings($0) } }
    }

    static func fetchSettings(_ db: Database) throws -> ReportSettings {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM report_settings WHERE id = 1") else {
            return ReportSettings(gatePassRate: 0.98, gateMinMessages: 100, rollbackPassRate: 0.90, windowDays: 14,
                                  autopilotInterval: 3600, webhookURL: nil)
        }
        return ReportSettings(gatePassRate: row["gate_pass_rate"], gateMinMessages: row["gate_min_messages"],
                              rollbackPassRate: row["rollback_pass_rate"], windowDays: row["window_days"],
                              autopilotInterval: row["autopilot_interval"], webhookURL: row["webhook_url"])
    }

    /// Applies `change`, checking ranges first.
    ///
    /// - Throws: ``ReportsError/invalidSetting(argument:value:reason:)`` naming the option.
    @discardableResult
    public func update(_ change: ReportSettingsChange, actor: String, now: Int64) throws -> ReportSettings {
        try Self.mapErrors {
            try inventory.pool.write { db in
                let before = try Self.fetchSettings(db)
                var after = before
                if let v = change.gatePassRate { after.gatePassRate = v }
                if let v = change.gateMinMessages { after.gateMinMessages = v }
                if let v = change.rollbackPassRate { after.rollbackPassRate = v }
                if let v = change.windowDays { after.windowDays = v }
                if let v = change.autopilotInterval { after.autopilotInterval = v }
                if let v = change.webhookURL { after.webhookURL = v }
                try Self.check(rate: after.gatePassRate, argument: "--gate-pass-rate", allowZero: false)
                try Self.check(rate: after.rollbackPassRate, argument: "--rollback-pass-rate", allowZero: true)
                if after.rollbackPassRate > after.gatePassRate {
                    throw ReportsError.invalidSetting(argument: "--rollback-pass-rate", value: "\(after.rollbackPassRate)",
                                                      reason: "must not exceed the gate pass rate \(after.gatePassRate)")
                }
                guard (0...1_000_000_000).contains(after.gateMinMessages) else {
                    throw ReportsError.invalidSetting(argument: "--min-messages", value: "\(after.gateMinMessages)",
                                                      reason: "expected 0 to 1000000000 messages")
                }
                guard (1...366).contains(after.windowDays) else {
                    throw ReportsError.invalidSetting(argument: "--window", value: "\(after.windowDays)", reason: "expected 1 to 366 days")
                }
                guard (60...86_400).contains(after.autopilotInterval) else {
                    throw ReportsError.invalidSetting(argument: "--autopilot-interval", value: "\(after.autopilotInterval)",
                                                      reason: "expected 60 to 86400 seconds")
                }
                if let url = after.webhookURL {
                    guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                          parsed.host?.isEmpty == false else {
                        throw ReportsError.invalidSetting(argument: "--webhook", value: url, reason: "expected an http:// or https:// URL")
                    }
                }
                try db.execute(sql: """
                    INSERT INTO report_settings (id, gate_pass_rate, gate_min_messages, rollback_pass_rate, window_days,
                        autopilot_interval, webhook_url)
                    VALUES (1, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET gate_pass_rate = excluded.gate_pass_rate,
                        gate_min_messages = excluded.gate_min_messages, rollback_pass_rate = excluded.rollback_pass_rate,
                        window_days = excluded.window_days, autopilot_interval = excluded.autopilot_interval,
                        webhook_url = excluded.webhook_url
                    """,
                    arguments: [after.gatePassRate, after.gateMinMessages, after.rollbackPassRate, after.windowDays,
                                after.autopilotInterval, after.webhookURL])
                try Self.audit(db, action: Self.settingsAction, subject: "settings", before: before, after: after,
                               actor: actor, now: now, reason: nil)
                return after
            }
        }
    }

    /// The options of `domain` (defaults when none were set).
    ///
    /// - Throws: ``ReportsError/unknownDomain(_:)``.
    public func options(_ domain: InventoryName) throws -> DomainReportOptions {
        try Self.mapErrors {
            try inventory.pool.read { db in
                let id = try Self.requireDomainID(db, domain)
                return try Self.fetchOptions(db, domainID: id)
            }
        }
    }

    static func fetchOptions(_ db: Database, domainID: Int64) throws -> DomainReportOptions {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM domain_report_options WHERE domain_id = ?",
                                         arguments: [domainID]) else { return DomainReportOptions() }
        return DomainReportOptions(autopilot: (row["autopilot"] as Int64) == 1, gatePassRate: row["gate_pass_rate"],
                                   gateMinMessages: row["gate_min_messages"], rollbackPassRate: row["rollback_pass_rate"])
    }

    /// Replaces the options of `domain`, with an audit row `dmarc.autopilot`.
    ///
    /// - Throws: ``ReportsError/unknownDomain(_:)``; ``ReportsError/invalidSetting(argument:value:reason:)``.
    @discardableResult
    public func setOptions(_ domain: InventoryName, _ options: DomainReportOptions, actor: String, now: Int64,
                           reason: String? = nil) throws -> DomainReportOptions {
        if let rate = options.gatePassRate { try Self.check(rate: rate, argument: "--gate-pass-rate", allowZero: false) }
        if let rate = options.rollbackPassRate { try Self.check(rate: rate, argument: "--rollback-pass-rate", allowZero: true) }
        if let minimum = options.gateMinMessages, !(0...1_000_000_000).contains(minimum) {
            throw ReportsError.invalidSetting(argument: "--min-messages", value: "\(minimum)", reason: "expected 0 to 1000000000 messages")
        }
        return try Self.mapErrors {
            try inventory.pool.write { db in
                let id = try Self.requireDomainID(db, domain)
                let before = try Self.fetchOptions(db, domainID: id)
                try db.execute(sql: """
                    INSERT INTO domain_report_options (domain_id, autopilot, gate_pass_rate, gate_min_messages, rollback_pass_rate)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (domain_id) DO UPDATE SET autopilot = excluded.autopilot,
                        gate_pass_rate = excluded.gate_pass_rate, gate_min_messages = excluded.gate_min_messages,
                        rollback_pass_rate = excluded.rollback_pass_rate
                    """,
                    arguments: [id, options.autopilot ? 1 : 0, options.gatePassRate, options.gateMinMessages, options.rollbackPassRate])
                try Self.audit(db, action: Self.autopilotAction, subject: domain.text, before: before, after: options,
                               actor: actor, now: now, reason: reason)
                return options
            }
        }
    }

    static func check(rate: Double, argument: String, allowZero: Bool) throws {
        guard rate.isFinite, rate <= 1, allowZero ? rate >= 0 : rate > 0 else {
            throw ReportsError.invalidSetting(argument: argument, value: "\(rate)",
                                              reason: allowZero ? "expected a share from 0 to 1 (0.9 = 90 %)" : "expected a share above 0, at most 1 (0.98 = 98 %)")
        }
    }

    static func requireDomainID(_ db: Database, _ domain: InventoryName) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM domains WHERE name = ?", arguments: [domain.text]) else {
            throw ReportsError.unknownDomain(domain.text)
        }
        return id
    }

    /// Appends an audit row inside `db`'s transaction.
    static func audit<B: Encodable, A: Encodable>(_ db: Database, action: AuditAction, subject: String, before: B?, after: A?,
                                                   actor: String, now: Int64, reason: String?) throws {
        try db.execute(sql: """
            INSERT INTO audit_log (time, actor, action, subject, before, after, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [now, actor.isEmpty ? "unknown" : actor, action.rawValue, subject,
                        before.map { json($0) }, after.map { json($0) }, reason])
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// Maps GRDB errors to ``InventoryError/database(_:)``.
    static func mapErrors<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError {
            throw InventoryError.database(error.message ?? "\(error)")
        }
    }
}
