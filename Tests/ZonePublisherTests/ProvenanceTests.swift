import Foundation
import Inventory
import RecordBuilder
import Testing
@testable import ZonePublisher

/// Provenance stored with each build (RECORDS.md "SPF": "every published range can be traced to
/// the sender(s) and upstream record(s) it came from", `herald spf explain D`).
@Suite struct ProvenanceTests {
    @Test func everyPublishedRangeHasASourceAndAnUpstreamRecord() async throws {
        let h = try PublisherHarness()
        try h.addSender("helpdesk", entry: "spf.helpdesk.example.net")
        try h.addDomain("example.com", senders: ["google-workspace", "mailchimp", "mandrill", "helpdesk"])
        try h.inventory.addRange(domain: dname("example.com"), cidr: InventoryCIDR(parsing: "192.0.2.0/28", argument: "CIDR"),
                                 actor: "test", now: PublisherHarness.t0)
        let upstream = FixtureUpstream(wrapping: try ZoneFileSource(path: try espSnapshotFile()))
        let outcomes = try await h.build(upstream, at: 100)
        #expect(try outcome("example.com", in: outcomes).status.publishedChanged == true)

        let state = try h.state("example.com")
        let text = try #require(state.provenance)
        let provenance = try JSONDecoder().decode(SPFProvenance.self, from: Data(text.utf8))

        // Exactly the published networks, each with at least one source and one upstream line.
        let published = PublisherHarness.networks(in: PublisherHarness.spfRecords("example.com", in: state.records ?? []))
        #expect(!published.isEmpty)
        // Same networks in the same (record) order; the record omits /32 and /128 (RFC 7208 §5.6).
        #expect(provenance.ranges.map(\.network) == published.map { net($0).description })
        #expect(published.contains("203.0.113.10"))
        for range in provenance.ranges {
            #expect(!range.sources.isEmpty, "\(range.network) has no source")
            #expect(!range.upstream.isEmpty, "\(range.network) has no upstream record")
        }
        let byNetwork = Dictionary(provenance.ranges.map { ($0.network, $0) }, uniquingKeysWith: { a, _ in a })
        func origin(_ network: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SPFRangeOrigin {
            guard let found = byNetwork[network] else {
                Issue.record("\(network) not in provenance", sourceLocation: sourceLocation)
                throw CocoaError(.coderValueNotFound)
            }
            return found
        }

        // Google Workspace, three includes deep.
        let google = try origin("64.233.160.0/19")
        #expect(google.sources == ["google-workspace"])
        #expect(google.upstream == ["_netblocks.google.com: ip4:64.233.160.0/19"])
        #expect(try origin("2001:4860:4000::/36").upstream == ["_netblocks2.google.com: ip6:2001:4860:4000::/36"])
        // Mailchimp and Mandrill publish the same ranges: both named, each with its record.
        let shared = try origin("198.2.128.0/18")
        #expect(shared.sources == ["mailchimp", "mandrill"])
        #expect(Set(shared.upstream) == ["servers.mcsv.net: ip4:198.2.128.0/18", "spf.mandrillapp.com: ip4:198.2.128.0/18"])
        // Host terms: the a/mx term of the record they appear in.
        let smtp = try origin("203.0.113.32/28")
        #expect(smtp.sources == ["helpdesk"])
        #expect(smtp.upstream.contains("spf.helpdesk.example.net: a:smtp.helpdesk.example.net/28"))
        let mx = try origin("203.0.113.10/32")
        #expect(mx.sources == ["helpdesk"])
        #expect(mx.upstream.contains("spf.helpdesk.example.net: mx//64"))
        // The customer's own range.
        let own = try origin("192.0.2.0/28")
        #expect(own.sources == ["own"])
        #expect(own.upstream == ["own range"])

        #expect(provenance.keptIncludes.isEmpty)
    }

    /// A sender kept as an include (a macro) is listed with its reason and contributes no range.
    @Test func keptIncludesAreExplained() async throws {
        let h = try PublisherHarness()
        try h.addDomain("example.com", senders: ["salesforce", "postmark"])
        let upstream = FixtureUpstream(wrapping: try ZoneFileSource(path: try espSnapshotFile()))
        _ = try await h.build(upstream, at: 100)
        let state = try h.state("example.com")
        let provenance = try JSONDecoder().decode(SPFProvenance.self, from: Data(try #require(state.provenance).utf8))
        let reasons = try #require(provenance.keptIncludes["salesforce"])
        #expect(reasons.contains { $0.contains("exists:%{i}._spf.mta.salesforce.com") })
        #expect(provenance.ranges.allSatisfy { $0.sources == ["postmark"] })
        #expect(provenance.ranges.map(\.network) == ["50.31.156.96/27", "104.245.209.192/26"])
    }
}
