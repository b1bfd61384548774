import GRDB
import RecordBuilder

extension Inventory {
    /// What ``planMXChange(_:add:remove:actor:now:reason:)`` did.
    public struct MXChangeResult: Sendable, Equatable, Codable {
        /// The domain after the change (its patterns are the union now served).
        public var domain: HostedDomain
        /// The id served before the change.
        public var oldPolicyID: String
        /// The id served from now on (the union's).
        public var unionPolicyID: String
        /// The removal plan, or `nil` when nothing is to be removed later.
        public var plan: MXChangePlan?

        enum CodingKeys: String, CodingKey {
            case domain, oldPolicyID = "old_policy_id", unionPolicyID = "union_policy_id", plan
        }
    }

    /// Starts an MX migration of `name` (RFC 8461 §3.1, §8.1, §8.3; field case C24): publishes
    /// the union of the current patterns and `add` at once (a new policy and id), and plans the
    /// removal of `remove` for when every policy served before may have expired from senders'
    /// caches (its last serving time plus its `max_age`). One audit row `mta-sts.mx-change.plan`.
    ///
    /// - Parameters:
    ///   - add: patterns to serve from now on (not yet listed).
    ///   - remove: listed patterns to drop once the wait is over; empty for a pure addition.
    /// - Returns: the ids before and after and the plan (`nil` when `remove` is empty).
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/conflict(subject:reason:)``
    ///   when MTA-STS is not in `testing`/`enforce`, the domain is winding down, or a plan is
    ///   already pending; ``InventoryError/invalidValue(argument:value:reason:)`` naming the
    ///   pattern for an `--add` already listed, a `--remove` not listed, a pattern in both, no
    ///   pattern at all, or a removal that would leave the policy without patterns.
    @discardableResult
    public func planMXChange(_ name: InventoryName, add: [MXPattern], remove: [MXPattern], actor: String, now: Int64,
                             reason: String? = nil) throws -> MXChangeResult {
        try write { db in
            let (id, before) = try Self.requireDomain(db, name)
            guard let mode = before.mtaSTSMode, mode != .none else {
                throw InventoryError.conflict(
                    subject: name.text,
                    reason: "MTA-STS is \(before.mtaSTSMode.map { "in '\($0.rawValue)' mode" } ?? "not hosted"); an mx change "
                        + "is only planned for a testing or enforce policy (use 'herald mta-sts set \(name.text) --mx …')")
            }
            if let windDown = try Self.fetchWindDown(db, domainID: id) {
                throw InventoryError.conflict(subject: name.text, reason: "the domain is winding down since "
                                              + "\(Self.isoTime(windDown.startedAt)); 'herald domain restore \(name.text)' cancels it")
            }
            if let plan = try Self.fetchMXPlan(db, domainID: id) {
                throw InventoryError.conflict(
                    subject: name.text,
                    reason: "an mx change is already pending (removal of \(plan.removed.map(\.text).joined(separator: " ")) at "
                        + "\(Self.isoTime(plan.removeAfter))); see 'herald mta-sts plan \(name.text)', or cancel it with "
                        + "'herald mta-sts mx-change \(name.text) --cancel'")
            }
            if add.isEmpty && remove.isEmpty {
                throw InventoryError.invalidValue(argument: "--add/--remove", value: "",
                                                  reason: "give at least one pattern to add or remove")
            }
            var seen = Set<MXPattern>()
            for p in add where !seen.insert(p).inserted {
                throw InventoryError.invalidValue(argument: "--add", value: p.text, reason: "the pattern is given twice")
            }
            for p in remove where !seen.insert(p).inserted {
                throw InventoryError.invalidValue(argument: "--remove", value: p.text,
                                                  reason: add.contains(p) ? "the pattern is both added and removed" : "the pattern is given twice")
            }
            let current = before.mxPatterns
            for p in add where current.contains(p) {
                throw InventoryError.invalidValue(argument: "--add", value: p.text,
                                                  reason: "already a pattern of \(name.text)'s policy")
            }
            for p in remove where !current.contains(p) {
                throw InventoryError.invalidValue(
                    argument: "--remove", value: p.text,
                    reason: "not a pattern of \(name.text)'s policy (patterns: \(current.map(\.text).joined(separator: " ")))")
            }
            let final = current.filter { !remove.contains($0) } + add
            if final.isEmpty {
                throw InventoryError.invalidValue(argument: "--remove", value: remove.map(\.text).joined(separator: " "),
                                                  reason: "the policy would be left without mx patterns (RFC 8461 §3.2)")
            }
            try Self.seedPolicyLedger(db, domainID: id, now: now)
            let oldID = try Self.currentServedPolicy(db, domainID: id)?.id ?? ""
            var after = before
            after.mxPatterns = current + add
            try DomainChanges.validate(after)
            try Self.storePolicy(db, id: id, domain: after, now: now)
            let unionID = try Self.currentServedPolicy(db, domainID: id)?.id ?? ""
            var plan: MXChangePlan?
            if !remove.isEmpty {
                var due = try Self.latestCacheExpiry(db, domainID: id, before: now) ?? now
                if unionID == oldID, let current = try Self.currentServedPolicy(db, domainID: id) {
                    // A pure removal: the policy still served is the old one.
                    due = max(due, now + Int64(current.maxAge))
                }
                let p = MXChangePlan(added: add, removed: remove, oldPolicyID: oldID, unionPolicyID: unionID, plannedAt: now,
                                     removeAfter: max(now, due), actor: actor.isEmpty ? "unknown" : actor, reason: reason)
                try db.execute(
                    sql: """
                        INSERT INTO mta_sts_mx_plans (domain_id, added, removed, old_policy_id, union_policy_id, planned_at,
                            remove_after, actor, reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [id, Self.json(p.added), Self.json(p.removed), p.oldPolicyID, p.unionPolicyID, p.plannedAt,
                                p.removeAfter, p.actor, p.reason])
                plan = p
            }
            let result = MXChangeResult(domain: after, oldPolicyID: oldID, unionPolicyID: unionID, plan: plan)
            try audit(db, time: now, actor: actor, action: .mxChangePlan, subject: name.text,
                      before: Self.json(before), after: Self.json(result), reason: reason)
            return result
        }
    }

    /// The pending mx change of `name`, or `nil`.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``.
    public func mxChangePlan(_ name: InventoryName) throws -> MXChangePlan? {
        try read { db in
            guard let id = try Self.domainID(db, name) else { throw InventoryError.unknownDomain(name.text) }
            return try Self.fetchMXPlan(db, domainID: id)
        }
    }

    /// Cancels the pending mx change of `name`; the union stays served. One audit row
    /// `mta-sts.mx-change.cancel`.
    ///
    /// - Returns: the cancelled plan.
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/conflict(subject:reason:)``
    ///   when no change is pending.
    @discardableResult
    public func cancelMXChange(_ name: InventoryName, actor: String, now: Int64, reason: String? = nil) throws -> MXChangePlan {
        try write { db in
            let (id, _) = try Self.requireDomain(db, name)
            guard let plan = try Self.fetchMXPlan(db, domainID: id) else {
                throw InventoryError.conflict(subject: name.text, reason: "no mx change is pending")
            }
            try db.execute(sql: "DELETE FROM mta_sts_mx_plans WHERE domain_id = ?", arguments: [id])
            try audit(db, time: now, actor: actor, action: .mxChangeCancel, subject: name.text,
                      before: Self.json(plan), after: nil, reason: reason)
            return plan
        }
    }

    // MARK: - Rows

    static func fetchMXPlan(_ db: Database, domainID: Int64) throws -> MXChangePlan? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM mta_sts_mx_plans WHERE domain_id = ?", arguments: [domainID]) else {
            return nil
        }
        return try decodeMXPlan(row)
    }

    static func decodeMXPlan(_ row: Row) throws -> MXChangePlan {
        func patterns(_ column: String) throws -> [MXPattern] {
            let text: String = row[column]
            guard let list = JSONText.parseStrings(text) else {
                throw InventoryError.corruptRow(table: "mta_sts_mx_plans", column: column, value: text)
            }
            return list.map(MXPattern.init(trusted:))
        }
        return MXChangePlan(added: try patterns("added"), removed: try patterns("removed"),
                            oldPolicyID: row["old_policy_id"], unionPolicyID: row["union_policy_id"],
                            plannedAt: row["planned_at"], removeAfter: row["remove_after"], actor: row["actor"],
                            reason: row["reason"])
    }

    /// Refuses a direct pattern edit while an mx change is pending (it would race the plan).
    static func refuseWhileMXPlanPending(_ db: Database, id: Int64, name: InventoryName) throws {
        guard let plan = try fetchMXPlan(db, domainID: id) else { return }
        throw InventoryError.conflict(
            subject: name.text,
            reason: "an mx change is pending (removal of \(plan.removed.map(\.text).joined(separator: " ")) at "
                + "\(isoTime(plan.removeAfter))); cancel it first with 'herald mta-sts mx-change \(name.text) --cancel'")
    }

    /// The latest cache expiry of the policies that stopped being served at or before `time`
    /// (RFC 8461 §8.3), or `nil` when there are none.
    static func latestCacheExpiry(_ db: Database, domainID: Int64, before time: Int64) throws -> Int64? {
        try Int64.fetchOne(
            db, sql: """
                SELECT max(served_until + max_age) FROM mta_sts_policies
                WHERE domain_id = ? AND served_until IS NOT NULL AND served_until <= ?
                """,
            arguments: [domainID, time])
    }
}
