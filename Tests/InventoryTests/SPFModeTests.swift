import Testing
@testable import Inventory
import RecordBuilder

/// Per-domain SPF mode and the operator's gate and refresh settings (RECORDS.md "Macro mode",
/// "SPF" Safety).
struct SPFModeTests {
    @Test func testSPFModeRoundTripsThroughAddUpdateAndSnapshot() throws {
        let t = try TestInventory()
        let d = try name("example.com")
        #expect(try t.inventory.addDomain(name("plain.example"), actor: "t", now: 0).spfMode == .flatten)
        var changes = DomainChanges()
        changes.spfMode = .set(.macro)
        let added = try t.inventory.addDomain(d, changes: changes, actor: "alice", now: 0)
        #expect(added.spfMode == .macro)
        #expect(try t.inventory.domain(d)?.spfMode == .macro)
        #expect(try t.inventory.entry(d).domain.spfMode == .macro)
        #expect(try t.inventory.snapshot().entries.map(\.domain.spfMode) == [.macro, .flatten])
        #expect(try t.inventory.auditEntries(subject: d.text, limit: 1).first?.after?.contains(#""spf_mode":"macro""#) == true)

        var back = DomainChanges()
        back.spfMode = .set(.flatten)
        #expect(!back.isEmpty)
        let g = try t.inventory.inventoryGeneration()
        try t.inventory.updateDomain(d, changes: back, actor: "alice", now: 1, reason: "record fits again")
        #expect(try t.inventory.domain(d)?.spfMode == .flatten)
        #expect(try t.inventory.inventoryGeneration() > g)
        let row = try #require(try t.inventory.auditEntries(subject: d.text, limit: 1).first)
        #expect(row.before?.contains(#""spf_mode":"macro""#) == true)
        #expect(row.after?.contains(#""spf_mode":"flatten""#) == true)

        try t.inventory.updateDomain(d, changes: changes, actor: "alice", now: 2)
        var clear = DomainChanges()
        clear.spfMode = .cleared
        #expect(try t.inventory.updateDomain(d, changes: clear, actor: "alice", now: 3).spfMode == .flatten)
    }

    @Test func testSPFModeRawValuesMatchTheSchema() throws {
        let t = try TestInventory()
        for (index, mode) in SPFMode.allCases.enumerated() {
            try t.execute("INSERT INTO domains (name, dmarc_stage, stage_since, created_at, spf_mode) VALUES (?, 'monitor', 0, 0, ?)",
                          ["m\(index).example", mode.rawValue])
            #expect(try t.inventory.domain(name("m\(index).example"))?.spfMode == mode)
        }
    }

    @Test func testSettingsStoreShrinkThresholdAndRefreshInterval() throws {
        let t = try TestInventory(initialized: false)
        var settings = try TestInventory.settings()
        #expect(settings.spfShrinkThreshold == 0.10)
        #expect(settings.refreshInterval == 3600)
        settings.spfShrinkThreshold = 0.25
        settings.refreshInterval = 600
        try t.inventory.initialize(settings, actor: "t", now: 0)
        let stored = try #require(try t.inventory.settings())
        #expect(stored == settings)
        #expect(try t.inventory.auditEntries(limit: 1).first?.after?.contains(#""refresh_interval":600"#) == true)
    }

    @Test(arguments: [
        (0.0, 3600, "--spf-shrink-threshold"), (-0.5, 3600, "--spf-shrink-threshold"),
        (1.5, 3600, "--spf-shrink-threshold"), (Double.nan, 3600, "--spf-shrink-threshold"),
        (0.1, 59, "--refresh-interval"), (0.1, 86_401, "--refresh-interval"), (0.1, 0, "--refresh-interval"),
    ])
    func testBadGateSettingsAreRefusedNamingTheOption(threshold: Double, interval: Int, argument: String) throws {
        let t = try TestInventory(initialized: false)
        var settings = try TestInventory.settings()
        settings.spfShrinkThreshold = threshold
        settings.refreshInterval = interval
        let before = try t.counts()
        let error = inventoryError { try t.inventory.initialize(settings, actor: "t", now: 0) }
        guard case let .invalidValue(name, _, _)? = error else {
            Issue.record("expected invalidValue, got \(String(describing: error))")
            return
        }
        #expect(name == argument)
        #expect(try t.counts() == before)
    }

    @Test func testBoundaryGateSettingsAreAccepted() throws {
        for (threshold, interval) in [(1.0, 60), (0.001, 86_400)] {
            let t = try TestInventory(initialized: false)
            var settings = try TestInventory.settings()
            settings.spfShrinkThreshold = threshold
            settings.refreshInterval = interval
            try t.inventory.initialize(settings, actor: "t", now: 0)
            #expect(try t.inventory.settings()?.spfShrinkThreshold == threshold)
            #expect(try t.inventory.settings()?.refreshInterval == interval)
        }
    }
}
