import GRDB
import Testing
@testable import Inventory

/// The change detector `herald serve` polls.
struct GenerationTests {
    @Test func testGenerationChangesWhenAnotherPoolWrites() throws {
        let t = try TestInventory()
        let other = try Inventory(path: t.path)   // a second DatabasePool on the same file
        let g0 = try t.inventory.inventoryGeneration()
        try other.addDomain(name("example.com"), actor: "other", now: TestInventory.t0)
        let g1 = try t.inventory.inventoryGeneration()
        #expect(g1 > g0)
        try other.addRange(domain: name("example.com"), cidr: cidr("192.0.2.0/24"), actor: "other", now: TestInventory.t0)
        let g2 = try t.inventory.inventoryGeneration()
        #expect(g2 > g1)
        try other.advance(name("example.com"), force: true, actor: "other", now: TestInventory.t0)
        #expect(try t.inventory.inventoryGeneration() > g2)
    }

    @Test func testEveryWatchedTableBumpsTheGeneration() throws {
        let t = try TestInventory()
        let d = try name("example.com")
        var last = try t.inventory.inventoryGeneration()
        func bumped() throws -> Bool {
            let now = try t.inventory.inventoryGeneration()
            defer { last = now }
            return now > last
        }
        try t.inventory.addSender(Sender(slug: slug("own-relay"), displayName: "Own relay", spfEntryPoint: nil), actor: "t", now: 0)
        #expect(try bumped())
        try t.inventory.addDomain(d, actor: "t", now: 0)
        #expect(try bumped())
        try t.inventory.setMTASTS(d, mode: .testing, mxPatterns: [MXPattern(parsing: "mx.example.com", argument: "--mx")],
                                  actor: "t", now: 0)
        #expect(try bumped())
        try t.inventory.approve(domain: d, sender: slug("own-relay"), actor: "t", now: 0)
        #expect(try bumped())
        try t.inventory.revoke(domain: d, sender: slug("own-relay"), actor: "t", now: 0)
        #expect(try bumped())
        try t.inventory.addRange(domain: d, cidr: cidr("192.0.2.0/24"), actor: "t", now: 0)
        #expect(try bumped())
        try t.execute("UPDATE settings SET pct_shim = 0")
        #expect(try bumped())
    }

    @Test func testEveryWatchedTableHasInsertUpdateDeleteTriggers() throws {
        let t = try TestInventory()
        let triggers = try t.inventory.pool.read { db in
            try String.fetchAll(db, sql: "SELECT tbl_name || ':' || sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%inventory_generation%'")
        }
        for table in InventoryMigrations.watchedTables {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                #expect(triggers.contains { $0.hasPrefix(table + ":") && $0.contains("AFTER \(event) ON \(table)") },
                        "\(table) \(event)")
            }
        }
    }

    @Test func testPublisherBookkeepingDoesNotBumpTheGeneration() throws {
        let t = try TestInventory()
        let d = try name("example.com")
        try t.inventory.addDomain(d, actor: "t", now: 0)
        try t.inventory.savePublished(domain: d, records: [PublishedRecord(owner: "x", strings: ["v=DMARC1; p=none"])],
                                      policy: nil, builtAt: 5)
        let g = try t.inventory.inventoryGeneration()
        try t.inventory.setPublishedSerial(2026010101)
        #expect(try t.inventory.published().serial == 2026010101 && t.inventory.published().content == nil)
        try t.inventory.setPublishedSerial(2026010102, content: "0123456789abcdef0123456789abcdef")
        #expect(try t.inventory.published().serial == 2026010102)
        #expect(try t.inventory.published().content == "0123456789abcdef0123456789abcdef")
        #expect(throws: InventoryError.self) { try t.inventory.setPublishedSerial(1, content: "") }
        #expect(try t.inventory.published().serial == 2026010102)
        try t.inventory.setPublishedSerial(2026010101)
        try t.inventory.recordBuildFailure(domain: d, error: "timeout", at: 6)
        try t.inventory.appendAudit(action: AuditAction("build.held"), subject: "example.com", actor: "serve", now: 7)
        #expect(try t.inventory.inventoryGeneration() == g)
        #expect(try t.inventory.settings()?.publishedSerial == 2026010101)
        // What is served changing does bump it (migration 0004), so `herald serve` sees `herald build`.
        try t.inventory.savePublished(domain: d, records: [PublishedRecord(owner: "x", strings: ["v=DMARC1; p=reject"])],
                                      policy: nil, builtAt: 8)
        #expect(try t.inventory.inventoryGeneration() > g)
    }

    @Test func testPublishedStateHasGenerationTriggers() throws {
        let t = try TestInventory()
        let triggers = try t.inventory.pool.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'published_state'")
        }
        #expect(triggers.contains { $0.contains("AFTER INSERT ON published_state") })
        let update = try #require(triggers.first { $0.contains("AFTER UPDATE OF") })
        for column in InventoryMigrations.watchedPublishedColumns {
            #expect(update.contains("OLD.\(column) IS NOT NEW.\(column)"), "\(column)")
        }
    }
}
