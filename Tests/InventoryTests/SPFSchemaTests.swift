import GRDB
import Testing
@testable import Inventory

/// The CHECK constraints of migration `0004-spf-mode-gate-provenance` refuse bad rows, whoever
/// writes them (ARCHITECTURE.md rule 9).
struct SPFSchemaTests {
    /// An inventory with domain 1 (`example.com`) and a published row for it.
    static func prepared() throws -> TestInventory {
        let t = try TestInventory()
        try t.inventory.addDomain(name("example.com"), actor: "t", now: 0)
        try t.inventory.savePublished(domain: name("example.com"), records: [], policy: nil, builtAt: 1)
        return t
    }

    @Test(arguments: [
        "UPDATE domains SET spf_mode = 'include'",
        "UPDATE domains SET spf_mode = NULL",
        "UPDATE domains SET spf_mode = 'Macro'",
        "UPDATE settings SET spf_shrink_threshold = 0",
        "UPDATE settings SET spf_shrink_threshold = -0.1",
        "UPDATE settings SET spf_shrink_threshold = 1.01",
        "UPDATE settings SET spf_shrink_threshold = NULL",
        "UPDATE settings SET refresh_interval = 59",
        "UPDATE settings SET refresh_interval = 86401",
        "UPDATE settings SET refresh_interval = 600.5",
        "UPDATE published_state SET pass_sets = '[\"192.0.2.0/24\"]'",
        "UPDATE published_state SET pass_sets = '{\"own\": '",
        "UPDATE published_state SET provenance = 'not json'",
        "UPDATE published_state SET lookups = -1",
        "UPDATE published_state SET void_lookups = -1",
        "UPDATE published_state SET records = NULL, built_at = NULL, pass_sets = '{}'",
        "UPDATE published_state SET held_at = 5",
        "UPDATE published_state SET held_records = '[]'",
        "UPDATE published_state SET held_records = '[]', held_at = 5, held_reasons = '[\"x\"]'",
        "UPDATE published_state SET held_records = '[]', held_at = 5, held_diff = '{}'",
        "UPDATE published_state SET held_records = '{}', held_at = 5, held_diff = '{}', held_reasons = '[\"x\"]'",
        "UPDATE published_state SET held_records = '[]', held_at = 5, held_diff = 'x', held_reasons = '[\"x\"]'",
        "UPDATE published_state SET held_records = '[]', held_at = 5, held_diff = '{}', held_reasons = '\"x\"'",
        "UPDATE published_state SET held_records = '[]', held_at = 5, held_diff = '{}', held_reasons = '[]', held_policy_body = 'b'",
        "UPDATE published_state SET held_records = '[]', held_at = 5, held_diff = '{}', held_reasons = '[]', held_policy_body = 'b', held_policy_id = 'bad id'",
        "UPDATE published_state SET held_records = '[]', held_at = 5, held_diff = '{}', held_reasons = '[]', held_lookups = -2",
        "UPDATE published_state SET held_pass_sets = '{}'",
        "UPDATE published_state SET held_provenance = '[]'",
    ])
    func testSPFConstraintViolationsAreRejected(sql: String) throws {
        let t = try Self.prepared()
        let before = try t.counts()
        let state = try t.inventory.publishedState(name("example.com"))
        #expect(throws: DatabaseError.self) { try t.execute(sql) }
        #expect(try t.counts() == before)
        #expect(try t.inventory.publishedState(name("example.com")) == state)
    }

    @Test func testWellFormedHeldRowIsAccepted() throws {
        let t = try Self.prepared()
        try t.execute("""
            UPDATE published_state SET held_records = '[]', held_at = 5, held_diff = '{}', held_reasons = '["shrinks"]',
                held_policy_body = 'b', held_policy_id = 'abc', held_pass_sets = '{"own": []}', held_provenance = '[]',
                held_lookups = 2, held_void_lookups = 0
            """)
        let held = try #require(try t.inventory.publishedState(name("example.com"))?.held)
        #expect(held.reasons == ["shrinks"])
        #expect(held.policy == PublishedPolicy(body: "b", id: "abc"))
        #expect(held.passSets == ["own": []])
        #expect(held.lookups == 2)
    }

    @Test func testSettingsTriggerCoversTheNewColumns() throws {
        let t = try TestInventory()
        var g = try t.inventory.inventoryGeneration()
        try t.execute("UPDATE settings SET spf_shrink_threshold = 0.25")
        #expect(try t.inventory.inventoryGeneration() > g)
        g = try t.inventory.inventoryGeneration()
        try t.execute("UPDATE settings SET refresh_interval = 600")
        #expect(try t.inventory.inventoryGeneration() > g)
        let settings = try #require(try t.inventory.settings())
        #expect(settings.spfShrinkThreshold == 0.25)
        #expect(settings.refreshInterval == 600)
    }
}
