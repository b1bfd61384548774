import Testing
@testable import Inventory
import RecordBuilder

/// The DMARC ladder (RECORDS.md "DMARC"): forward after the dwell, back always, audited.
struct StageTests {
    let t0 = TestInventory.t0
    let day = TestInventory.day

    func fresh() throws -> (TestInventory, InventoryName) {
        let t = try TestInventory()
        let d = try name("example.com")
        try t.inventory.addDomain(d, actor: "t", now: t0)
        return (t, d)
    }

    @Test func testAdvanceBeforeDwellIsRefusedAndWritesNothing() throws {
        let (t, d) = try fresh()
        let before = try t.counts()
        let error = inventoryError { try t.inventory.advance(d, actor: "alice", now: t0 + 13 * day) }
        guard case let .stageChangeRefused(domain, reason)? = error else {
            Issue.record("expected refusal, got \(String(describing: error))")
            return
        }
        #expect(domain == "example.com")
        #expect(reason.contains("13d"))
        #expect(reason.contains("14d"))
        #expect(reason.contains("another 1d"))
        #expect(try t.counts() == before)
        #expect(try t.inventory.domain(d)?.stage == .monitor)
    }

    @Test func testAdvanceAfterDwellWorksAndAudits() throws {
        let (t, d) = try fresh()
        let now = t0 + DMARCStage.monitor.minimumDwell
        let transition = try t.inventory.advance(d, reason: "reports clean", actor: "alice", now: now)
        #expect(transition == StageTransition(domain: d, from: .monitor, to: .quarantineTest, at: now, forced: false))
        let stored = try #require(try t.inventory.domain(d))
        #expect(stored.stage == .quarantineTest)
        #expect(stored.stageSince == now)
        let entry = try #require(try t.inventory.auditEntries(subject: "example.com", limit: 1).first)
        #expect(entry.action == .dmarcAdvance)
        #expect(entry.actor == "alice")
        #expect(entry.reason == "reports clean")
        #expect(entry.time == now)
        #expect(entry.before == #"{"since":\#(t0),"stage":"monitor"}"#)
        #expect(entry.after == #"{"since":\#(now),"stage":"quarantine-test"}"#)
        // The dwell restarts at the new stage.
        #expect(inventoryError { try t.inventory.advance(d, actor: "alice", now: now + 6 * day) } != nil)
        try t.inventory.advance(d, actor: "alice", now: now + 7 * day)
        #expect(try t.inventory.domain(d)?.stage == .quarantine)
    }

    @Test func testForceOverridesDwellAndIsRecorded() throws {
        let (t, d) = try fresh()
        let transition = try t.inventory.advance(d, force: true, reason: "customer asked", actor: "bob", now: t0 + 60)
        #expect(transition.forced)
        #expect(transition.to == .quarantineTest)
        let entry = try #require(try t.inventory.auditEntries(subject: "example.com", limit: 1).first)
        #expect(entry.after?.contains("\"forced\":true") == true)
    }

    @Test func testRollbackAlwaysWorks() throws {
        let (t, d) = try fresh()
        try t.inventory.setStage(d, to: .reject, force: true, actor: "bob", now: t0 + 1)
        let back = try t.inventory.rollback(d, reason: "legit mail failing", actor: "carol", now: t0 + 2)
        #expect(back.from == .reject)
        #expect(back.to == .rejectTest)
        #expect(!back.forced)
        let entry = try #require(try t.inventory.auditEntries(subject: "example.com", limit: 1).first)
        #expect(entry.action == .dmarcRollback)
        #expect(entry.reason == "legit mail failing")
        // All the way down, one second apart: never refused by dwell.
        for i in 0..<3 { try t.inventory.rollback(d, actor: "carol", now: t0 + 3 + Int64(i)) }
        #expect(try t.inventory.domain(d)?.stage == .monitor)
        let before = try t.counts()
        #expect(inventoryError { try t.inventory.rollback(d, actor: "carol", now: t0 + 10) } != nil)
        #expect(try t.counts() == before)
    }

    @Test func testSetStageRules() throws {
        let (t, d) = try fresh()
        let before = try t.counts()
        // Skipping rungs needs force even after the dwell.
        let skip = inventoryError { try t.inventory.setStage(d, to: .quarantine, actor: "a", now: t0 + 100 * day) }
        #expect(skip?.description.contains("skips stages") == true)
        // Same stage is refused.
        let same = inventoryError { try t.inventory.setStage(d, to: .monitor, actor: "a", now: t0 + 100 * day) }
        #expect(same?.description.contains("already at stage 'monitor'") == true)
        #expect(try t.counts() == before)
        // One rung after dwell is fine; backwards by several rungs is fine without force.
        try t.inventory.setStage(d, to: .quarantineTest, actor: "a", now: t0 + 14 * day)
        try t.inventory.setStage(d, to: .reject, force: true, actor: "a", now: t0 + 14 * day + 1)
        let down = try t.inventory.setStage(d, to: .monitor, actor: "a", now: t0 + 14 * day + 2)
        #expect(down.from == .reject && down.to == .monitor && !down.forced)
        #expect(try t.inventory.auditEntries(subject: "example.com", limit: 10).filter { $0.action == .dmarcSet }.count == 3)
    }

    @Test func testAdvanceAtTopIsRefused() throws {
        let (t, d) = try fresh()
        try t.inventory.setStage(d, to: .reject, force: true, actor: "a", now: t0)
        #expect(inventoryError { try t.inventory.advance(d, force: true, actor: "a", now: t0 + 1000 * day) } != nil)
    }
}
