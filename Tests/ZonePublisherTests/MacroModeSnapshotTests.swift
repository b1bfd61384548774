import DNSAuthority
import DNSCore
import Foundation
import Inventory
import RecordBuilder
import Testing
@testable import ZonePublisher

/// Macro mode end to end inside the process: inventory → build → ``Publisher/snapshot(_:serial:)``
/// → the pure ``Responder`` on wire queries (RECORDS.md "Macro mode"; RFC 7208 §5.7, §7.3).
@Suite struct MacroModeSnapshotTests {
    static let h = PublisherHarness.hostedZone
    static let espZone = """
        esp.example.net TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:5f00::/40 ~all"
        """

    /// example.com in macro mode (esp plus its own 198.51.100.0/28); example.org flattened.
    static func harness() async throws -> (PublisherHarness, FixtureUpstream) {
        let harness = try PublisherHarness()
        try harness.addSender("esp", entry: "esp.example.net")
        var macro = DomainChanges()
        macro.spfMode = .set(.macro)
        try harness.addDomain("example.com", senders: ["esp"], changes: macro)
        try harness.addDomain("example.org", senders: ["esp"])
        try harness.inventory.addRange(domain: dname("example.com"),
                                       cidr: InventoryCIDR(parsing: "198.51.100.0/28", argument: "CIDR"),
                                       actor: "test", now: PublisherHarness.t0)
        let upstream = FixtureUpstream(espZone)
        let outcomes = try await harness.build(upstream, at: 100)
        #expect(outcomes.allSatisfy { $0.status.publishedChanged == true })
        return (harness, upstream)
    }

    static func query(_ name: String, _ type: RRType) -> [UInt8] {
        try! DNSMessage(header: DNSHeader(id: 0x5150), questions: [DNSQuestion(name: DNSName(name), type: type)]).encode()
    }

    static func ask(_ name: String, _ type: RRType, _ snapshot: PublishedSnapshot,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> DNSMessage {
        let bytes = try #require(Responder().respond(to: query(name, type), transport: .udp, snapshot: snapshot.zones),
                                 sourceLocation: sourceLocation)
        return try DNSMessage.decode(bytes)
    }

    /// `%{i}` for IPv6, written out here (not with the product's expander): 32 nibbles, most
    /// significant first, dot-separated (RFC 7208 §7.3).
    static func nibbles(_ text: String) -> String {
        let value = IPv6Address(text)!.value
        return (0..<32).reversed().map { String(UInt8((value >> UInt128($0 * 4)) & 0xF), radix: 16) }.joined(separator: ".")
    }

    static func ipName(_ labels: String, _ domain: String = "example.com") -> String { "\(labels)._ip.\(domain)._spf.\(h)" }

    static func expectMember(_ name: String, _ snapshot: PublishedSnapshot, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let m = try ask(name, .a, snapshot, sourceLocation: sourceLocation)
        #expect(m.header.rcode == 0 && m.header.authoritative, "\(name)", sourceLocation: sourceLocation)
        #expect(m.answers.map(\.rdata) == [.a(0x7F00_0002)], "\(name)", sourceLocation: sourceLocation)
        #expect(m.answers.first?.name == (try DNSName(name)), sourceLocation: sourceLocation)
    }

    static func expectMiss(_ name: String, _ snapshot: PublishedSnapshot, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let m = try ask(name, .a, snapshot, sourceLocation: sourceLocation)
        #expect(m.header.rcode == 3 && m.header.authoritative, "\(name)", sourceLocation: sourceLocation)
        #expect(m.answers.isEmpty, sourceLocation: sourceLocation)
        #expect(m.authority.map(\.type) == [.soa], sourceLocation: sourceLocation)
    }

    static func txt(_ name: String, _ snapshot: PublishedSnapshot) throws -> [String] {
        try ask(name, .txt, snapshot).answers.compactMap { rr -> String? in
            guard case .txt(let strings) = rr.rdata else { return nil }
            return String(decoding: strings.flatMap(\.bytes), as: UTF8.self)
        }
    }

    @Test func macroModeAnswersFromTheBuiltPassSet() async throws {
        let (harness, _) = try await Self.harness()
        let snapshot = try await Publisher.snapshot(try harness.inventory.snapshot(), serial: 7)

        let record = try Self.txt("example.com._spf.\(Self.h)", snapshot)
        #expect(record.count == 1)
        #expect(record.first?.contains("exists:%{i}._ip.example.com._spf.\(Self.h)") == true)
        #expect(record.first?.contains("ip4:") == false)

        try Self.expectMember(Self.ipName("192.0.2.77"), snapshot)
        try Self.expectMember(Self.ipName("192.0.2.0"), snapshot)
        try Self.expectMember(Self.ipName("192.0.2.255"), snapshot)
        try Self.expectMember(Self.ipName("198.51.100.15"), snapshot)  // own range
        try Self.expectMiss(Self.ipName("198.51.100.16"), snapshot)
        try Self.expectMiss(Self.ipName("192.0.3.0"), snapshot)
        try Self.expectMember(Self.ipName(Self.nibbles("2001:db8:5f12:3456::1")), snapshot)
        try Self.expectMember(Self.ipName(Self.nibbles("2001:db8:5fff:ffff:ffff:ffff:ffff:ffff")), snapshot)
        try Self.expectMiss(Self.ipName(Self.nibbles("2001:db8:6000::")), snapshot)

        // example.org is flattened: its record lists the ranges and it has no address table.
        let flat = try Self.txt("example.org._spf.\(Self.h)", snapshot)
        #expect(flat.first?.contains("ip4:192.0.2.0/24") == true)
        #expect(flat.first?.contains("exists:") == false)
        try Self.expectMiss(Self.ipName("192.0.2.77", "example.org"), snapshot)
    }

    /// C10 in macro mode: a temporary failure keeps answering from the last good pass set; the
    /// next good build's new range answers.
    @Test func testC10MacroModeKeepsLastGoodTable() async throws {
        let (harness, upstream) = try await Self.harness()
        upstream.failTemporarily("esp.example.net")
        let failed = try await harness.build(upstream, at: 200)
        #expect(try outcome("example.com", in: failed).status.failure?.temporary == true)
        let during = try await Publisher.snapshot(try harness.inventory.snapshot(), serial: 8)
        try Self.expectMember(Self.ipName("192.0.2.77"), during)
        try Self.expectMember(Self.ipName(Self.nibbles("2001:db8:5f00::25")), during)
        try Self.expectMiss(Self.ipName("203.0.113.9"), during)

        upstream.heal("esp.example.net")
        upstream.setTXT("esp.example.net", ["v=spf1 ip4:192.0.2.0/24 ip4:203.0.113.0/24 ip6:2001:db8:5f00::/40 ~all"])
        let next = try await harness.build(upstream, at: 300)
        let published = try outcome("example.com", in: next)
        // The hosted TXT record is the same; the table behind it changed.
        #expect(published.status.publishedChanged != nil)
        #expect(published.diff?.change(for: "esp")?.added == [net("203.0.113.0/24")])
        let after = try await Publisher.snapshot(try harness.inventory.snapshot(), serial: 9)
        try Self.expectMember(Self.ipName("203.0.113.9"), after)
        try Self.expectMember(Self.ipName("192.0.2.77"), after)
    }
}
