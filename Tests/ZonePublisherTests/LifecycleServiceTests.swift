import Foundation
import Inventory
import Logging
import RecordBuilder
import Synchronization
import Testing
@testable import ZonePublisher

/// The lifecycle in what is served (RFC 8461 §3.1, §8.1, §8.3; field case C24), driven by
/// ``LifecycleService`` on a simulated clock: its sleeps advance the clock instead of waiting.
@Suite struct LifecycleServiceTests {
    static let t0 = PublisherHarness.t0
    static let day: Int64 = 86_400

    /// A simulated clock: `sleep` moves it forward by the duration asked; after `maxSleeps`
    /// sleeps it throws, which ends the service's loop like a shutdown.
    final class SimulatedClock: Sendable {
        private let state: Mutex<(now: Int64, sleeps: Int, waits: [Int64])>
        let maxSleeps: Int
        init(start: Int64, maxSleeps: Int) {
            state = Mutex((start, 0, []))
            self.maxSleeps = maxSleeps
        }
        var now: Int64 { state.withLock { $0.now } }
        var waits: [Int64] { state.withLock { $0.waits } }
        func sleep(_ d: Duration) throws {
            try state.withLock { s in
                guard s.sleeps < maxSleeps else { throw CancellationError() }
                s.sleeps += 1
                s.waits.append(d.components.seconds)
                s.now += d.components.seconds
            }
        }
    }

    static func mx(_ text: String) throws -> MXPattern { try MXPattern(parsing: text, argument: "--mx") }

    /// The served MTA-STS TXT of `domain` and its policy body, as ``Publisher/currentRecords(_:)`` gives them.
    static func served(_ h: PublisherHarness, _ domain: String) async throws -> (txt: String?, body: String?, all: [HostedTXT]) {
        let current = await Publisher.currentRecords(try h.inventory.snapshot())
        let txt = current.records.first { $0.owner == "\(domain)._mta-sts.\(PublisherHarness.hostedZone)" }?.text
        return (txt, current.policies["mta-sts.\(domain)"], current.records.filter { $0.owner.hasPrefix(domain + ".") })
    }

    /// C24 through the service: the union is served at once under a new id; the service removes
    /// the old pattern when the clock reaches the due time (and not before); the HTTPS body and
    /// the TXT id always come from one snapshot (§8.1).
    @Test func testC24MXChangePlanOnSimulatedClock() async throws {
        let h = try PublisherHarness()
        try h.addDomain("example.com", senders: [])
        let d = try dname("example.com")
        try h.inventory.setMTASTS(d, mode: .enforce, maxAge: .set(604_800), mxPatterns: [Self.mx("mail.example.com")],
                                  actor: "test", now: Self.t0)
        let p1 = try await Self.served(h, "example.com")
        let start = Self.t0 + 10 * Self.day
        let result = try h.inventory.planMXChange(d, add: [Self.mx("mx1.example.net")], remove: [Self.mx("mail.example.com")],
                                                  actor: "ops", now: start)
        let p2 = try await Self.served(h, "example.com")
        #expect(p2.body == "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: mx1.example.net\r\nmax_age: 604800\r\n")
        #expect(p2.txt == "v=STSv1; id=\(result.unionPolicyID)" && p1.txt != p2.txt)
        #expect(try MTASTSPolicy.parse(try #require(p2.body)).id == result.unionPolicyID)

        let clock = SimulatedClock(start: start, maxSleeps: 200)
        let service = LifecycleService(inventory: h.inventory, checkInterval: .seconds(3600), logger: Logger(label: "test"),
                                       clock: { clock.now }, sleep: { try clock.sleep($0) })
        try await service.run()
        let plan = try #require(result.plan)
        #expect(clock.now >= plan.removeAfter)
        // The checks never overslept the due time by more than one interval.
        #expect(clock.waits.allSatisfy { $0 >= 1 && $0 <= 3600 })
        let p3 = try await Self.served(h, "example.com")
        #expect(p3.body == "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.net\r\nmax_age: 604800\r\n")
        #expect(![p1.txt, p2.txt].contains(p3.txt))
        let executed = try h.inventory.auditEntries(subject: "example.com", limit: 100).first { $0.action == .mxChangeExecute }
        #expect(executed?.time == plan.removeAfter, "executed at the first check at or after the due time")
    }

    /// Wind-down through the service: `mode: none` with a new id at once, DMARC/SPF/TLS-RPT
    /// kept; the policy withdrawn when its wait is over; every record gone after the grace.
    @Test func testC24WindDownOnSimulatedClock() async throws {
        let h = try PublisherHarness()
        try h.addDomain("example.com", senders: [])
        try h.addDomain("example.org", senders: [])
        let d = try dname("example.com")
        try h.inventory.setMTASTS(d, mode: .enforce, maxAge: .set(3 * 86_400), mxPatterns: [Self.mx("mail.example.com")],
                                  actor: "test", now: Self.t0)
        let before = try await Self.served(h, "example.com")
        let start = Self.t0 + Self.day
        let windDown = try h.inventory.startWindDown(d, graceDays: 5, actor: "ops", now: start)
        #expect(windDown.mtaSTSUntil == start + 3 * 86_400)
        let during = try await Self.served(h, "example.com")
        #expect(during.body == "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n")
        #expect(during.txt != nil && during.txt != before.txt)
        #expect(during.all.count == before.all.count, "DMARC and TLS-RPT stay served: \(during.all)")

        let clock = SimulatedClock(start: start, maxSleeps: 80)
        let service = LifecycleService(inventory: h.inventory, checkInterval: .seconds(3600), logger: Logger(label: "test"),
                                       clock: { clock.now }, sleep: { try clock.sleep($0) })
        try await service.run()
        let withdrawn = try await Self.served(h, "example.com")
        #expect(withdrawn.txt == nil && withdrawn.body == nil)
        #expect(withdrawn.all.contains { $0.owner == "example.com._dmarc.\(PublisherHarness.hostedZone)" })
        #expect(withdrawn.all.contains { $0.owner == "example.com._smtp._tls.\(PublisherHarness.hostedZone)" })

        #expect(clock.now < windDown.recordsUntil)
        let rest = SimulatedClock(start: clock.now, maxSleeps: 60)
        try await LifecycleService(inventory: h.inventory, checkInterval: .seconds(3600), logger: Logger(label: "test"),
                                   clock: { rest.now }, sleep: { try rest.sleep($0) }).run()
        #expect(try h.inventory.domain(d) == nil)
        let gone = try await Self.served(h, "example.com")
        #expect(gone.all.isEmpty && gone.body == nil)
        // The other customer is untouched.
        #expect(try await Self.served(h, "example.org").all.isEmpty == false)
        let removal = try h.inventory.auditEntries(subject: "example.com", limit: 100).first { $0.action == .domainRemove }
        #expect(removal?.time == windDown.recordsUntil)
    }

    /// `herald build` (a publisher build) runs due steps first, audit-logged.
    @Test func buildRunsDueSteps() async throws {
        let h = try PublisherHarness()
        try h.addDomain("example.com", senders: [])
        let d = try dname("example.com")
        try h.inventory.startWindDown(d, graceDays: 0, actor: "ops", now: Self.t0)
        let steps = Mutex<[LifecycleStep]>([])
        _ = try await h.publisher.build(source: FixtureUpstream(), now: Self.t0 + 1, actor: "test build",
                                        onLifecycleSteps: { s in steps.withLock { $0 += s } })
        #expect(steps.withLock { $0.map(\.kind) } == [.domainRemoved])
        #expect(try h.inventory.domain(d) == nil)
    }

    /// A winding-down domain whose records cannot be regenerated still serves `mode: none`,
    /// never its own enforce policy from the last build.
    @Test func windDownFallbackNeverServesTheOldPolicy() async throws {
        let h = try PublisherHarness()
        try h.addDomain("example.com", senders: [])
        let d = try dname("example.com")
        try h.inventory.setMTASTS(d, mode: .enforce, mxPatterns: [Self.mx("mail.example.com")], actor: "test", now: Self.t0)
        _ = try await h.build(FixtureUpstream(), at: 1)
        try h.inventory.startWindDown(d, actor: "ops", now: Self.t0 + 2)
        var snapshot = try h.inventory.snapshot()
        // A settings value the builder refuses makes every policy record fail to regenerate.
        snapshot.settings.dmarcMailbox = "not a mailbox"
        let current = await Publisher.currentRecords(snapshot)
        #expect(!current.warnings.isEmpty)
        #expect(current.policies["mta-sts.example.com"] == "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n")
    }
}
