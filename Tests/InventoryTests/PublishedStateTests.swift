import Testing
@testable import Inventory

/// Last-known-good publication (RECORDS.md "SPF" Safety; field case C10).
struct PublishedStateTests {
    @Test func testC10FailedBuildKeepsLastGoodRecords() throws {
        let t = try TestInventory()
        let d = try name("example.com")
        try t.inventory.addDomain(d, actor: "t", now: 0)
        #expect(try t.inventory.publishedState(d) == nil)

        let good = [
            PublishedRecord(owner: "example.com._spf.hosted.example.net", strings: ["v=spf1 ip4:192.0.2.0/24 ~all"]),
            PublishedRecord(owner: "example.com._dmarc.hosted.example.net", strings: ["v=DMARC1; p=none; rua=mailto:dmarc@reports.example.net"]),
        ]
        let policy = PublishedPolicy(body: "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\nmax_age: 86400\r\n", id: "abc123")
        try t.inventory.savePublished(domain: d, records: good, policy: policy, builtAt: 100)
        let saved = try #require(try t.inventory.publishedState(d))
        #expect(saved.records == good)
        #expect(saved.policy == policy)
        #expect(saved.builtAt == 100)
        #expect(!saved.stale)
        #expect(saved.lastError == nil)

        try t.inventory.recordBuildFailure(domain: d, error: "temperror: crm.example.org TXT timed out", at: 200)
        let failed = try #require(try t.inventory.publishedState(d))
        #expect(failed.records == good)
        #expect(failed.policy == policy)
        #expect(failed.builtAt == 100)
        #expect(failed.attemptedAt == 200)
        #expect(failed.stale)
        #expect(failed.lastError?.contains("crm.example.org") == true)

        try t.inventory.savePublished(domain: d, records: [good[1]], policy: nil, builtAt: 300)
        let recovered = try #require(try t.inventory.publishedState(d))
        #expect(recovered.records == [good[1]])
        #expect(recovered.policy == nil)
        #expect(!recovered.stale)
        #expect(recovered.lastError == nil)
        #expect(try t.inventory.allPublishedStates()[d] == recovered)
    }

    @Test func testFirstBuildFailureHasNoRecords() throws {
        let t = try TestInventory()
        let d = try name("example.com")
        try t.inventory.addDomain(d, actor: "t", now: 0)
        try t.inventory.recordBuildFailure(domain: d, error: "include loop a→b→a", at: 10)
        let state = try #require(try t.inventory.publishedState(d))
        #expect(state.records == nil)
        #expect(state.builtAt == nil)
        #expect(state.stale)
    }

    @Test func testBadPolicyIdIsRefusedByTheSchema() throws {
        let t = try TestInventory()
        let d = try name("example.com")
        try t.inventory.addDomain(d, actor: "t", now: 0)
        let error = inventoryError {
            try t.inventory.savePublished(domain: d, records: [], policy: PublishedPolicy(body: "x", id: "not-valid!"), builtAt: 1)
        }
        guard case .database? = error else {
            Issue.record("expected database error, got \(String(describing: error))")
            return
        }
        #expect(try t.inventory.publishedState(d) == nil)
    }
}
