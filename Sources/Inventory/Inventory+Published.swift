import Foundation
import GRDB

extension Inventory {
    /// Stores the outcome of a successful build of `domain`: replaces the last good records and
    /// policy, clears the error and the stale flag. Does not change ``inventoryGeneration()``.
    ///
    /// - Parameters:
    ///   - records: every TXT record published for the domain.
    ///   - policy: the MTA-STS policy served, or `nil` when MTA-STS is not hosted.
    ///   - builtAt: build time, Unix seconds.
    /// - Throws: ``InventoryError/unknownDomain(_:)``; ``InventoryError/database(_:)`` when a policy
    ///   id is not 1–32 of `[A-Za-z0-9]` (a CHECK constraint).
    public func savePublished(domain: InventoryName, records: [PublishedRecord], policy: PublishedPolicy?,
                              builtAt: Int64) throws {
        try write { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            try db.execute(
                sql: """
                    INSERT INTO published_state (domain_id, records, mta_sts_body, mta_sts_id, built_at, attempted_at,
                        last_error, stale)
                    VALUES (?, ?, ?, ?, ?, ?, NULL, 0)
                    ON CONFLICT (domain_id) DO UPDATE SET records = excluded.records,
                        mta_sts_body = excluded.mta_sts_body, mta_sts_id = excluded.mta_sts_id,
                        built_at = excluded.built_at, attempted_at = excluded.attempted_at,
                        last_error = NULL, stale = 0
                    """,
                arguments: [id, Self.json(records), policy?.body, policy?.id, builtAt, builtAt])
        }
    }

    /// Records a failed build of `domain`: keeps the last good records and policy, sets the
    /// error and the stale flag (RECORDS.md "SPF" Safety; field case C10).
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``.
    public func recordBuildFailure(domain: InventoryName, error: String, at time: Int64) throws {
        try write { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            try db.execute(
                sql: """
                    INSERT INTO published_state (domain_id, attempted_at, last_error, stale) VALUES (?, ?, ?, 1)
                    ON CONFLICT (domain_id) DO UPDATE SET attempted_at = excluded.attempted_at,
                        last_error = excluded.last_error, stale = 1
                    """,
                arguments: [id, time, error])
        }
    }

    /// The published state of `domain`, or `nil` before its first build attempt.
    ///
    /// - Throws: ``InventoryError/unknownDomain(_:)``.
    public func publishedState(_ domain: InventoryName) throws -> PublishedState? {
        try read { db in
            guard let id = try Self.domainID(db, domain) else { throw InventoryError.unknownDomain(domain.text) }
            return try Self.fetchPublished(db, domainID: id)
        }
    }

    /// Every domain's published state, keyed by domain name.
    public func allPublishedStates() throws -> [InventoryName: PublishedState] {
        try read { db in
            var result: [InventoryName: PublishedState] = [:]
            for (id, domain) in try Self.fetchAllDomains(db) {
                if let state = try Self.fetchPublished(db, domainID: id) { result[domain.name] = state }
            }
            return result
        }
    }

    static func fetchPublished(_ db: Database, domainID: Int64) throws -> PublishedState? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM published_state WHERE domain_id = ?",
                                         arguments: [domainID]) else { return nil }
        var records: [PublishedRecord]?
        if let text: String = row["records"] {
            do {
                records = try JSONDecoder().decode([PublishedRecord].self, from: Data(text.utf8))
            } catch {
                throw InventoryError.corruptRow(table: "published_state", column: "records", value: text)
            }
        }
        var policy: PublishedPolicy?
        if let body: String = row["mta_sts_body"], let id: String = row["mta_sts_id"] {
            policy = PublishedPolicy(body: body, id: id)
        }
        return PublishedState(records: records, policy: policy, builtAt: row["built_at"], attemptedAt: row["attempted_at"],
                              lastError: row["last_error"], stale: row["stale"])
    }
}
