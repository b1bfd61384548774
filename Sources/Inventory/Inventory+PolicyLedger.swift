import Foundation
import GRDB
import RecordBuilder

extension HostedDomain {
    /// The MTA-STS policy to serve for this domain now, or `nil` when none is served.
    ///
    /// - Not winding down: the domain's mode, patterns and `max_age` (RECORDS.md defaults:
    ///   86400 s in `testing` and `none`, 604800 s in `enforce`).
    /// - Winding down: `mode: none` with no `mx` lines and the mode's default `max_age`, a new
    ///   body and so a new id (RFC 8461 §8.3), until the wind-down withdraws it; then `nil`.
    ///
    /// - Throws: ``InventoryError/invalidValue(argument:value:reason:)`` when the stored choices
    ///   do not make a valid policy (RFC 8461 §3.2).
    public func servedMTASTSPolicy(windDown: WindDown?) throws -> MTASTSPolicy? {
        do {
            if let windDown {
                guard windDown.servesMTASTS else { return nil }
                return try MTASTSPolicy(mode: .none, mx: [])
            }
            guard let mode = mtaSTSMode else { return nil }
            return try MTASTSPolicy(mode: mode, mx: mxPatterns.map(\.text), maxAge: maxAge)
        } catch {
            throw InventoryError.invalidValue(argument: "mta-sts policy of \(name.text)", value: mxPatterns.map(\.text).joined(separator: " "),
                                              reason: "\(error)")
        }
    }
}

extension Inventory {
    /// Every MTA-STS policy served for `name`, oldest first (the ledger of migration `0005`).
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``.
    public func policyHistory(_ name: InventoryName) throws -> [MTASTSPolicyRecord] {
        try read { db in
            guard let id = try Self.domainID(db, name) else { throw InventoryError.unknownDomain(name.text) }
            return try Self.fetchPolicyHistory(db, domainID: id)
        }
    }

    /// The latest time, Unix seconds, until which a sender may cache any MTA-STS policy served
    /// for `name` (RFC 8461 §8.3), assuming the current one stopped being served at `now`; `nil`
    /// when the domain never served a policy.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``.
    public func policyCacheExpiry(_ name: InventoryName, now: Int64) throws -> Int64? {
        try read { db in
            let (id, domain) = try Self.requireDomain(db, name)
            return try Self.policyCacheExpiry(db, domainID: id, now: now, domain: domain)
        }
    }

    // MARK: - Rows

    static func fetchPolicyHistory(_ db: Database, domainID: Int64) throws -> [MTASTSPolicyRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM mta_sts_policies WHERE domain_id = ? ORDER BY id", arguments: [domainID])
            .map(decodePolicyRecord)
    }

    static func decodePolicyRecord(_ row: Row) throws -> MTASTSPolicyRecord {
        let modeText: String = row["mode"]
        guard let mode = MTASTSMode(rawValue: modeText) else {
            throw InventoryError.corruptRow(table: "mta_sts_policies", column: "mode", value: modeText)
        }
        return MTASTSPolicyRecord(policyID: row["policy_id"], body: row["body"], mode: mode, maxAge: row["max_age"],
                                  servedFrom: row["served_from"], servedUntil: row["served_until"])
    }

    /// The policy served for domain `domainID` as the database says now.
    static func currentServedPolicy(_ db: Database, domainID: Int64) throws -> MTASTSPolicy? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM domains WHERE id = ?", arguments: [domainID]) else {
            return nil
        }
        let (_, domain) = try decodeDomain(db, row)
        return try domain.servedMTASTSPolicy(windDown: try fetchWindDown(db, domainID: domainID))
    }

    /// Records the policy served before a change, for a domain whose ledger is still empty (an
    /// inventory older than migration `0005`): its serving time is unknown, so it counts from
    /// `now`.
    static func seedPolicyLedger(_ db: Database, domainID: Int64, now: Int64) throws {
        let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM mta_sts_policies WHERE domain_id = ?",
                                    arguments: [domainID]) ?? 0
        guard rows == 0, let policy = try currentServedPolicy(db, domainID: domainID) else { return }
        try insertPolicy(db, domainID: domainID, policy: policy, now: now)
    }

    /// Brings the ledger in line with the policy now served: when its id differs from the open
    /// row's, the open row is closed at `now` and a new one opened (RFC 8461 §3.1: a new body
    /// is a new id).
    static func syncPolicyLedger(_ db: Database, domainID: Int64, now: Int64) throws {
        let served = try currentServedPolicy(db, domainID: domainID)
        let open = try Row.fetchOne(
            db, sql: "SELECT id, policy_id FROM mta_sts_policies WHERE domain_id = ? AND served_until IS NULL",
            arguments: [domainID])
        if let open, let served, open["policy_id"] == served.id { return }
        if let open {
            try db.execute(sql: "UPDATE mta_sts_policies SET served_until = ? WHERE id = ?",
                           arguments: [now, open["id"] as Int64])
        }
        if let served { try insertPolicy(db, domainID: domainID, policy: served, now: now) }
    }

    static func insertPolicy(_ db: Database, domainID: Int64, policy: MTASTSPolicy, now: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO mta_sts_policies (domain_id, policy_id, body, mode, max_age, served_from)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [domainID, policy.id, policy.body, policy.mode.rawValue, policy.maxAge, now])
    }

    /// The latest time a sender may cache any policy served for the domain (each row's last
    /// serving time, or `now` for the open one, plus its `max_age`); for an unseeded ledger,
    /// the current policy from `now`. `nil` when no policy was ever served.
    static func policyCacheExpiry(_ db: Database, domainID: Int64, now: Int64, domain: HostedDomain) throws -> Int64? {
        let fromLedger = try Int64.fetchOne(
            db, sql: "SELECT max(coalesce(served_until, ?) + max_age) FROM mta_sts_policies WHERE domain_id = ?",
            arguments: [now, domainID])
        if let fromLedger { return fromLedger }
        let windDown = try fetchWindDown(db, domainID: domainID)
        guard let policy = try? domain.servedMTASTSPolicy(windDown: windDown) else { return nil }
        return now + Int64(policy.maxAge)
    }

    /// `2026-01-08T00:00:00Z` for Unix seconds `time` (messages and plans).
    public static func isoTime(_ time: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
    }
}
