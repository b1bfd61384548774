import Foundation
import GRDB
import Testing
@testable import Inventory
import RecordBuilder

/// Migration `0004-spf-mode-gate-provenance` applied to an inventory created by the earlier
/// migrations (ARCHITECTURE.md rule 9: migrations are appended, never edited).
struct MigrationUpgradeTests {
    /// A database at `0003-generation-counter` with one domain and a published build, written
    /// with the SQL of that schema.
    static func databaseAt0003() throws -> (directory: URL, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("herald.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try InventoryMigrations.migrator.migrate(queue, upTo: "0003-generation-counter")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO settings (id, hosted_zone, report_zone, name_servers, soa_refresh, soa_retry, soa_expire,
                    soa_minimum, soa_ttl, policy_addresses, dmarc_mailbox, tlsrpt_mailbox, created_at)
                VALUES (1, 'hosted.example.net', 'reports.example.net', '["ns1.example.net"]', 7200, 3600, 1209600,
                    300, 3600, '["192.0.2.80"]', 'dmarc@reports.example.net', 'tlsrpt@reports.example.net', 0);
                INSERT INTO domains (name, dmarc_stage, stage_since, spf_all, created_at)
                VALUES ('example.com', 'quarantine-test', 10, '-', 10);
                INSERT INTO published_state (domain_id, records, built_at, attempted_at, stale)
                VALUES (1, '[{"owner":"example.com._spf.hosted.example.net","strings":["v=spf1 ip4:192.0.2.0/24 -all"]}]',
                    20, 20, 0);
                """)
        }
        return (directory, path)
    }

    @Test func testMigration0004AppliesOnTopOf0003AndKeepsRows() throws {
        let (directory, path) = try Self.databaseAt0003()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try DatabaseQueue(path: path).read { db in try InventoryMigrations.migrator.appliedIdentifiers(db) }
        #expect(before == ["0001-schema", "0002-builtin-senders", "0003-generation-counter"])

        let inventory = try Inventory(path: path)
        let applied = try inventory.pool.read { db in try InventoryMigrations.migrator.appliedIdentifiers(db) }
        #expect(applied.contains("0004-spf-mode-gate-provenance") && applied == Set(InventoryMigrations.migrator.migrations))

        let domain = try #require(try inventory.domain(name("example.com")))
        #expect(domain.spfMode == .flatten)
        #expect(domain.stage == .quarantineTest)
        #expect(domain.spfAll == .fail)
        let settings = try #require(try inventory.settings())
        #expect(settings.spfShrinkThreshold == 0.10)
        #expect(settings.refreshInterval == 3600)
        let state = try #require(try inventory.publishedState(name("example.com")))
        #expect(state.records == [PublishedRecord(owner: "example.com._spf.hosted.example.net",
                                                  strings: ["v=spf1 ip4:192.0.2.0/24 -all"])])
        #expect(state.builtAt == 20)
        #expect(state.passSets == nil)
        #expect(state.provenance == nil)
        #expect(state.lookups == nil)
        #expect(state.held == nil)

        // The upgraded tables are still STRICT and the new columns enforce their CHECKs.
        let strict = try inventory.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM pragma_table_list WHERE strict = 1 ORDER BY name")
        }
        #expect(Set(["domains", "settings", "published_state"]).isSubset(of: Set(strict)))
        #expect(throws: DatabaseError.self) {
            try inventory.pool.write { db in try db.execute(sql: "UPDATE domains SET spf_mode = 'include'") }
        }
        #expect(throws: DatabaseError.self) {
            try inventory.pool.write { db in try db.execute(sql: "UPDATE settings SET refresh_interval = 'hourly'") }
        }

        // Writing through the new API works on the upgraded file.
        var changes = DomainChanges()
        changes.spfMode = .set(.macro)
        try inventory.updateDomain(name("example.com"), changes: changes, actor: "t", now: 30)
        #expect(try inventory.domain(name("example.com"))?.spfMode == .macro)
    }
}
