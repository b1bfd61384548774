import DNSAuthority
import DNSCore
import Foundation
import Inventory
import Logging
import RecordBuilder
import Synchronization
import Testing
@testable import ZonePublisher

/// SOA serials and snapshot content through ``ReloadService/initialSnapshot()`` (RECORDS.md
/// "SOA serial increases with every published change"; RFC 1982).
@Suite struct SnapshotSerialTests {
    static func harness() async throws -> PublisherHarness {
        let h = try PublisherHarness()
        try h.addSender("esp", entry: "esp.example.net")
        try h.addDomain("example.com", senders: ["esp"])
        let upstream = FixtureUpstream(#"esp.example.net TXT "v=spf1 ip4:192.0.2.0/24 ~all""#)
        _ = try await h.build(upstream, at: 100)
        return h
    }

    /// A fresh service (a restarted `herald serve`) with the given clock; returns its first
    /// snapshot and what it handed to `publish`.
    static func firstSnapshot(_ h: PublisherHarness, clock: Int64) async throws -> (PublishedSnapshot, [UInt32]) {
        let published = Mutex<[UInt32]>([])
        let service = ReloadService(
            inventory: h.inventory, logger: Logger(label: "pubtest", factory: { _ in SwiftLogNoOpLogHandler() }),
            clock: { PublisherHarness.t0 + clock }, publish: { s in published.withLock { $0.append(s.serial) } })
        let snapshot = try await service.initialSnapshot()
        return (snapshot, published.withLock { $0 })
    }

    static func soaSerial(_ snapshot: PublishedSnapshot, zone: String) throws -> UInt32? {
        let bytes = try #require(Responder().respond(
            to: try DNSMessage(header: DNSHeader(id: 1), questions: [DNSQuestion(name: DNSName(zone), type: .soa)]).encode(),
            transport: .udp, snapshot: snapshot.zones))
        guard case .soa(let soa)? = try DNSMessage.decode(bytes).answers.first?.rdata else { return nil }
        return soa.serial
    }

    static func dmarc(_ snapshot: PublishedSnapshot) -> String? {
        snapshot.records.first { $0.owner == "example.com._dmarc.\(PublisherHarness.hostedZone)" }?.text
    }

    @Test func serialIncreasesWithChangesAndNeverGoesBack() async throws {
        let h = try await Self.harness()

        let (s1, published1) = try await Self.firstSnapshot(h, clock: 1000)
        #expect(published1 == [s1.serial])
        #expect(s1.serial >= UInt32(PublisherHarness.t0 + 1000))
        #expect(try Self.soaSerial(s1, zone: PublisherHarness.hostedZone) == s1.serial)
        #expect(try Self.soaSerial(s1, zone: "reports.example.net") == s1.serial)
        #expect(try h.inventory.settings()?.publishedSerial == s1.serial)
        #expect(Self.dmarc(s1)?.contains("p=none") == true)
        #expect(s1.records.contains { $0.owner == PublisherHarness.spfOwner("example.com") && $0.text.contains("ip4:192.0.2.0/24") })

        // A stage change, seen by a restarted service whose clock has not moved: the stored
        // serial makes the new one higher anyway.
        try h.inventory.setStage(dname("example.com"), to: .quarantineTest, force: true, reason: "test",
                                 actor: "operator", now: PublisherHarness.t0 + 1100)
        let (s2, _) = try await Self.firstSnapshot(h, clock: 1000)
        #expect(s2.serial > s1.serial)
        #expect(s2.records != s1.records)
        #expect(Self.dmarc(s2)?.contains("p=quarantine; t=y") == true)
        #expect(try Self.soaSerial(s2, zone: PublisherHarness.hostedZone) == s2.serial)

        // A policy change (adkim), seen with a clock that went backwards.
        var strict = DomainChanges()
        strict.adkim = .set(.strict)
        try h.inventory.updateDomain(dname("example.com"), changes: strict, actor: "operator", now: PublisherHarness.t0 + 1200)
        let (s3, _) = try await Self.firstSnapshot(h, clock: 500)
        #expect(s3.serial > s2.serial)
        #expect(Self.dmarc(s3)?.contains("adkim=s") == true)

        // Nothing changed: identical records and policies, and the serial does not go back.
        let (s4, _) = try await Self.firstSnapshot(h, clock: 500)
        #expect(s4.records == s3.records)
        #expect(s4.policies == s3.policies)
        #expect(s4.serial >= s3.serial)
        #expect(s4.warnings.isEmpty)
    }

    /// The snapshot is a pure function of the inventory: two snapshots of the same inventory with
    /// the same serial answer every query byte for byte alike.
    @Test func sameInventoryGivesTheSameSnapshot() async throws {
        let h = try await Self.harness()
        let a = try await Publisher.snapshot(try h.inventory.snapshot(), serial: 42)
        let b = try await Publisher.snapshot(try h.inventory.snapshot(), serial: 42)
        #expect(a.records == b.records)
        for (name, type) in [("example.com._spf.\(PublisherHarness.hostedZone)", RRType.txt),
                             ("example.com._dmarc.\(PublisherHarness.hostedZone)", .txt),
                             (PublisherHarness.hostedZone, .soa), ("nope.\(PublisherHarness.hostedZone)", .a)] {
            let q = try DNSMessage(header: DNSHeader(id: 9), questions: [DNSQuestion(name: DNSName(name), type: type)]).encode()
            #expect(Responder().respond(to: q, transport: .udp, snapshot: a.zones)
                    == Responder().respond(to: q, transport: .udp, snapshot: b.zones))
        }
    }

    /// `nextSerial`: strictly greater than the previous one and at least the clock.
    @Test func nextSerialArithmetic() {
        #expect(Publisher.nextSerial(after: 0, now: 1_767_225_600) == 1_767_225_600)
        #expect(Publisher.nextSerial(after: 1_767_225_600, now: 1_767_225_600) == 1_767_225_601)
        #expect(Publisher.nextSerial(after: 1_767_225_700, now: 1_767_225_600) == 1_767_225_701)
        #expect(Publisher.nextSerial(after: 5, now: -1) == 6)
    }
}
