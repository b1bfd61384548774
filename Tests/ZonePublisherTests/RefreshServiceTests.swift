import Foundation
import Inventory
import Logging
import RecordBuilder
import Synchronization
import Testing
@testable import ZonePublisher

/// One build (a `herald build`, or one scheduled refresh in `herald serve`) asks each upstream
/// question once, however many domains share the sender (issue 3; ARCHITECTURE.md "The flow").
@Suite struct RefreshServiceTests {
    /// Catalog senders whose trees are in esp-snapshot.zone, plus the constructed helpdesk sender
    /// (a/mx terms: A, AAAA and MX questions). Salesforce is kept as an include (a macro).
    static let senders = ["google-workspace", "microsoft-365", "sendgrid", "mailchimp", "mandrill", "amazon-ses",
                          "mailgun", "mailgun-eu", "postmark", "zendesk", "marketo", "salesforce", "brevo", "helpdesk"]

    /// 200 domains, each approving three senders chosen so every sender is shared by many
    /// domains and pairs overlap in different combinations.
    static func harness() throws -> PublisherHarness {
        let h = try PublisherHarness()
        try h.addSender("helpdesk", entry: "spf.helpdesk.example.net")
        let n = senders.count
        for i in 0..<200 {
            let chosen = [senders[i % n], senders[(i / n + i + 3) % n], senders[(3 * i + 7) % n]]
            var unique: [String] = []
            for s in chosen where !unique.contains(s) { unique.append(s) }
            try h.addDomain("d\(String(format: "%03d", i)).example.com", senders: unique)
        }
        return h
    }

    /// Questions any complete build of these senders must ask.
    static let expectedQuestions: Set<UpstreamQuestion> = [
        UpstreamQuestion(type: "TXT", name: "_spf.google.com"),
        UpstreamQuestion(type: "TXT", name: "_netblocks.google.com"),
        UpstreamQuestion(type: "TXT", name: "_netblocks2.google.com"),
        UpstreamQuestion(type: "TXT", name: "_netblocks3.google.com"),
        UpstreamQuestion(type: "TXT", name: "sendgrid.net"),
        UpstreamQuestion(type: "TXT", name: "ab.sendgrid.net"),
        UpstreamQuestion(type: "TXT", name: "mailgun.org"),
        UpstreamQuestion(type: "TXT", name: "_spf.mailgun.org"),
        UpstreamQuestion(type: "TXT", name: "_spf.eu.mailgun.org"),
        UpstreamQuestion(type: "TXT", name: "_spf.salesforce.com"),
        UpstreamQuestion(type: "TXT", name: "spf.helpdesk.example.net"),
        UpstreamQuestion(type: "A", name: "smtp.helpdesk.example.net"),
        UpstreamQuestion(type: "MX", name: "spf.helpdesk.example.net"),
        UpstreamQuestion(type: "AAAA", name: "mx1.helpdesk.example.net"),
    ]

    static func expectEachAskedOnce(_ counts: [UpstreamQuestion: Int], sourceLocation: SourceLocation = #_sourceLocation) {
        let repeated = counts.filter { $0.value != 1 }
        #expect(repeated.isEmpty, "asked more than once: \(repeated)", sourceLocation: sourceLocation)
        #expect(expectedQuestions.isSubset(of: Set(counts.keys)),
                "not asked: \(expectedQuestions.subtracting(counts.keys))", sourceLocation: sourceLocation)
    }

    /// 200 domains over overlapping senders: every (type, name) is asked exactly once in a
    /// build; a second build (a new run) asks every one of them again, exactly once.
    @Test func oneUpstreamQuestionPerNameAndTypePerBuild() async throws {
        let h = try Self.harness()
        let upstream = FixtureUpstream(wrapping: try ZoneFileSource(path: try espSnapshotFile()))

        let first = try await h.build(upstream, at: 100)
        #expect(first.count == 200)
        let failures = first.filter { $0.status.failure != nil }.map { "\($0.domain): \($0.status.failure!.message)" }
        #expect(failures.isEmpty)
        let firstCounts = upstream.counts
        Self.expectEachAskedOnce(firstCounts)

        upstream.resetCounts()
        let second = try await h.build(upstream, at: 200)
        #expect(second.count == 200)
        #expect(second.allSatisfy { $0.status.publishedChanged == false })
        let secondCounts = upstream.counts
        Self.expectEachAskedOnce(secondCounts)
        #expect(Set(secondCounts.keys) == Set(firstCounts.keys))
    }

    /// `RefreshService.refresh()`: one source made, one build, an outcome for every domain, the
    /// service's clock stored as the attempt time, each question asked once.
    @Test func refreshBuildsEveryDomainOnce() async throws {
        let h = try Self.harness()
        let upstream = FixtureUpstream(wrapping: try ZoneFileSource(path: try espSnapshotFile()))
        let made = Atomic<Int>(0)
        let service = RefreshService(
            publisher: h.publisher, logger: Logger(label: "pubtest", factory: { _ in SwiftLogNoOpLogHandler() }),
            clock: { PublisherHarness.t0 + 500 },
            source: {
                made.add(1, ordering: .relaxed)
                return upstream
            })

        let outcomes = await service.refresh()
        #expect(made.load(ordering: .relaxed) == 1)
        #expect(outcomes.count == 200)
        #expect(Set(outcomes.map(\.domain)) == Set(try h.inventory.domains().map(\.name.text)))
        #expect(outcomes.allSatisfy { $0.status.publishedChanged == true })
        Self.expectEachAskedOnce(upstream.counts)
        let states = try h.inventory.allPublishedStates()
        #expect(states.count == 200)
        #expect(states.values.allSatisfy { $0.attemptedAt == PublisherHarness.t0 + 500 && $0.builtAt == PublisherHarness.t0 + 500 })
        // Every domain now serves an SPF record.
        let current = await Publisher.currentRecords(try h.inventory.snapshot())
        let spfOwners = Set(current.records.map(\.owner).filter { $0.hasSuffix("._spf.\(PublisherHarness.hostedZone)") && !$0.hasPrefix("_") })
        #expect(spfOwners.count == 200)
    }

    /// A refresh whose source cannot be made fails as a whole: no outcomes, nothing written.
    @Test func refreshWithoutASourceChangesNothing() async throws {
        let h = try PublisherHarness()
        try h.addSender("esp", entry: "esp.example.net")
        try h.addDomain("example.com", senders: ["esp"])
        struct NoResolver: Error {}
        let service = RefreshService(
            publisher: h.publisher, logger: Logger(label: "pubtest", factory: { _ in SwiftLogNoOpLogHandler() }),
            clock: { PublisherHarness.t0 + 500 }, source: { throw NoResolver() })
        let generation = try h.inventory.inventoryGeneration()
        #expect(await service.refresh().isEmpty)
        #expect(try h.inventory.publishedState(dname("example.com")) == nil)
        #expect(try h.inventory.inventoryGeneration() == generation)
    }
}
