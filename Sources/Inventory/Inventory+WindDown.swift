import GRDB
import RecordBuilder

extension Inventory {
    /// The allowed wind-down grace periods, days.
    public static let windDownGraceRange = 0...3650

    /// Starts the wind-down of `name` (`herald domain remove`; RFC 8461 §8.3, field case C24):
    /// from `now` its MTA-STS policy is `mode: none` with a new id, served until every policy
    /// served before may have expired from senders' caches; DMARC, SPF and TLS-RPT stay served
    /// for `graceDays` (default: the inventory's setting, 30 days). After both, the scheduled
    /// step of ``runDueLifecycleSteps(now:actor:)`` removes the domain. A pending mx change is
    /// cancelled. One audit row `domain.wind-down` (and `mta-sts.mx-change.cancel`).
    ///
    /// - Returns: the wind-down with its dates.
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/conflict(subject:reason:)``
    ///   when already winding down; ``InventoryError/invalidValue(argument:value:reason:)`` for a
    ///   grace outside 0…3650 days.
    @discardableResult
    public func startWindDown(_ name: InventoryName, graceDays: Int? = nil, actor: String, now: Int64,
                              reason: String? = nil) throws -> WindDown {
        if let graceDays, !Self.windDownGraceRange.contains(graceDays) {
            throw InventoryError.invalidValue(argument: "--grace", value: String(graceDays), reason: "expected whole days from 0 to 3650")
        }
        return try write { db in
            let settings = try Self.requireSettings(db)
            let (id, before) = try Self.requireDomain(db, name)
            if let existing = try Self.fetchWindDown(db, domainID: id) {
                throw InventoryError.conflict(
                    subject: name.text,
                    reason: "already winding down since \(Self.isoTime(existing.startedAt)), removal at "
                        + "\(Self.isoTime(existing.removeAt)); 'herald domain restore \(name.text)' cancels it")
            }
            if let plan = try Self.fetchMXPlan(db, domainID: id) {
                try db.execute(sql: "DELETE FROM mta_sts_mx_plans WHERE domain_id = ?", arguments: [id])
                try audit(db, time: now, actor: actor, action: .mxChangeCancel, subject: name.text,
                          before: Self.json(plan), after: nil, reason: "domain wind-down")
            }
            try Self.seedPolicyLedger(db, domainID: id, now: now)
            let cachedUntil = try Self.policyCacheExpiry(db, domainID: id, now: now, domain: before)
            let grace = graceDays ?? settings.windDownGraceDays
            let windDown = WindDown(
                startedAt: now, graceDays: grace, recordsUntil: now + Int64(grace) * 86_400,
                mtaSTSUntil: cachedUntil.map { max(now, $0) }, mtaSTSWithdrawnAt: nil,
                actor: actor.isEmpty ? "unknown" : actor, reason: reason)
            try db.execute(
                sql: """
                    INSERT INTO domain_wind_downs (domain_id, started_at, grace_days, records_until, mta_sts_until, actor, reason)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id, windDown.startedAt, windDown.graceDays, windDown.recordsUntil, windDown.mtaSTSUntil,
                            windDown.actor, windDown.reason])
            try Self.syncPolicyLedger(db, domainID: id, now: now)
            try audit(db, time: now, actor: actor, action: .domainWindDown, subject: name.text,
                      before: Self.json(before), after: Self.json(windDown), reason: reason)
            return windDown
        }
    }

    /// Cancels the wind-down of `name` (`herald domain restore`): its own records and policy
    /// are served again (a policy withdrawn comes back under a new ledger row). One audit row
    /// `domain.restore`.
    ///
    /// - Returns: the cancelled wind-down.
    /// - Throws: ``InventoryError/unknownDomain(_:)`` (also once the wind-down has removed the
    ///   domain); ``InventoryError/conflict(subject:reason:)`` when it is not winding down.
    @discardableResult
    public func restoreDomain(_ name: InventoryName, actor: String, now: Int64, reason: String? = nil) throws -> WindDown {
        try write { db in
            let (id, _) = try Self.requireDomain(db, name)
            guard let windDown = try Self.fetchWindDown(db, domainID: id) else {
                throw InventoryError.conflict(subject: name.text, reason: "the domain is not winding down")
            }
            try db.execute(sql: "DELETE FROM domain_wind_downs WHERE domain_id = ?", arguments: [id])
            try Self.syncPolicyLedger(db, domainID: id, now: now)
            try audit(db, time: now, actor: actor, action: .domainRestore, subject: name.text,
                      before: Self.json(windDown), after: nil, reason: reason)
            return windDown
        }
    }

    /// The wind-down of `name`, or `nil` when it is not winding down.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``.
    public func windDown(_ name: InventoryName) throws -> WindDown? {
        try read { db in
            guard let id = try Self.domainID(db, name) else { throw InventoryError.unknownDomain(name.text) }
            return try Self.fetchWindDown(db, domainID: id)
        }
    }

    /// Sets the default wind-down grace period (days DMARC/SPF/TLS-RPT stay served after
    /// `herald domain remove`), with an audit row `settings.wind-down-grace`.
    ///
    /// - Throws: ``InventoryError/notInitialized``; ``InventoryError/invalidValue(argument:value:reason:)``
    ///   outside 0…3650 days.
    public func setWindDownGrace(days: Int, actor: String, now: Int64) throws {
        guard Self.windDownGraceRange.contains(days) else {
            throw InventoryError.invalidValue(argument: "DAYS", value: String(days), reason: "expected whole days from 0 to 3650")
        }
        try write { db in
            let before = try Self.requireSettings(db).windDownGraceDays
            try db.execute(sql: "UPDATE settings SET wind_down_grace_days = ? WHERE id = 1", arguments: [days])
            try audit(db, time: now, actor: actor, action: .windDownGrace, subject: "settings",
                      before: String(before), after: String(days), reason: nil)
        }
    }

    /// Runs every lifecycle step due at `now`, each with its audit row, in one transaction:
    /// an mx change whose wait is over removes its old patterns (a new policy id); a winding-down
    /// domain whose MTA-STS wait is over stops serving its policy and `_mta-sts` record; a
    /// winding-down domain whose grace and MTA-STS wait are both over is removed with all its
    /// records. Called by `herald serve` on a timer and by `herald build`.
    ///
    /// - Returns: the steps taken, in domain order (empty when nothing was due).
    /// - Throws: ``InventoryError/database(_:)``; nothing is written then.
    @discardableResult
    public func runDueLifecycleSteps(now: Int64, actor: String) throws -> [LifecycleStep] {
        try write { db in
            var steps: [LifecycleStep] = []
            let plans = try Row.fetchAll(db, sql: """
                SELECT p.*, d.name AS domain_name FROM mta_sts_mx_plans p JOIN domains d ON d.id = p.domain_id
                WHERE p.remove_after <= ? ORDER BY d.name
                """, arguments: [now])
            for row in plans {
                let id: Int64 = row["domain_id"]
                let name = InventoryName(trusted: row["domain_name"])
                let plan = try Self.decodeMXPlan(row)
                let (_, before) = try Self.requireDomain(db, name)
                var after = before
                after.mxPatterns = before.mxPatterns.filter { !plan.removed.contains($0) }
                try db.execute(sql: "DELETE FROM mta_sts_mx_plans WHERE domain_id = ?", arguments: [id])
                if after.mxPatterns.isEmpty && (before.mtaSTSMode ?? .none) != .none {
                    try audit(db, time: now, actor: actor, action: .mxChangeCancel, subject: name.text,
                              before: Self.json(plan), after: nil,
                              reason: "removing \(plan.removed.map(\.text).joined(separator: " ")) would leave no mx pattern")
                    steps.append(LifecycleStep(domain: name, kind: .mxChangeDropped,
                                               detail: "removing \(plan.removed.map(\.text).joined(separator: " ")) would leave no pattern"))
                    continue
                }
                try Self.storePolicy(db, id: id, domain: after, now: now)
                let newID = try Self.currentServedPolicy(db, domainID: id)?.id
                struct Executed: Encodable {
                    var plan: MXChangePlan
                    var domain: HostedDomain
                    var policyID: String?
                    enum CodingKeys: String, CodingKey { case plan, domain, policyID = "policy_id" }
                }
                try audit(db, time: now, actor: actor, action: .mxChangeExecute, subject: name.text,
                          before: Self.json(before), after: Self.json(Executed(plan: plan, domain: after, policyID: newID)),
                          reason: plan.reason)
                steps.append(LifecycleStep(
                    domain: name, kind: .mxPatternsRemoved,
                    detail: "removed \(plan.removed.map(\.text).joined(separator: " ")); mx now "
                        + "\(after.mxPatterns.map(\.text).joined(separator: " ")), id \(newID ?? "-")"))
            }

            let windDowns = try Row.fetchAll(db, sql: """
                SELECT w.*, d.name AS domain_name FROM domain_wind_downs w JOIN domains d ON d.id = w.domain_id
                ORDER BY d.name
                """)
            for row in windDowns {
                let id: Int64 = row["domain_id"]
                let name = InventoryName(trusted: row["domain_name"])
                var windDown = Self.decodeWindDown(row)
                if windDown.servesMTASTS, let until = windDown.mtaSTSUntil, until <= now {
                    try db.execute(sql: "UPDATE domain_wind_downs SET mta_sts_withdrawn_at = ? WHERE domain_id = ?",
                                   arguments: [now, id])
                    windDown.mtaSTSWithdrawnAt = now
                    try Self.syncPolicyLedger(db, domainID: id, now: now)
                    try audit(db, time: now, actor: actor, action: .mtaSTSWithdraw, subject: name.text,
                              before: nil, after: Self.json(windDown), reason: "wind-down: cached policies have expired (RFC 8461 §8.3)")
                    steps.append(LifecycleStep(domain: name, kind: .mtaSTSWithdrawn,
                                               detail: "mode none policy and _mta-sts record withdrawn"))
                }
                if !windDown.servesMTASTS, windDown.removeAt <= now {
                    let (_, domain) = try Self.requireDomain(db, name)
                    try db.execute(sql: "DELETE FROM domains WHERE id = ?", arguments: [id])
                    struct Removed: Encodable {
                        var domain: HostedDomain
                        var windDown: WindDown
                        enum CodingKeys: String, CodingKey { case domain, windDown = "wind_down" }
                    }
                    try audit(db, time: now, actor: actor, action: .domainRemove, subject: name.text,
                              before: Self.json(Removed(domain: domain, windDown: windDown)), after: nil,
                              reason: "wind-down finished (started \(Self.isoTime(windDown.startedAt)))")
                    steps.append(LifecycleStep(domain: name, kind: .domainRemoved,
                                               detail: "wind-down finished; every record withdrawn and the domain removed"))
                }
            }
            return steps
        }
    }

    /// The earliest time, Unix seconds, at which a lifecycle step is due, or `nil` when nothing
    /// is pending (a scheduler may sleep until then).
    public func nextLifecycleStepTime() throws -> Int64? {
        try read { db in
            let plan = try Int64.fetchOne(db, sql: "SELECT min(remove_after) FROM mta_sts_mx_plans")
            let withdraw = try Int64.fetchOne(db, sql: """
                SELECT min(mta_sts_until) FROM domain_wind_downs WHERE mta_sts_until IS NOT NULL AND mta_sts_withdrawn_at IS NULL
                """)
            let remove = try Int64.fetchOne(db, sql: "SELECT min(max(records_until, coalesce(mta_sts_until, 0))) FROM domain_wind_downs")
            return [plan, withdraw, remove].compactMap { $0 }.min()
        }
    }

    // MARK: - Rows

    static func fetchWindDown(_ db: Database, domainID: Int64) throws -> WindDown? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM domain_wind_downs WHERE domain_id = ?", arguments: [domainID]) else {
            return nil
        }
        return decodeWindDown(row)
    }

    static func decodeWindDown(_ row: Row) -> WindDown {
        WindDown(startedAt: row["started_at"], graceDays: row["grace_days"], recordsUntil: row["records_until"],
                 mtaSTSUntil: row["mta_sts_until"], mtaSTSWithdrawnAt: row["mta_sts_withdrawn_at"], actor: row["actor"],
                 reason: row["reason"])
    }
}
