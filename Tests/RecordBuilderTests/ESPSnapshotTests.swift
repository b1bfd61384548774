import Testing
@testable import RecordBuilder

/// Flattens every provider in shared/fixtures/esp-snapshot.zone and checks the result against
/// the published trees and the reference evaluator.
@Suite struct ESPSnapshotTests {
    static func zone() throws -> ZoneFixture { ZoneFixture(try sharedFile("fixtures/esp-snapshot.zone")) }

    static let providers = [
        "_spf.google.com", "gmail.com", "spf.protection.outlook.com", "sendgrid.net", "servers.mcsv.net",
        "spf.mandrillapp.com", "amazonses.com", "mailgun.org", "spf.mtasv.net", "mail.zendesk.com",
        "mktomail.com", "spf.brevo.com", "spf.helpdesk.example.net",
    ]

    @Test func everyProviderFlattensExactly() async throws {
        let zone = try Self.zone()
        let reference = try Self.zone()
        let flattener = SPFFlattener(source: zone)
        var rng = SplitMix64(seed: 2026)
        for p in Self.providers {
            let f = try await flattener.flatten(entryPoint: p)
            let pass = try #require(f.passSet, "\(p) not flattened")
            #expect(!pass.isEmpty)
            // Every edge of every range, and random addresses, agree with check_host().
            var samples: [AnyIPAddress] = []
            for iv in pass.v4.intervals { samples += [iv.lower &- 1, iv.lower, iv.upper, iv.upper &+ 1].map { .v4(IPv4Address($0)) } }
            for iv in pass.v6.intervals { samples += [iv.lower &- 1, iv.lower, iv.upper, iv.upper &+ 1].map { .v6(IPv6Address($0)) } }
            for _ in 0..<30 { samples.append(.v4(IPv4Address(UInt32(truncatingIfNeeded: rng.next())))) }
            for ip in samples {
                let direct = await SPFEvaluator.checkHost(ip: ip, domain: p, source: reference)
                #expect((direct == .pass) == pass.contains(ip), "\(p) \(ip): \(direct)")
            }
        }
        // Each upstream question was asked once across all providers.
        #expect(zone.questionCounts.values.allSatisfy { $0 == 1 })
    }

    @Test func googleTreeAndGmailRedirect() async throws {
        let flattener = SPFFlattener(source: try Self.zone())
        let google = try await flattener.flatten(entryPoint: "_spf.google.com")
        let gmail = try await flattener.flatten(entryPoint: "gmail.com")
        #expect(google.passSet == gmail.passSet)
        #expect(google.lookups == 3)
        #expect(gmail.lookups == 4)
        #expect(google.upstreamNames == ["_netblocks.google.com", "_netblocks2.google.com", "_netblocks3.google.com", "_spf.google.com"])
        let terms = try #require(google.passSet).networks.map(\.spfTerm)
        #expect(terms.count == 27)
        #expect(terms.first == "ip4:35.190.247.0/24")
        #expect(terms.contains("ip6:2001:4860:4000::/36"))
        #expect(terms.contains("ip4:172.217.0.0/19") && terms.contains("ip4:172.217.32.0/20"))
    }

    @Test func mandrillAndMailchimpShareRanges() async throws {
        let flattener = SPFFlattener(source: try Self.zone())
        let a = try await flattener.flatten(entryPoint: "servers.mcsv.net")
        let b = try await flattener.flatten(entryPoint: "spf.mandrillapp.com")
        #expect(a.passSet == b.passSet)
        #expect(try #require(a.passSet).networks.map(\.spfTerm) == ["ip4:148.105.8.0/21", "ip4:198.2.128.0/18", "ip4:205.201.128.0/20"])
    }

    @Test func helpdeskAAndMXWithPrefixLengths() async throws {
        let f = try await SPFFlattener(source: try Self.zone()).flatten(entryPoint: "spf.helpdesk.example.net")
        #expect(try #require(f.passSet).networks.map(\.spfTerm) == [
            "ip4:198.51.100.0/24", "ip4:203.0.113.10", "ip4:203.0.113.32/28", "ip6:2001:db8:77::/64",
        ])
        #expect(f.lookups == 2)
        #expect(f.queries.contains(SPFUpstreamQuery(.mx, "spf.helpdesk.example.net")))
    }

    @Test func salesforceIsKeptAsInclude() async throws {
        let f = try await SPFFlattener(source: try Self.zone()).flatten(entryPoint: "_spf.salesforce.com")
        guard case .keptAsInclude(let reasons) = f.outcome else { Issue.record("flattened"); return }
        #expect(reasons == ["\"exists:%{i}._spf.mta.salesforce.com\" in _spf.salesforce.com needs the sender's address or a macro (RFC 7208 §5.7, §7.3)"])
        #expect(f.lookups == 1)
    }
}
