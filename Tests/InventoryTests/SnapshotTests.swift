import Testing
@testable import Inventory
import RecordBuilder

/// `snapshot()` reads each table once; it must agree with the per-domain `entry(_:)`.
struct SnapshotTests {
    @Test func testSnapshotAgreesWithPerDomainEntries() throws {
        let t = try TestInventory()
        let a = try name("a.example"), b = try name("b.example"), c = try name("c.example")
        try t.inventory.addDomain(b, senders: [slug("sendgrid"), slug("google-workspace")], actor: "t", now: 0)
        try t.inventory.addDomain(a, senders: [slug("mailgun")], actor: "t", now: 0)
        try t.inventory.addDomain(c, actor: "t", now: 0)
        try t.inventory.setMTASTS(b, mode: .testing, mxPatterns: [MXPattern(parsing: "mx2.b.example", argument: "--mx"),
                                                                   MXPattern(parsing: "*.mx.b.example", argument: "--mx")],
                                  actor: "t", now: 0)
        for range in ["2001:db8::/32", "198.51.100.0/24", "192.0.2.0/24"] {
            try t.inventory.addRange(domain: b, cidr: cidr(range), actor: "t", now: 0)
        }
        try t.inventory.addRange(domain: a, cidr: cidr("203.0.113.7"), actor: "t", now: 0)
        try t.inventory.savePublished(domain: b, records: [PublishedRecord(owner: "b", strings: ["v=spf1 ~all"])], policy: nil,
                                      passSets: ["own": ["192.0.2.0/24"], "sendgrid": []], provenance: "[]", lookups: 1,
                                      voidLookups: 0, builtAt: 5)
        try t.inventory.recordBuildFailure(domain: c, error: "loop", at: 6)

        let snapshot = try t.inventory.snapshot()
        #expect(snapshot.entries.map(\.domain.name) == [a, b, c])
        for entry in snapshot.entries {
            #expect(entry == (try t.inventory.entry(entry.domain.name)))
        }
        let entryB = try #require(snapshot.entries.first { $0.domain.name == b })
        #expect(entryB.senders.map(\.slug.text) == ["google-workspace", "sendgrid"])
        #expect(entryB.ranges.map(\.cidr.description) == ["192.0.2.0/24", "198.51.100.0/24", "2001:db8::/32"])
        #expect(entryB.domain.mxPatterns.map(\.text) == ["mx2.b.example", "*.mx.b.example"])
        #expect(entryB.published?.passSets == ["own": ["192.0.2.0/24"], "sendgrid": []])
        #expect(snapshot.entries[2].published?.stale == true)
        #expect(snapshot.entries[0].published == nil)
    }
}
