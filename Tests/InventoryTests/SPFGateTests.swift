import GRDB
import Synchronization
import Testing
@testable import Inventory
import RecordBuilder

/// The publish gate, provenance and batch writes (RECORDS.md "SPF" Safety and Provenance).
struct SPFGateTests {
    let d = "example.com"
    static let spfOwner = "example.com._spf.hosted.example.net"

    static let good = PublishedBuild(
        records: [PublishedRecord(owner: spfOwner, strings: ["v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ~all"])],
        passSets: ["sendgrid": ["192.0.2.0/24"], "own": ["198.51.100.0/24"]],
        provenance: #"[{"network":"192.0.2.0/24","sources":["sendgrid"],"upstream":["sendgrid.net"]}]"#,
        lookups: 2, voidLookups: 0)

    static let shrunk = HeldBuild(
        records: [PublishedRecord(owner: spfOwner, strings: ["v=spf1 ip4:198.51.100.0/24 ~all"])],
        passSets: ["sendgrid": [], "own": ["198.51.100.0/24"]],
        provenance: "[]",
        diff: #"{"removed":[{"network":"192.0.2.0/24","sources":["sendgrid"]}]}"#,
        reasons: ["pass set shrinks by 50 %, over the 10 % threshold"],
        heldAt: 500, lookups: 2, voidLookups: 1)

    func publishGood(_ t: TestInventory, at time: Int64 = 100) throws {
        let b = Self.good
        try t.inventory.savePublished(domain: name(d), records: b.records, policy: b.policy, passSets: b.passSets,
                                      provenance: b.provenance, lookups: b.lookups, voidLookups: b.voidLookups,
                                      builtAt: time)
    }

    @Test func testSavePublishedStoresPassSetsProvenanceAndLookups() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name(d), actor: "t", now: 0)
        try publishGood(t)
        let state = try #require(try t.inventory.publishedState(name(d)))
        #expect(state.records == Self.good.records)
        #expect(state.passSets == Self.good.passSets)
        #expect(state.provenance == Self.good.provenance)
        #expect(state.lookups == 2)
        #expect(state.voidLookups == 0)
        #expect(state.held == nil)
        #expect(try t.inventory.entry(name(d)).published == state)
        #expect(try t.inventory.snapshot().entries.first?.published == state)
    }

    @Test func testHoldKeepsPublishedRecordsAndAcceptPublishesTheHeldBuild() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name(d), actor: "t", now: 0)
        try publishGood(t)

        try t.inventory.holdBuild(domain: name(d), Self.shrunk, actor: "serve", now: 510)
        let held = try #require(try t.inventory.publishedState(name(d)))
        #expect(held.records == Self.good.records)
        #expect(held.passSets == Self.good.passSets)
        #expect(held.builtAt == 100)
        #expect(held.attemptedAt == 510)
        #expect(held.stale)
        #expect(held.lastError?.contains("pass set shrinks by 50 %") == true)
        #expect(held.lastError?.contains("herald spf accept example.com") == true)
        #expect(held.held == Self.shrunk)
        let holdRow = try #require(try t.inventory.auditEntries(subject: d, limit: 1).first)
        #expect(holdRow.action == .spfHold)
        #expect(holdRow.actor == "serve")
        #expect(holdRow.time == 510)
        #expect(holdRow.reason == "pass set shrinks by 50 %, over the 10 % threshold")
        #expect(holdRow.after?.contains(#""removed":[{"network":"192.0.2.0/24","sources":["sendgrid"]}]"#) == true)
        #expect(holdRow.after?.contains(#""reasons":["pass set shrinks by 50 %, over the 10 % threshold"]"#) == true)

        let accepted = try t.inventory.acceptHeld(domain: name(d), actor: "alice", now: 600, reason: "sendgrid moved ranges")
        #expect(accepted.records == Self.shrunk.records)
        #expect(accepted.passSets == Self.shrunk.passSets)
        #expect(accepted.provenance == "[]")
        #expect(accepted.lookups == 2)
        #expect(accepted.voidLookups == 1)
        #expect(accepted.builtAt == 500)
        #expect(!accepted.stale)
        #expect(accepted.lastError == nil)
        #expect(accepted.held == nil)
        #expect(try t.inventory.publishedState(name(d)) == accepted)
        let acceptRow = try #require(try t.inventory.auditEntries(subject: d, limit: 1).first)
        #expect(acceptRow.action == .spfAccept)
        #expect(acceptRow.actor == "alice")
        #expect(acceptRow.time == 600)
        #expect(acceptRow.reason == "sendgrid moved ranges")
        #expect(acceptRow.before == #"{"built_at":100,"pass_sets":{"own":["198.51.100.0/24"],"sendgrid":["192.0.2.0/24"]}}"#)
        #expect(acceptRow.after?.contains(#""held_at":500"#) == true)
        #expect(acceptRow.after?.contains(#""pass_sets":{"own":["198.51.100.0/24"],"sendgrid":[]}"#) == true)

        // Accepted once: nothing is held any more.
        let before = try t.counts()
        #expect(inventoryError { try t.inventory.acceptHeld(domain: name(d), actor: "alice", now: 700) } == .nothingHeld(domain: d))
        #expect(try t.counts() == before)
    }

    @Test func testAcceptWithNothingHeldNamesTheDomainAndWritesNothing() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name(d), actor: "t", now: 0)
        // Never built, then built: neither has a held build.
        for step in 0..<2 {
            if step == 1 { try publishGood(t) }
            let before = try t.counts()
            let error = inventoryError { try t.inventory.acceptHeld(domain: name(d), actor: "alice", now: 5) }
            #expect(error == .nothingHeld(domain: d))
            #expect(error?.description.contains("'example.com'") == true)
            #expect(error?.code == "nothing-held")
            #expect(try t.counts() == before)
        }
        #expect(inventoryError { try t.inventory.acceptHeld(domain: name("other.example"), actor: "a", now: 5) }
                == .unknownDomain("other.example"))
    }

    @Test func testSuccessfulBuildClearsTheHeldBuildAndFailureKeepsIt() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name(d), actor: "t", now: 0)
        try publishGood(t)
        try t.inventory.holdBuild(domain: name(d), Self.shrunk, actor: "serve", now: 510)
        try t.inventory.recordBuildFailure(domain: name(d), error: "temperror: sendgrid.net TXT timed out", at: 520)
        let failed = try #require(try t.inventory.publishedState(name(d)))
        #expect(failed.held == Self.shrunk)
        #expect(failed.records == Self.good.records)
        #expect(failed.lastError == "temperror: sendgrid.net TXT timed out")
        try publishGood(t, at: 530)
        let recovered = try #require(try t.inventory.publishedState(name(d)))
        #expect(recovered.held == nil)
        #expect(!recovered.stale)
        #expect(recovered.builtAt == 530)
    }

    @Test func testHoldingTheSameBuildAgainWritesNoSecondAuditRow() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name(d), actor: "t", now: 0)
        try publishGood(t)
        try t.inventory.holdBuild(domain: name(d), Self.shrunk, actor: "serve", now: 510)
        var again = Self.shrunk
        again.heldAt = 4100
        try t.inventory.holdBuild(domain: name(d), again, actor: "serve", now: 4110)
        let state = try #require(try t.inventory.publishedState(name(d)))
        #expect(state.held?.heldAt == 500)
        #expect(state.attemptedAt == 4110)
        #expect(try t.inventory.auditEntries(subject: d, limit: 10).filter { $0.action == .spfHold }.count == 1)
        // A different held build replaces it and is audited.
        var other = Self.shrunk
        other.reasons = ["pass set shrinks by 60 %, over the 10 % threshold"]
        other.heldAt = 8000
        try t.inventory.holdBuild(domain: name(d), other, actor: "serve", now: 8010)
        #expect(try t.inventory.publishedState(name(d))?.held == other)
        #expect(try t.inventory.auditEntries(subject: d, limit: 10).filter { $0.action == .spfHold }.count == 2)
    }

    @Test func testHoldRefusesEmptyReasonsAndBadPassSets() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name(d), actor: "t", now: 0)
        let before = try t.counts()
        var noReason = Self.shrunk
        noReason.reasons = []
        guard case .invalidValue? = inventoryError({ try t.inventory.holdBuild(domain: name(d), noReason, actor: "s", now: 1) }) else {
            Issue.record("expected invalidValue for empty reasons")
            return
        }
        var hostBits = Self.shrunk
        hostBits.passSets = ["sendgrid": ["192.0.2.1/24"]]
        let error = inventoryError { try t.inventory.holdBuild(domain: name(d), hostBits, actor: "s", now: 1) }
        guard case let .invalidValue(argument, value, reason)? = error else {
            Issue.record("expected invalidValue, got \(String(describing: error))")
            return
        }
        #expect(argument.contains("sendgrid") && argument.contains("example.com"))
        #expect(value == "192.0.2.1/24")
        #expect(reason.contains("192.0.2.0/24"))
        var badJSON = Self.shrunk
        badJSON.diff = "{removed"
        guard case .database? = inventoryError({ try t.inventory.holdBuild(domain: name(d), badJSON, actor: "s", now: 1) }) else {
            Issue.record("expected a CHECK failure for a diff that is not JSON")
            return
        }
        #expect(try t.counts() == before)
    }

    @Test func testSavePublishedRefusesABadPassSetKey() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name(d), actor: "t", now: 0)
        let error = inventoryError {
            try t.inventory.savePublished(domain: name(d), records: [], policy: nil, passSets: ["Send Grid": []], builtAt: 1)
        }
        #expect(error?.description.contains("'Send Grid'") == true)
        #expect(try t.inventory.publishedState(name(d)) == nil)
    }

    // MARK: - Generation

    @Test func testPublishedContentChangesBumpTheGenerationForAnotherProcess() throws {
        let t = try TestInventory()
        let serve = try Inventory(path: t.path)   // `herald serve`'s own pool on the same file
        try t.inventory.addDomain(name(d), actor: "t", now: 0)
        var g = try serve.inventoryGeneration()
        func bumped() throws -> Bool {
            let now = try serve.inventoryGeneration()
            defer { g = now }
            return now > g
        }
        try publishGood(t)                                   // insert with records
        #expect(try bumped())
        try publishGood(t, at: 200)                          // same content again
        #expect(try !bumped())
        try t.inventory.recordBuildFailure(domain: name(d), error: "timeout", at: 300)
        #expect(try !bumped())
        try t.inventory.holdBuild(domain: name(d), Self.shrunk, actor: "serve", now: 400)
        #expect(try !bumped())
        try t.inventory.acceptHeld(domain: name(d), actor: "alice", now: 500)
        #expect(try bumped())
        // Same records, different pass sets (macro mode answers from them).
        try t.inventory.savePublished(domain: name(d), records: Self.shrunk.records, policy: nil,
                                      passSets: ["own": ["198.51.100.0/25"]], builtAt: 600)
        #expect(try bumped())
        try t.inventory.savePublished(domain: name(d), records: Self.shrunk.records,
                                      policy: PublishedPolicy(body: "version: STSv1\r\n", id: "a1"),
                                      passSets: ["own": ["198.51.100.0/25"]], builtAt: 700)
        #expect(try bumped())
        try t.inventory.setPublishedSerial(2026010101)
        try t.inventory.appendAudit(action: AuditAction("build.note"), subject: d, actor: "serve", now: 800)
        #expect(try !bumped())
    }

    @Test func testFirstFailureDoesNotBumpTheGeneration() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name(d), actor: "t", now: 0)
        let g = try t.inventory.inventoryGeneration()
        try t.inventory.recordBuildFailure(domain: name(d), error: "include loop", at: 1)
        #expect(try t.inventory.inventoryGeneration() == g)
    }

    // MARK: - Batch

    func threeDomains(_ t: TestInventory) throws {
        for domain in ["a.example", "b.example", "c.example"] {
            try t.inventory.addDomain(name(domain), actor: "t", now: 0)
        }
    }

    @Test func testBatchWritesPublishedHeldAndFailedInOneCall() throws {
        let t = try TestInventory()
        try threeDomains(t)
        try t.inventory.addDomain(name("gone.example"), actor: "t", now: 0)
        let g = try t.inventory.inventoryGeneration()
        let results = [
            BuildResult(domain: try name("a.example"), outcome: .published(Self.good)),
            BuildResult(domain: try name("b.example"), outcome: .held(Self.shrunk)),
            BuildResult(domain: try name("c.example"), outcome: .failed(error: "servfail at mail.zendesk.com")),
            BuildResult(domain: try name("gone.example"), outcome: .published(Self.good)),
        ]
        // Another process removes a domain while the build runs.
        try Inventory(path: t.path).removeDomain(name("gone.example"), actor: "bob", now: 1)
        let skipped = try t.inventory.saveBuildResults(results, actor: "herald build", now: 900)
        #expect(skipped == [try name("gone.example")])
        let a = try #require(try t.inventory.publishedState(name("a.example")))
        #expect(a.records == Self.good.records && a.passSets == Self.good.passSets && a.builtAt == 900)
        let b = try #require(try t.inventory.publishedState(name("b.example")))
        #expect(b.records == nil && b.held == Self.shrunk && b.stale)
        let c = try #require(try t.inventory.publishedState(name("c.example")))
        #expect(c.records == nil && c.stale && c.lastError == "servfail at mail.zendesk.com" && c.attemptedAt == 900)
        #expect(try t.inventory.auditEntries(subject: "b.example", limit: 1).first?.action == .spfHold)
        #expect(try t.inventory.auditEntries(subject: "b.example", limit: 1).first?.actor == "herald build")
        #expect(try t.inventory.inventoryGeneration() > g)
    }

    @Test func testBatchWithOneInvalidRowWritesNothing() throws {
        let t = try TestInventory()
        try threeDomains(t)
        try t.inventory.savePublished(domain: name("a.example"), records: [], policy: nil, builtAt: 1)
        let before = try t.counts()
        let states = try t.inventory.allPublishedStates()
        var badPolicy = Self.good
        badPolicy.policy = PublishedPolicy(body: "version: STSv1\r\n", id: "not valid!")
        let results = [
            BuildResult(domain: try name("a.example"), outcome: .published(Self.good)),
            BuildResult(domain: try name("b.example"), outcome: .held(Self.shrunk)),
            BuildResult(domain: try name("c.example"), outcome: .published(badPolicy)),
        ]
        let error = inventoryError { try t.inventory.saveBuildResults(results, actor: "herald build", now: 900) }
        guard case let .database(message)? = error else {
            Issue.record("expected a database error, got \(String(describing: error))")
            return
        }
        #expect(message.contains("'c.example'"))
        #expect(try t.counts() == before)
        #expect(try t.inventory.allPublishedStates() == states)

        // A bad pass set is caught before the transaction, naming the domain.
        var badSet = Self.good
        badSet.passSets = ["own": ["2001:db8::1/32"]]
        let early = inventoryError {
            try t.inventory.saveBuildResults([
                BuildResult(domain: try name("a.example"), outcome: .failed(error: "x")),
                BuildResult(domain: try name("b.example"), outcome: .published(badSet)),
            ], actor: "herald build", now: 901)
        }
        #expect(early?.description.contains("b.example") == true)
        #expect(try t.counts() == before)
        #expect(try t.inventory.allPublishedStates() == states)
    }

    @Test func testBatchOfManyDomainsIsOneTransaction() throws {
        let t = try TestInventory()
        let names = try (0..<300).map { try name("d\($0).example") }
        for n in names { try t.inventory.addDomain(n, actor: "t", now: 0) }
        // Observe commits: a single transaction commits once.
        let counter = CommitCounter()
        t.inventory.pool.add(transactionObserver: counter, extent: .observerLifetime)
        let results = names.enumerated().map { i, n in
            BuildResult(domain: n, outcome: i % 3 == 0 ? .failed(error: "timeout") : .published(Self.good))
        }
        try t.inventory.saveBuildResults(results, actor: "herald build", now: 1000)
        #expect(counter.commits.withLock { $0 } == 1)
        let states = try t.inventory.allPublishedStates()
        #expect(states.count == 300)
        #expect(states.values.filter(\.stale).count == 100)
    }
}

/// Counts committed transactions that changed `published_state`.
final class CommitCounter: TransactionObserver, Sendable {
    let commits = Mutex(0)
    let sawChange = Mutex(false)
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { eventKind.tableName == "published_state" }
    func databaseDidChange(with event: DatabaseEvent) { sawChange.withLock { $0 = true } }
    func databaseDidCommit(_ db: Database) {
        if sawChange.withLock({ $0 }) { commits.withLock { $0 += 1 } }
        sawChange.withLock { $0 = false }
    }
    func databaseDidRollback(_ db: Database) { sawChange.withLock { $0 = false } }
}
