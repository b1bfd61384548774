import GRDB
import RecordBuilder

extension Inventory {
    /// Moves `domain` to `stage` and writes an audit row with from, to, actor and reason.
    ///
    /// Moving back (toward `monitor`) is always allowed. Moving forward without `force` is allowed
    /// only one rung at a time and only after the current stage's ``DMARCStage/minimumDwell``
    /// has passed since `stage_since` (RECORDS.md "DMARC").
    ///
    /// - Parameters:
    ///   - now: the current time, Unix seconds (becomes the new `stage_since`).
    ///   - gate: the evidence gate for a forward move (``StageGate``), or `nil` for dwell only.
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/stageChangeRefused(domain:reason:)``
    ///   when the domain is already at `stage`, the move skips rungs, the dwell has not passed, or
    ///   the gate refuses.
    @discardableResult
    public func setStage(_ domain: InventoryName, to stage: DMARCStage, force: Bool = false, reason: String? = nil,
                         actor: String, now: Int64, gate: StageGate? = nil) throws -> StageTransition {
        try changeStage(domain, action: .dmarcSet, force: force, reason: reason, actor: actor, now: now, gate: gate) { _ in stage }
    }

    /// Moves `domain` one rung up the ladder, after the dwell time and when `gate` allows it,
    /// unless `force`.
    ///
    /// - Throws: ``InventoryError/stageChangeRefused(domain:reason:)`` at `reject`, before the
    ///   dwell, or when the gate refuses; ``InventoryError/unknownDomain(_:)``.
    @discardableResult
    public func advance(_ domain: InventoryName, force: Bool = false, reason: String? = nil, actor: String,
                        now: Int64, gate: StageGate? = nil) throws -> StageTransition {
        try changeStage(domain, action: .dmarcAdvance, force: force, reason: reason, actor: actor, now: now, gate: gate) { current in
            guard let next = current.next else {
                throw InventoryError.stageChangeRefused(domain: domain.text, reason: "already at the top stage 'reject'")
            }
            return next
        }
    }

    /// Moves `domain` one rung down the ladder; always allowed (no dwell).
    ///
    /// - Throws: ``InventoryError/stageChangeRefused(domain:reason:)`` at `monitor`;
    ///   ``InventoryError/unknownDomain(_:)``.
    @discardableResult
    public func rollback(_ domain: InventoryName, reason: String? = nil, actor: String, now: Int64) throws -> StageTransition {
        try changeStage(domain, action: .dmarcRollback, force: false, reason: reason, actor: actor, now: now) { current in
            guard let previous = current.previous else {
                throw InventoryError.stageChangeRefused(domain: domain.text, reason: "already at the bottom stage 'monitor'")
            }
            return previous
        }
    }

    private func changeStage(_ name: InventoryName, action: AuditAction, force: Bool, reason: String?, actor: String,
                             now: Int64, gate: StageGate? = nil,
                             target: (DMARCStage) throws -> DMARCStage) throws -> StageTransition {
        try write { db in
            let (id, domain) = try Self.requireDomain(db, name)
            let from = domain.stage
            let to = try target(from)
            var forced = false
            if to == from {
                throw InventoryError.stageChangeRefused(domain: name.text, reason: "already at stage '\(from.rawValue)'")
            }
            if to > from {
                if to.rank > from.rank + 1 {
                    guard force else {
                        throw InventoryError.stageChangeRefused(
                            domain: name.text,
                            reason: "'\(from.rawValue)' → '\(to.rawValue)' skips stages; the next stage is "
                                + "'\(from.next!.rawValue)' (use --force to jump)")
                    }
                    forced = true
                }
                let dwelt = now - domain.stageSince
                let needed = from.minimumDwell
                if dwelt < needed {
                    guard force else {
                        throw InventoryError.stageChangeRefused(
                            domain: name.text,
                            reason: "at stage '\(from.rawValue)' for \(Self.duration(max(0, dwelt))), "
                                + "moving on needs \(Self.duration(needed)) (another \(Self.duration(needed - max(0, dwelt)))); "
                                + "use --force to override")
                    }
                    forced = true
                }
            }
            var evidence: String?
            if to > from, let gate, let verdict = try gate(db, id, name, from, to, now) {
                evidence = verdict.summary
                if !verdict.allowed {
                    guard force else {
                        throw InventoryError.stageChangeRefused(
                            domain: name.text, reason: "evidence gate: \(verdict.summary); use --force to override")
                    }
                    forced = true
                }
            }
            try db.execute(sql: "UPDATE domains SET dmarc_stage = ?, stage_since = ? WHERE id = ?",
                           arguments: [to.rawValue, now, id])
            struct StageState: Encodable {
                var stage: DMARCStage
                var since: Int64
                var forced: Bool?
                var evidence: String?
            }
            try audit(db, time: now, actor: actor, action: action, subject: name.text,
                      before: Self.json(StageState(stage: from, since: domain.stageSince)),
                      after: Self.json(StageState(stage: to, since: now, forced: forced ? true : nil, evidence: evidence)),
                      reason: reason)
            return StageTransition(domain: name, from: from, to: to, at: now, forced: forced)
        }
    }

    /// `14d`, `3d 4h`, `5h 12m`, `40s`: a duration in seconds for people.
    static func duration(_ seconds: Int64) -> String {
        let days = seconds / 86_400, hours = seconds % 86_400 / 3600, minutes = seconds % 3600 / 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days)d") }
        if hours > 0 { parts.append("\(hours)h") }
        if minutes > 0 && days == 0 { parts.append("\(minutes)m") }
        if parts.isEmpty { parts.append("\(seconds)s") }
        return parts.joined(separator: " ")
    }
}
