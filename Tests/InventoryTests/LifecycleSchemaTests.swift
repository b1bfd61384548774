import Foundation
import GRDB
import Testing
@testable import Inventory
import RecordBuilder

/// Migration `0005-mta-sts-lifecycle-wind-down`: applied on top of an older inventory, and its
/// constraints hold for rows written by hand with SQL (ARCHITECTURE.md rule 9).
@Suite struct LifecycleSchemaTests {
    static let body = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n"

    /// A database at `0004-spf-mode-gate-provenance` with one domain holding a TLS-RPT URI.
    static func databaseAt0004() throws -> (directory: URL, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("herald.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try InventoryMigrations.migrator.migrate(queue, upTo: "0004-spf-mode-gate-provenance")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO settings (id, hosted_zone, report_zone, name_servers, soa_refresh, soa_retry, soa_expire,
                    soa_minimum, soa_ttl, policy_addresses, dmarc_mailbox, tlsrpt_mailbox, created_at)
                VALUES (1, 'hosted.example.net', 'reports.example.net', '["ns1.example.net"]', 7200, 3600, 1209600,
                    300, 3600, '["192.0.2.80"]', 'dmarc@reports.example.net', 'tlsrpt@reports.example.net', 0);
                INSERT INTO domains (name, dmarc_stage, stage_since, mta_sts_mode, tlsrpt_rua, created_at)
                VALUES ('example.com', 'monitor', 10, 'enforce', 'mailto:tls@example.com', 10);
                INSERT INTO domain_mx_patterns (domain_id, position, pattern) VALUES (1, 0, 'mail.example.com');
                """)
        }
        return (directory, path)
    }

    @Test func testMigration0005AppliesOnTopOf0004AndMovesTLSRPTURIs() throws {
        let (directory, path) = try Self.databaseAt0004()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inventory = try Inventory(path: path)
        let d = try name("example.com")
        let domain = try #require(try inventory.domain(d))
        #expect(domain.tlsrptRUAs.map(\.description) == ["mailto:tls@example.com"])
        #expect(try inventory.settings()?.windDownGraceDays == 30)
        let legacy = try inventory.pool.read { db in try String.fetchOne(db, sql: "SELECT tlsrpt_rua FROM domains") }
        #expect(legacy == nil)
        // The ledger starts empty; the first change records the policy served before it (from now).
        #expect(try inventory.policyHistory(d).isEmpty)
        #expect(try inventory.policyCacheExpiry(d, now: 100) == 100 + 604_800)
        try inventory.setMTASTS(d, mode: .testing, actor: "t", now: 100)
        let history = try inventory.policyHistory(d)
        #expect(history.map(\.mode) == [.enforce, .testing])
        #expect(history.first?.servedFrom == 100 && history.first?.servedUntil == 100)
        let strict = try inventory.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM pragma_table_list WHERE strict = 1 ORDER BY name")
        }
        #expect(Set(["mta_sts_policies", "mta_sts_mx_plans", "domain_wind_downs", "domain_tlsrpt_uris"]).isSubset(of: Set(strict)))
    }

    /// Each statement must be refused by the schema itself.
    @Test(arguments: [
        // The ledger: bounds, CRLF body, mode and max_age agreeing with the body.
        "INSERT INTO mta_sts_policies (domain_id, policy_id, body, mode, max_age, served_from) VALUES (1, 'A1', 'version: STSv1\r\nmode: enforce\r\nmx: m.example.com\r\nmax_age: 31557601\r\n', 'enforce', 31557601, 0)",
        "INSERT INTO mta_sts_policies (domain_id, policy_id, body, mode, max_age, served_from) VALUES (1, 'A1', 'version: STSv1\nmode: enforce\nmax_age: 1\n', 'enforce', 1, 0)",
        "INSERT INTO mta_sts_policies (domain_id, policy_id, body, mode, max_age, served_from) VALUES (1, 'A1', 'version: STSv1\r\nmode: testing\r\nmax_age: 1\r\n', 'enforce', 1, 0)",
        "INSERT INTO mta_sts_policies (domain_id, policy_id, body, mode, max_age, served_from) VALUES (1, 'A1', 'version: STSv1\r\nmode: testing\r\nmax_age: 2\r\n', 'testing', 1, 0)",
        "INSERT INTO mta_sts_policies (domain_id, policy_id, body, mode, max_age, served_from) VALUES (1, 'a-b', 'version: STSv1\r\nmode: none\r\nmax_age: 1\r\n', 'none', 1, 0)",
        "INSERT INTO mta_sts_policies (domain_id, policy_id, body, mode, max_age, served_from) VALUES (99, 'A1', 'version: STSv1\r\nmode: none\r\nmax_age: 1\r\n', 'none', 1, 0)",
        "INSERT INTO mta_sts_policies (domain_id, policy_id, body, mode, max_age, served_from, served_until) VALUES (1, 'A1', 'version: STSv1\r\nmode: none\r\nmax_age: 1\r\n', 'none', 1, 10, 5)",
        // Plans: at least one pattern to remove, due no earlier than planned.
        "INSERT INTO mta_sts_mx_plans (domain_id, added, removed, old_policy_id, union_policy_id, planned_at, remove_after, actor) VALUES (1, '[]', '[]', 'A', 'B', 0, 10, 'ops')",
        "INSERT INTO mta_sts_mx_plans (domain_id, added, removed, old_policy_id, union_policy_id, planned_at, remove_after, actor) VALUES (1, '[]', '[\"m.example.com\"]', 'A', 'B', 10, 5, 'ops')",
        "INSERT INTO mta_sts_mx_plans (domain_id, added, removed, old_policy_id, union_policy_id, planned_at, remove_after, actor) VALUES (1, 'x', '[\"m.example.com\"]', 'A', 'B', 0, 5, 'ops')",
        // Wind-downs: records_until is started_at + grace days; withdrawal not before its time.
        "INSERT INTO domain_wind_downs (domain_id, started_at, grace_days, records_until, actor) VALUES (1, 0, 30, 86400, 'ops')",
        "INSERT INTO domain_wind_downs (domain_id, started_at, grace_days, records_until, actor) VALUES (1, 0, 4000, 345600000, 'ops')",
        "INSERT INTO domain_wind_downs (domain_id, started_at, grace_days, records_until, mta_sts_until, mta_sts_withdrawn_at, actor) VALUES (1, 0, 1, 86400, 100, 50, 'ops')",
        "INSERT INTO domain_wind_downs (domain_id, started_at, grace_days, records_until, mta_sts_withdrawn_at, actor) VALUES (1, 0, 1, 86400, 50, 'ops')",
        // TLS-RPT URIs: a scheme, no spaces or ';'; the legacy column stays empty.
        "INSERT INTO domain_tlsrpt_uris (domain_id, position, uri) VALUES (1, 0, 'tls@example.com')",
        "INSERT INTO domain_tlsrpt_uris (domain_id, position, uri) VALUES (1, 0, 'mailto:a@example.com; x')",
        "UPDATE domains SET tlsrpt_rua = 'mailto:tls@example.com'",
        "UPDATE settings SET wind_down_grace_days = -1",
    ])
    func testConstraintsRefuseHandWrittenRows(_ sql: String) throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name("example.com"), actor: "t", now: TestInventory.t0)
        #expect(throws: DatabaseError.self) { try t.execute(sql) }
    }

    /// C21: every body the ledger records is CRLF with no BOM, `version` first and a final
    /// line ending (what the HTTPS server serves); an LF body written by hand is refused, and
    /// Herald's own parser still reads both.
    @Test func testC21LedgerBodiesAreCRLF() throws {
        let t = try TestInventory()
        let d = try name("example.com")
        try t.inventory.addDomain(d, actor: "t", now: TestInventory.t0)
        try t.inventory.setMTASTS(d, mode: .enforce, mxPatterns: [MXPattern(parsing: "mail.example.com", argument: "--mx"),
                                                               MXPattern(parsing: "*.mx.example.net", argument: "--mx")],
                                  actor: "t", now: TestInventory.t0)
        let body = try #require(try t.inventory.policyHistory(d).last?.body)
        #expect(body == "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.mx.example.net\r\nmax_age: 604800\r\n")
        #expect(!body.utf8.starts(with: [0xEF, 0xBB, 0xBF]) && !body.contains(" \r\n"))
        let lf = body.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(try MTASTSPolicy.parse(lf) == MTASTSPolicy.parse(body))
        #expect(try MTASTSPolicy.parse(lf + "x_future: 1\n").id == MTASTSPolicy.parse(body).id)
        try t.inventory.addDomain(name("example.org"), actor: "t", now: TestInventory.t0)  // id 2, no policy yet
        let insert = "INSERT INTO mta_sts_policies (domain_id, policy_id, body, mode, max_age, served_from) VALUES (2, 'L1', ?, 'enforce', 604800, 0)"
        #expect(throws: DatabaseError.self) { try t.execute(insert, [lf]) }
        try t.execute(insert, [body.replacingOccurrences(of: "mail.", with: "mx0.")])  // the same row in CRLF is accepted
    }

    /// The ledger is append-only except for closing a row once; an id never names two bodies;
    /// one open row per domain; a "change" that keeps the id is refused.
    @Test func testLedgerTriggersHoldForHandWrittenRows() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name("example.com"), actor: "t", now: TestInventory.t0)
        try t.inventory.addDomain(name("example.org"), actor: "t", now: TestInventory.t0)
        let insert = "INSERT INTO mta_sts_policies (domain_id, policy_id, body, mode, max_age, served_from) VALUES (?, ?, ?, 'enforce', 604800, ?)"
        try t.execute(insert, [1, "A", Self.body, 0])
        #expect(throws: DatabaseError.self) { try t.execute(insert, [1, "B", Self.body.replacingOccurrences(of: "mail.", with: "mx."), 1]) }
        #expect(throws: DatabaseError.self) {
            try t.execute(insert, [2, "A", Self.body.replacingOccurrences(of: "mail.", with: "mx."), 1])
        }
        try t.execute(insert, [2, "A", Self.body, 1])  // the same body elsewhere has the same id
        #expect(throws: DatabaseError.self) { try t.execute("UPDATE mta_sts_policies SET body = body || 'x' WHERE domain_id = 1") }
        #expect(throws: DatabaseError.self) { try t.execute("UPDATE mta_sts_policies SET max_age = 1 WHERE domain_id = 1") }
        try t.execute("UPDATE mta_sts_policies SET served_until = 10 WHERE domain_id = 1")
        #expect(throws: DatabaseError.self) { try t.execute("UPDATE mta_sts_policies SET served_until = 20 WHERE domain_id = 1") }
        #expect(throws: DatabaseError.self) { try t.execute(insert, [1, "A", Self.body, 10]) }
        try t.execute(insert, [1, "A", Self.body, 11])  // served again later: same body, same id
        // Removing a domain removes its ledger, plan and wind-down.
        try t.execute("INSERT INTO domain_wind_downs (domain_id, started_at, grace_days, records_until, actor) VALUES (1, 0, 1, 86400, 'ops')")
        try t.execute("DELETE FROM domains WHERE id = 1")
        let left = try t.inventory.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM mta_sts_policies WHERE domain_id = 1) + (SELECT count(*) FROM domain_wind_downs)")
        }
        #expect(left == 0)
    }

    /// Wind-down rows and TLS-RPT URIs change what is served: writing them bumps the generation
    /// counter that `herald serve` polls; the ledger and plans do not.
    @Test func testGenerationCounterWatchesLifecycleTables() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name("example.com"), actor: "t", now: TestInventory.t0)
        func bumps(_ sql: String) throws -> Bool {
            let before = try t.inventory.inventoryGeneration()
            try t.execute(sql)
            return try t.inventory.inventoryGeneration() > before
        }
        #expect(try bumps("INSERT INTO domain_wind_downs (domain_id, started_at, grace_days, records_until, actor) VALUES (1, 0, 1, 86400, 'ops')"))
        #expect(try bumps("UPDATE domain_wind_downs SET reason = 'x'"))
        #expect(try bumps("DELETE FROM domain_wind_downs"))
        #expect(try bumps("INSERT INTO domain_tlsrpt_uris (domain_id, position, uri) VALUES (1, 0, 'https://tls.example.com/r')"))
        #expect(try bumps("UPDATE settings SET wind_down_grace_days = 7"))
        #expect(try !bumps("INSERT INTO mta_sts_mx_plans (domain_id, added, removed, old_policy_id, union_policy_id, planned_at, remove_after, actor) VALUES (1, '[]', '[\"m.example.com\"]', 'A', 'B', 0, 5, 'ops')"))
    }
}
