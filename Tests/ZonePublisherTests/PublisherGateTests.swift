import Foundation
import Inventory
import RecordBuilder
import Testing
@testable import ZonePublisher

/// The publish gate at the publisher (RECORDS.md "SPF" Safety: "a build whose pass set shrinks by
/// more than a configurable share is held for confirmation, with a diff that names the sender
/// each removed range came from").
///
/// example.com approves esp (16 /24s) and crm (4 /24s): 20 /24s = 5,120 IPv4 addresses, so each
/// /24 esp drops is exactly 5 % of the pass set.
@Suite struct PublisherGateTests {
    /// esp's /24s: 100.64.0.0, 100.64.2.0, … (none adjacent, so none merge).
    static func espNetworks(_ count: Int) -> [String] { (0..<count).map { "100.64.\(2 * $0).0/24" } }
    static let crmNetworks = (0..<4).map { "100.65.\(2 * $0).0/24" }

    static func spf(_ networks: [String], all: String = "~all") -> String {
        (["v=spf1"] + networks.map { "ip4:" + $0 } + [all]).joined(separator: " ")
    }

    static func harness(shrinkThreshold: Double = 0.10) async throws -> (PublisherHarness, FixtureUpstream, PublishedState) {
        let h = try PublisherHarness(shrinkThreshold: shrinkThreshold)
        try h.addSender("esp", entry: "esp.example.net")
        try h.addSender("crm", entry: "crm.example.org")
        try h.addDomain("example.com", senders: ["esp", "crm"])
        let upstream = FixtureUpstream()
        upstream.setTXT("esp.example.net", [spf(espNetworks(16))])
        upstream.setTXT("crm.example.org", [spf(crmNetworks, all: "-all")])
        let outcomes = try await h.build(upstream, at: 100)
        #expect(try outcome("example.com", in: outcomes).status.publishedChanged == true)
        let good = try h.state("example.com")
        #expect(PublisherHarness.networks(in: PublisherHarness.spfRecords("example.com", in: good.records ?? [])).count == 20)
        return (h, upstream, good)
    }

    /// esp loses 3 of its /24s (15 %): held, with reasons, a stored candidate and diff naming esp
    /// and the removed networks, an `spf.hold` audit row; the last good records stay served. The
    /// same upstream seen again holds the same build without a second audit row. `acceptHeld`
    /// publishes it (`spf.accept`); the next identical build then publishes unchanged.
    @Test func shrinkOverThresholdHoldsUntilAccepted() async throws {
        let (h, upstream, good) = try await Self.harness()
        let removed = ["100.64.26.0/24", "100.64.28.0/24", "100.64.30.0/24"]
        upstream.setTXT("esp.example.net", [Self.spf(Self.espNetworks(13))])

        let outcomes = try await h.build(upstream, at: 200)
        let held = try outcome("example.com", in: outcomes)
        let reasons = try #require(held.status.heldReasons)
        #expect(reasons == ["IPv4 pass set shrinks 15.0 % (limit 10 %)"])
        let diff = try #require(held.diff)
        #expect(diff.senders.map(\.sender) == ["esp"])
        #expect(diff.change(for: "esp")?.removed == removed.map(net))
        #expect(diff.change(for: "esp")?.added == [])
        #expect(abs(diff.removedShareIPv4 - 0.15) < 1e-12)
        #expect(held.build != nil)

        // Nothing served changed; the candidate is stored with its reasons and diff.
        let state = try h.state("example.com")
        #expect(state.records == good.records)
        #expect(state.passSets == good.passSets)
        #expect(state.builtAt == good.builtAt)
        #expect(state.stale)
        #expect(state.lastError?.contains("15.0 %") == true)
        let candidate = try #require(state.held)
        #expect(candidate.reasons == reasons)
        #expect(candidate.heldAt == PublisherHarness.t0 + 200)
        let heldNetworks = PublisherHarness.networks(in: PublisherHarness.spfRecords("example.com", in: candidate.records))
        #expect(heldNetworks.count == 17)
        #expect(Set(heldNetworks).isDisjoint(with: removed))
        #expect(candidate.passSets?["esp"]?.count == 13)
        let storedDiff = try JSONDecoder().decode(SPFPassSetDiff.self, from: Data(candidate.diff.utf8))
        #expect(storedDiff == diff)
        #expect(try await h.servedSPF("example.com") == PublisherHarness.spfRecords("example.com", in: good.records ?? []))

        let audit = try h.inventory.auditEntries(subject: "example.com", limit: 10)
        let hold = try #require(audit.first)
        #expect(hold.action == .spfHold)
        #expect(hold.time == PublisherHarness.t0 + 200)
        #expect(hold.actor == "test build")
        #expect(hold.reason?.contains("15.0 %") == true)
        #expect(hold.after?.contains("100.64.26.0/24") == true)

        // A later refresh seeing the same upstream: held again, the original hold kept.
        let again = try await h.build(upstream, at: 250)
        #expect(try outcome("example.com", in: again).status.heldReasons == reasons)
        #expect(try h.state("example.com").held?.heldAt == PublisherHarness.t0 + 200)
        #expect(try h.inventory.auditEntries(subject: "example.com", limit: 10).filter { $0.action == .spfHold }.count == 1)

        // The operator accepts.
        let accepted = try h.inventory.acceptHeld(domain: dname("example.com"), actor: "operator",
                                                  now: PublisherHarness.t0 + 300, reason: "ESP retired three ranges")
        #expect(accepted.records == candidate.records)
        #expect(accepted.passSets == candidate.passSets)
        #expect(accepted.held == nil && !accepted.stale && accepted.lastError == nil)
        let accept = try #require(try h.inventory.auditEntries(subject: "example.com", limit: 1).first)
        #expect(accept.action == .spfAccept)
        #expect(accept.time == PublisherHarness.t0 + 300)
        #expect(accept.actor == "operator")
        let served = PublisherHarness.networks(in: try await h.servedSPF("example.com"))
        #expect(served.count == 17 && Set(served).isDisjoint(with: removed))

        let settled = try await h.build(upstream, at: 400)
        let last = try outcome("example.com", in: settled)
        #expect(last.status.publishedChanged == false)
        #expect(last.diff?.isEmpty == true)
    }

    /// One /24 of 20 (5 %) and two (exactly 10 %, the limit is "more than") publish directly, with
    /// the diff; so does growth.
    @Test func shrinkWithinThresholdAndGrowthPublish() async throws {
        let (h, upstream, _) = try await Self.harness()
        upstream.setTXT("esp.example.net", [Self.spf(Self.espNetworks(15))])
        let five = try outcome("example.com", in: try await h.build(upstream, at: 200))
        #expect(five.status.publishedChanged == true)
        #expect(five.diff?.change(for: "esp")?.removed == [net("100.64.30.0/24")])
        #expect(abs((five.diff?.removedShareIPv4 ?? 0) - 0.05) < 1e-12)
        #expect(try h.state("example.com").held == nil)
        #expect(PublisherHarness.networks(in: try await h.servedSPF("example.com")).count == 19)

        // From 19 /24s, two more is 10.5 %: held. From 20, two is exactly 10 %: published.
        upstream.setTXT("esp.example.net", [Self.spf(Self.espNetworks(16))])
        #expect(try outcome("example.com", in: try await h.build(upstream, at: 300)).status.publishedChanged == true)
        upstream.setTXT("esp.example.net", [Self.spf(Self.espNetworks(14))])
        let ten = try outcome("example.com", in: try await h.build(upstream, at: 400))
        #expect(ten.status.publishedChanged == true)
        #expect(ten.diff?.removedShareIPv4 == 0.10)
        #expect(PublisherHarness.networks(in: try await h.servedSPF("example.com")).count == 18)

        // Growth.
        upstream.setTXT("esp.example.net", [Self.spf(Self.espNetworks(14) + ["203.0.113.0/24"])])
        let grown = try outcome("example.com", in: try await h.build(upstream, at: 500))
        #expect(grown.status.publishedChanged == true)
        #expect(grown.diff?.change(for: "esp")?.added == [net("203.0.113.0/24")])
        #expect(PublisherHarness.networks(in: try await h.servedSPF("example.com")).contains("203.0.113.0/24"))
        #expect(try h.inventory.auditEntries(subject: "example.com", limit: 50).allSatisfy { $0.action != .spfHold })
    }

    /// The threshold comes from the inventory's settings: at 20 %, a 15 % shrink publishes.
    @Test func thresholdIsTheInventorySetting() async throws {
        let (h, upstream, _) = try await Self.harness(shrinkThreshold: 0.20)
        upstream.setTXT("esp.example.net", [Self.spf(Self.espNetworks(13))])
        let o = try outcome("example.com", in: try await h.build(upstream, at: 200))
        #expect(o.status.publishedChanged == true)
        #expect(PublisherHarness.networks(in: try await h.servedSPF("example.com")).count == 17)
    }

    /// crm's record still exists but authorises nothing (20 % of the set, and a sender dropping
    /// to nothing): held, with a reason naming crm.
    @Test func senderDroppingToNothingHolds() async throws {
        let (h, upstream, good) = try await Self.harness(shrinkThreshold: 1.0)
        upstream.setTXT("crm.example.org", ["v=spf1 -all"])
        let o = try outcome("example.com", in: try await h.build(upstream, at: 200))
        let reasons = try #require(o.status.heldReasons)
        #expect(reasons == ["crm: 0 addresses (had 1,024)"])
        #expect(o.diff?.change(for: "crm")?.removed == Self.crmNetworks.map(net))
        let state = try h.state("example.com")
        #expect(state.records == good.records && state.held?.reasons == reasons)
        #expect(try h.inventory.auditEntries(subject: "example.com", limit: 1).first?.action == .spfHold)
    }

    /// The operator revokes crm (20 % of the set): deliberate, so it publishes, and the diff
    /// says crm was revoked.
    @Test func revokedSenderPublishes() async throws {
        let (h, upstream, _) = try await Self.harness()
        try h.inventory.revoke(domain: dname("example.com"), sender: SenderSlug(parsing: "crm", argument: "SLUG"),
                               actor: "operator", now: PublisherHarness.t0 + 150)
        let o = try outcome("example.com", in: try await h.build(upstream, at: 200))
        #expect(o.status.publishedChanged == true)
        let crm = try #require(o.diff?.change(for: "crm"))
        #expect(crm.kind == .revoked)
        #expect(crm.removed == Self.crmNetworks.map(net))
        #expect(o.diff?.removedShareIPv4 == 0)
        let served = PublisherHarness.networks(in: try await h.servedSPF("example.com"))
        #expect(served == Self.espNetworks(16))
        #expect(try h.state("example.com").passSets?["crm"] == nil)
    }
}
