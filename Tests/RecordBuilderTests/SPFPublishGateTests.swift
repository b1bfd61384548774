import Foundation
import Testing
@testable import RecordBuilder

/// The publish gate (RECORDS.md "SPF" Safety): shrinkage past the configured share, or a sender
/// dropping to nothing, holds the build with a diff naming the senders.
@Suite struct SPFPublishGateTests {
    static let before: [String: AddressSet] = [
        // 1,047,552 addresses: a /12 minus one /22.
        "sendgrid": "10.0.0.0/13 10.8.0.0/14 10.12.0.0/15 10.14.0.0/16 10.15.0.0/17 10.15.128.0/18 10.15.192.0/19 10.15.224.0/20 10.15.240.0/21 10.15.248.0/22",
        "google": "172.16.0.0/12 2001:db8::/32",
        "own": "192.0.2.0/24",
    ].mapValues(addressSet)

    /// IPv4 addresses in the union of `before`: 1,047,552 + 1,048,576 + 256.
    static let unionIPv4 = 2_096_384

    /// A sender's new pass set, or its removal.
    enum Change: Sendable {
        case set(AddressSet)
        case revoke
    }

    struct Row: Sendable, CustomStringConvertible {
        var name: String
        var next: [String: Change]
        var reasons: [String]?  // nil: publish
        var description: String { name }
    }

    /// `before[slug]`'s IPv4 part with its highest `count` addresses removed, and its IPv6 part.
    static func cutTop(_ slug: String, _ count: UInt32) -> Change {
        let set = before[slug]!
        let iv = set.v4.intervals.last!
        let kept = set.v4.subtracting(CIDRSet(lower: IPv4Address(iv.upper - count + 1), upper: IPv4Address(iv.upper)))
        return .set(AddressSet(v4: kept, v6: set.v6))
    }

    static let rows: [Row] = [
        Row(name: "no change", next: [:], reasons: nil),
        Row(name: "growth", next: ["own": .set(addressSet("192.0.2.0/23"))], reasons: nil),
        Row(name: "new sender", next: ["mailgun": .set(addressSet("198.51.100.0/24"))], reasons: nil),
        Row(name: "5 % shrink", next: ["google": .set(addressSet("172.16.0.0/13 172.24.0.0/14 172.28.0.0/15 172.30.0.0/17 2001:db8::/32"))],
            reasons: nil),
        // 10 % of 2,096,384 is 209,638.4: one address less publishes, one more holds.
        Row(name: "just under the limit", next: ["google": cutTop("google", 209_638)], reasons: nil),
        Row(name: "just over the limit", next: ["google": cutTop("google", 209_639)],
            reasons: ["IPv4 pass set shrinks 10.0 % (limit 10 %)"]),
        Row(name: "15 % shrink", next: ["sendgrid": cutTop("sendgrid", 314_458)],
            reasons: ["IPv4 pass set shrinks 15.0 % (limit 10 %)"]),
        Row(name: "sender to nothing", next: ["sendgrid": .set(.empty)],
            reasons: ["sendgrid: 0 addresses (had 1,047,552)", "IPv4 pass set shrinks 50.0 % (limit 10 %)"]),
        Row(name: "revoked sender", next: ["sendgrid": .revoke], reasons: nil),
        Row(name: "IPv6 shrink", next: ["google": .set(addressSet("172.16.0.0/12 2001:db8::/33"))],
            reasons: ["IPv6 pass set shrinks 50.0 % (limit 10 %)"]),
        Row(name: "shrink covered by another sender", next: ["sendgrid": .set(.empty), "own": .set(addressSet("192.0.2.0/24 10.0.0.0/12"))],
            reasons: ["sendgrid: 0 addresses (had 1,047,552)"]),
        Row(name: "mixed sender to nothing", next: ["google": .set(.empty)],
            reasons: ["google: 0 addresses (had 1,048,576 IPv4 and 4,294,967,296 IPv6 /64s)",
                      "IPv4 pass set shrinks 50.0 % (limit 10 %)", "IPv6 pass set shrinks 100.0 % (limit 10 %)"]),
    ]

    static func row(_ name: String) -> Row { rows.first { $0.name == name }! }

    /// `before` with the row's changes applied.
    static func next(_ row: Row) -> [String: AddressSet] {
        var out = before
        for (slug, change) in row.next {
            switch change {
            case .set(let s): out[slug] = s
            case .revoke: out[slug] = nil
            }
        }
        return out
    }

    @Test(arguments: rows)
    func gateDecisionTable(_ row: Row) throws {
        let decision = SPFPublishGate().evaluate(previous: Self.before, next: Self.next(row))
        switch (decision, row.reasons) {
        case (.publish(let diff), nil):
            #expect(diff.isEmpty == (row.name == "no change"))
        case (.hold(let reasons, _), let expected?):
            #expect(reasons == expected)
        default:
            Issue.record("\(row.name): \(decision)")
        }
    }

    @Test func sharesOfTheTable() throws {
        let gate = SPFPublishGate()
        let total = Double(Self.unionIPv4)
        #expect(gate.evaluate(previous: Self.before, next: Self.next(Self.row("5 % shrink"))).diff.removedShareIPv4 == 98_304 / total)
        #expect(gate.evaluate(previous: Self.before, next: Self.next(Self.row("just under the limit"))).diff.removedShareIPv4 == 209_638 / total)
        #expect(gate.evaluate(previous: Self.before, next: Self.next(Self.row("IPv6 shrink"))).diff.removedShareIPv6 == 0.5)
        let revoked = gate.evaluate(previous: Self.before, next: Self.next(Self.row("revoked sender"))).diff
        #expect(revoked.removedShareIPv4 == 0)
        #expect(revoked.senders.map(\.sender) == ["sendgrid"] && revoked.senders[0].kind == .revoked)
        #expect(revoked.senders[0].removed == Self.before["sendgrid"]!.networks)
        // The limit is configurable: 1 % holds the 5 % shrink, 20 % publishes the 15 % one.
        #expect(!SPFPublishGate(maxShrinkShare: 0.01).evaluate(previous: Self.before, next: Self.next(Self.row("5 % shrink"))).isPublish)
        #expect(SPFPublishGate(maxShrinkShare: 0.2).evaluate(previous: Self.before, next: Self.next(Self.row("15 % shrink"))).isPublish)
        guard case .hold(let reasons, _) = SPFPublishGate(maxShrinkShare: 0.125).evaluate(previous: Self.before, next: Self.next(Self.row("sender to nothing"))) else {
            Issue.record("published"); return
        }
        #expect(reasons == ["sendgrid: 0 addresses (had 1,047,552)", "IPv4 pass set shrinks 50.0 % (limit 12.5 %)"])
        // A first build (nothing published before) is all growth.
        #expect(gate.evaluate(previous: [:], next: Self.before) == .publish(diff: SPFPassSetDiff(previous: [:], next: Self.before)))
    }

    @Test func diffNamesSendersAndRoundTripsAsJSON() throws {
        let next = Self.next(Row(name: "", next: ["sendgrid": .set(addressSet("10.0.0.0/12")), "own": .set(addressSet("192.0.2.0/25")),
                                                  "mailgun": .set(addressSet("198.51.100.0/24"))], reasons: nil))
        let diff = SPFPassSetDiff(previous: Self.before, next: next)
        #expect(diff.senders == [
            .init(sender: "mailgun", kind: .approved, added: [try IPNetwork.parse("198.51.100.0/24")], removed: []),
            .init(sender: "own", kind: .changed, added: [], removed: [try IPNetwork.parse("192.0.2.128/25")]),
            .init(sender: "sendgrid", kind: .changed, added: [try IPNetwork.parse("10.15.252.0/22")], removed: []),
        ])
        #expect(!diff.isEmpty && diff.change(for: "google") == nil)
        let json = try JSONEncoder().encode(diff)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"10.15.252.0\\/22\"") || text.contains("\"10.15.252.0/22\""))
        #expect(try JSONDecoder().decode(SPFPassSetDiff.self, from: json) == diff)
        #expect(SPFPassSetDiff(previous: Self.before, next: Self.before).isEmpty)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([IPNetwork].self, from: Data("[\"10.0.0.300/8\"]".utf8)) }
    }

    /// C10: when esp.example.net later adds 203.0.113.0/24, the next good run publishes it and
    /// shows a diff naming the added network.
    @Test func testC10RangeGrowthPublishesWithDiffNamingTheNetwork() async throws {
        let old = """
        esp.example.net. TXT "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/25 -all"
        crm.example.org. TXT "v=spf1 ip4:198.51.100.128/25 -all"
        """
        let new = old.replacingOccurrences(of: "ip4:198.51.100.0/25 -all", with: "ip4:198.51.100.0/25 ip4:203.0.113.0/24 -all")
        let spec = DomainSpec(domain: "example.com", senders: [
            SenderSpec(slug: "esp", name: "ESP", spfEntryPoint: "esp.example.net"),
            SenderSpec(slug: "crm", name: "CRM", spfEntryPoint: "crm.example.org"),
        ])
        let settings = DomainRecordBuilderTests.settings
        let first = try await DomainRecordBuilder(settings: settings, source: ZoneFixture(old)).build(spec)
        let second = try await DomainRecordBuilder(settings: settings, source: ZoneFixture(new)).build(spec)
        #expect(Set(first.passSetsBySender.keys) == ["esp", "crm"])
        guard case .publish(let diff) = SPFPublishGate().evaluate(previous: first.passSetsBySender, next: second.passSetsBySender) else {
            Issue.record("held"); return
        }
        #expect(diff.senders == [.init(sender: "esp", kind: .changed, added: [try IPNetwork.parse("203.0.113.0/24")], removed: [])])
        #expect(diff.removedShareIPv4 == 0)
        #expect(second.records.contains { $0.text.contains("ip4:203.0.113.0/24") })
    }

    /// C10: a sender whose tree shrinks to nothing (never a partial run: that is a temporary
    /// failure, see testC10TemporaryFailurePropagates) is held, naming the sender.
    @Test func testC10SenderShrinkingToNothingIsHeld() async throws {
        let old = """
        esp.example.net. TXT "v=spf1 ip4:192.0.2.0/24 -all"
        crm.example.org. TXT "v=spf1 ip4:198.51.100.0/24 -all"
        """
        let new = old.replacingOccurrences(of: "ip4:198.51.100.0/24 -all", with: "-all")
        let spec = DomainSpec(domain: "example.com", senders: [
            SenderSpec(slug: "esp", name: "ESP", spfEntryPoint: "esp.example.net"),
            SenderSpec(slug: "crm", name: "CRM", spfEntryPoint: "crm.example.org"),
        ])
        let settings = DomainRecordBuilderTests.settings
        let first = try await DomainRecordBuilder(settings: settings, source: ZoneFixture(old)).build(spec)
        let second = try await DomainRecordBuilder(settings: settings, source: ZoneFixture(new)).build(spec)
        #expect(second.passSetsBySender["crm"] == .empty)
        guard case .hold(let reasons, let diff) = SPFPublishGate().evaluate(previous: first.passSetsBySender, next: second.passSetsBySender) else {
            Issue.record("published"); return
        }
        #expect(reasons == ["crm: 0 addresses (had 256)", "IPv4 pass set shrinks 50.0 % (limit 10 %)"])
        #expect(diff.change(for: "crm")?.removed == [try IPNetwork.parse("198.51.100.0/24")])
    }

    @Test func passSetsBySenderCoverTheBuild() async throws {
        let zone = ZoneFixture(try sharedFile("fixtures/esp-snapshot.zone"))
        let b = try await DomainRecordBuilder(settings: DomainRecordBuilderTests.settings, source: zone)
            .build(DomainRecordBuilderTests.spec(senders: DomainRecordBuilderTests.senders))
        // Salesforce is kept as an include, Zoom has no SPF: neither has a pass set.
        #expect(Set(b.passSetsBySender.keys) == ["google", "sendgrid", "mandrill", "mailchimp", "own"])
        #expect(b.passSetsBySender.values.reduce(AddressSet.empty) { $0.union($1) } == b.spfPassSet)
        #expect(b.passSetsBySender["own"] == addressSet("192.0.2.0/28 2001:db8:5::/48"))
        for s in b.report.senders { if let set = s.passSet { #expect(b.passSetsBySender[s.slug] == set) } }
        // No own ranges: no `own` entry (removing them all is deliberate, like revoking a sender).
        let bare = try await DomainRecordBuilder(settings: DomainRecordBuilderTests.settings, source: zone)
            .build(DomainSpec(domain: "example.com", senders: [DomainRecordBuilderTests.senders[0]]))
        #expect(Set(bare.passSetsBySender.keys) == ["google"])
    }
}
