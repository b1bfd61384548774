import Foundation
import GRDB
import Testing
@testable import Inventory
import RecordBuilder

/// The schema itself refuses bad rows (ARCHITECTURE.md rule 9), whoever writes them.
struct SchemaTests {
    @Test func testMigrationsAreNamedAndAllApplied() throws {
        let t = try TestInventory()
        let applied = try t.inventory.pool.read { db in try InventoryMigrations.migrator.appliedIdentifiers(db) }
        #expect(Set(["0001-schema", "0002-builtin-senders", "0003-generation-counter", "0004-spf-mode-gate-provenance",
                     "0005-mta-sts-lifecycle-wind-down"]).isSubset(of: applied))
        #expect(applied == Set(InventoryMigrations.migrator.migrations))
        // Re-opening the same file is a no-op migration-wise.
        let again = try Inventory(path: t.path)
        #expect(try again.settings()?.hostedZone.text == "hosted.example.net")
    }

    @Test func testPoolIsWALWithForeignKeys() throws {
        let t = try TestInventory()
        let mode = try t.inventory.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let fk = try t.inventory.pool.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(fk == true)
    }

    @Test func testBuiltinSendersAreSeeded() throws {
        let t = try TestInventory()
        let senders = try t.inventory.senders()
        #expect(senders.count >= 12)
        #expect(senders.allSatisfy { $0.builtin })
        let expected = [
            "google-workspace": "_spf.google.com", "microsoft-365": "spf.protection.outlook.com",
            "sendgrid": "sendgrid.net", "mailchimp": "servers.mcsv.net", "mandrill": "spf.mandrillapp.com",
            "amazon-ses": "amazonses.com", "mailgun": "mailgun.org", "postmark": "spf.mtasv.net",
            "zendesk": "mail.zendesk.com", "marketo": "mktomail.com", "salesforce": "_spf.salesforce.com",
            "brevo": "spf.brevo.com",
        ]
        for (slug, entry) in expected {
            #expect(senders.first { $0.slug.text == slug }?.spfEntryPoint?.text == entry, "\(slug)")
        }
    }

    @Test func testStageCheckMatchesDMARCStageRawValues() throws {
        let t = try TestInventory()
        for (index, stage) in DMARCStage.allCases.enumerated() {
            try t.execute("INSERT INTO domains (name, dmarc_stage, stage_since, created_at) VALUES (?, ?, 0, 0)",
                          ["s\(index).example.com", stage.rawValue])
        }
        #expect(throws: DatabaseError.self) {
            try t.execute("INSERT INTO domains (name, dmarc_stage, stage_since, created_at) VALUES ('x.example.com', 'enforce', 0, 0)")
        }
    }

    @Test(arguments: [
        "INSERT INTO domains (name, dmarc_stage, stage_since, created_at) VALUES ('Example.com', 'monitor', 0, 0)",
        "INSERT INTO domains (name, dmarc_stage, stage_since, created_at) VALUES ('example..com', 'monitor', 0, 0)",
        "INSERT INTO domains (name, dmarc_stage, stage_since, created_at) VALUES (NULL, 'monitor', 0, 0)",
        "INSERT INTO domains (name, dmarc_stage, stage_since, created_at, spf_all) VALUES ('a.example.com', 'monitor', 0, 0, '+')",
        "INSERT INTO domains (name, dmarc_stage, stage_since, created_at, mta_sts_max_age) VALUES ('a.example.com', 'monitor', 0, 0, 31557601)",
        "INSERT INTO domains (name, dmarc_stage, stage_since, created_at, mta_sts_mode) VALUES ('a.example.com', 'monitor', 0, 0, 'strict')",
        "INSERT INTO domains (name, dmarc_stage, stage_since, created_at, sp) VALUES ('a.example.com', 'monitor', 0, 0, 'block')",
        "INSERT INTO domains (name, dmarc_stage, stage_since, created_at, adkim) VALUES ('a.example.com', 'monitor', 0, 0, 'x')",
        "INSERT INTO domains (name, dmarc_stage, stage_since, created_at, rua) VALUES ('a.example.com', 'monitor', 0, 0, 'https://x.example')",
        "INSERT INTO domains (name, dmarc_stage, stage_since, created_at) VALUES ('a.example.com', 'monitor', 'soon', 0)",
        "INSERT INTO senders (slug, display_name) VALUES ('Bad_Slug', 'x')",
        "INSERT INTO senders (slug, display_name) VALUES ('google-workspace', 'dup')",
        "INSERT INTO senders (slug, display_name) VALUES ('ok', '  ')",
        "INSERT INTO approvals (domain_id, sender_id, approved_at) VALUES (999, 1, 0)",
        "INSERT INTO ranges (domain_id, cidr, added_at) VALUES (999, '192.0.2.0/24', 0)",
        "INSERT INTO domain_mx_patterns (domain_id, position, pattern) VALUES (999, 0, 'mx.example.com')",
        "INSERT INTO published_state (domain_id, attempted_at, stale) VALUES (999, 0, 0)",
        "INSERT INTO settings (id, hosted_zone, report_zone, name_servers, soa_refresh, soa_retry, soa_expire, soa_minimum, soa_ttl, policy_addresses, dmarc_mailbox, tlsrpt_mailbox, created_at) VALUES (2, 'h.example', 'r.example', '[\"ns.example\"]', 1, 1, 1, 1, 1, '[\"192.0.2.1\"]', 'd@r.example', 't@r.example', 0)",
        "UPDATE settings SET name_servers = '[]'",
        "UPDATE settings SET pct_shim = 2",
        "UPDATE settings SET published_serial = 4294967296",
    ])
    func testConstraintViolationsAreRejected(sql: String) throws {
        let t = try TestInventory()
        let before = try t.counts()
        #expect(throws: DatabaseError.self) { try t.execute(sql) }
        #expect(try t.counts() == before)
    }

    @Test func testRangeRowsNeedAnExistingDomainAndCascade() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name("example.com"), senders: [slug("sendgrid")], actor: "t", now: TestInventory.t0)
        try t.inventory.addRange(domain: name("example.com"), cidr: cidr("192.0.2.0/24"), actor: "t", now: TestInventory.t0)
        try t.inventory.savePublished(domain: name("example.com"), records: [], policy: nil, builtAt: TestInventory.t0)
        // A sender still approved somewhere cannot be deleted.
        #expect(throws: DatabaseError.self) { try t.execute("DELETE FROM senders WHERE slug = 'sendgrid'") }
        try t.inventory.removeDomain(name("example.com"), actor: "t", now: TestInventory.t0)
        let counts = try t.counts()
        #expect(counts["approvals"] == 0)
        #expect(counts["ranges"] == 0)
        #expect(counts["published_state"] == 0)
    }

    @Test func testAuditLogIsAppendOnly() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name("example.com"), actor: "alice", now: TestInventory.t0)
        let before = try t.counts()
        #expect(before["audit_log"] == 2)
        #expect(throws: DatabaseError.self) { try t.execute("UPDATE audit_log SET actor = 'mallory'") }
        #expect(throws: DatabaseError.self) { try t.execute("DELETE FROM audit_log") }
        #expect(throws: DatabaseError.self) { try t.execute("DELETE FROM audit_log WHERE id = 1") }
        #expect(try t.counts() == before)
        #expect(try t.inventory.auditEntries(limit: 10).map(\.actor) == ["alice", "test"])
    }
}
