import DNSAuthority
import DNSCore
import Foundation
import Inventory
import Logging
import Synchronization
import Testing
@testable import ZonePublisher

/// Which policy hosts have a certificate, switchable by the test; the generation moves on change.
final class FakeCertificates: Sendable {
    private let state = Mutex<(generation: UInt64, covered: Set<String>)>((1, []))
    func install(_ host: String) { state.withLock { $0 = ($0.generation + 1, $0.covered.union([host])) } }
    func remove(_ host: String) { state.withLock { $0 = ($0.generation + 1, $0.covered.subtracting([host])) } }
    var generation: UInt64 { state.withLock { $0.generation } }
    func covers(_ host: String) -> Bool { state.withLock { $0.covered.contains(host) } }
}

/// Field case C22 in the serve path: `D._mta-sts.H` and the policy body are published only while
/// `mta-sts.D` has a usable certificate; the next poll after a certificate arrives publishes them.
@Suite struct CertificateGateTests {
    static func reload(_ h: PublisherHarness, certificates: FakeCertificates, targets: TargetLog,
                       staticZones: (@Sendable ([DNSName]) throws -> [Zone])? = nil) -> ReloadService {
        var logger = Logger(label: "test.gate")
        logger.logLevel = .critical
        let additions = SnapshotAdditions(
            generation: { certificates.generation }, staticZones: staticZones,
            announcesPolicy: { certificates.covers($0) }, observePolicyTargets: { targets.record($0) })
        return ReloadService(inventory: h.inventory, logger: logger, clock: { PublisherHarness.t0 + 100 },
                             additions: additions) { _ in }
    }

    final class TargetLog: Sendable {
        private let list = Mutex<[SnapshotAdditions.PolicyTargets]>([])
        func record(_ t: SnapshotAdditions.PolicyTargets) { list.withLock { $0.append(t) } }
        var last: SnapshotAdditions.PolicyTargets? { list.withLock { $0.last } }
    }

    @Test func testC22MTASTSAnnouncedOnlyWithACertificate() async throws {
        let h = try PublisherHarness()
        for d in ["example.com", "example.org"] {
            try h.addDomain(d, senders: [])
            try h.inventory.setMTASTS(dname(d), mode: .enforce, mxPatterns: [try MXPattern(parsing: "mail.\(d)", argument: "--mx")],
                                      actor: "test", now: PublisherHarness.t0)
        }
        let certificates = FakeCertificates()
        let targets = TargetLog()
        let service = Self.reload(h, certificates: certificates, targets: targets)
        var state = ReloadService.State()
        let txtOwner = "example.com._mta-sts.\(PublisherHarness.hostedZone)"

        // No certificates: both policies wanted, neither announced nor served; TLS-RPT and
        // DMARC are unaffected.
        let first = try #require(try await service.poll(&state))
        #expect(targets.last == SnapshotAdditions.PolicyTargets(hosts: ["mta-sts.example.com", "mta-sts.example.org"],
                                                                 policyAddresses: ["192.0.2.80"]))
        #expect(first.policies.isEmpty)
        #expect(!first.records.contains { $0.owner.contains("._mta-sts.") })
        #expect(first.records.contains { $0.owner == "example.com._smtp._tls.\(PublisherHarness.hostedZone)" })
        if case .answer = first.zones.lookup(try DNSName(txtOwner), .txt) {
            Issue.record("TXT served without a certificate")
        }
        // Nothing changed: no rebuild.
        #expect(try await service.poll(&state) == nil)

        // The certificate for example.com arrives: the next poll announces it (and only it),
        // body and id from one snapshot, under a higher serial.
        certificates.install("mta-sts.example.com")
        let second = try #require(try await service.poll(&state))
        #expect(second.serial > first.serial)
        #expect(Set(second.policies.keys) == ["mta-sts.example.com"])
        guard case .answer(let txt) = second.zones.lookup(try DNSName(txtOwner), .txt) else {
            Issue.record("TXT not served after the certificate"); return
        }
        #expect(txt.count == 1)
        #expect(!second.records.contains { $0.owner == "example.org._mta-sts.\(PublisherHarness.hostedZone)" })

        // The certificate goes away (expired, removed): the announcement is withdrawn.
        certificates.remove("mta-sts.example.com")
        let third = try #require(try await service.poll(&state))
        #expect(third.policies.isEmpty)
        #expect(!third.records.contains { $0.owner.contains("._mta-sts.") })
    }

    @Test func staticZonesAreServedNextToHAndRAndOverlapsRefused() async throws {
        let h = try PublisherHarness()
        let customer = try StaticZoneLoader.load(text: """
            $ORIGIN customer.test.
            @ 300 SOA ns1.hosted.example.net. h.customer.test. 1 3600 600 1209600 300
            @ 300 NS ns1.hosted.example.net.
            mta-sts 300 CNAME mta-sts.hosted.example.net.
            """, sourceName: "customer.test.zone")
        let service = Self.reload(h, certificates: FakeCertificates(), targets: TargetLog(),
                                  staticZones: { served in
                                      for origin in served {
                                          try StaticZoneDirectory.checkOverlap(customer.origin, path: "customer.test.zone", servedZones: [origin])
                                      }
                                      return [customer]
                                  })
        var state = ReloadService.State()
        let snapshot = try #require(try await service.poll(&state))
        #expect(snapshot.zones.zones.map(\.origin.description) == ["hosted.example.net.", "reports.example.net.", "customer.test."])
        guard case .cname = snapshot.zones.lookup(try DNSName("mta-sts.customer.test"), .a) else {
            Issue.record("static CNAME not served"); return
        }
        guard case .answer = snapshot.zones.lookup(try DNSName("mta-sts.hosted.example.net"), .a) else {
            Issue.record("H no longer served"); return
        }
    }
}
