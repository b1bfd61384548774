import GRDB

extension Inventory {
    /// Audit rows, newest first.
    ///
    /// - Parameters:
    ///   - subject: only rows about this subject (a domain name), or `nil` for all.
    ///   - limit: at most this many rows (≥ 1).
    /// - Throws: ``InventoryError/invalidValue(argument:value:reason:)`` for a limit below 1.
    public func auditEntries(subject: String? = nil, limit: Int = 50) throws -> [AuditEntry] {
        guard limit >= 1 else {
            throw InventoryError.invalidValue(argument: "--limit", value: String(limit), reason: "must be at least 1")
        }
        return try read { db in
            let rows: [Row]
            if let subject {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE subject = ? ORDER BY id DESC LIMIT ?",
                                        arguments: [subject, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit])
            }
            return rows.map { row in
                AuditEntry(id: row["id"], time: row["time"], actor: row["actor"], action: AuditAction(row["action"] as String),
                           subject: row["subject"], before: row["before"], after: row["after"], reason: row["reason"])
            }
        }
    }

    /// Appends an audit row for a change made outside the inventory API (a build held for
    /// confirmation, a confirmed build), in its own transaction.
    public func appendAudit(action: AuditAction, subject: String, before: String? = nil, after: String? = nil,
                            reason: String? = nil, actor: String, now: Int64) throws {
        try write { db in
            try audit(db, time: now, actor: actor, action: action, subject: subject, before: before, after: after,
                      reason: reason)
        }
    }
}
