import Testing
@testable import RecordBuilder

/// `herald records D --literal`: the records a leaving customer publishes in their own zone,
/// and the TLS-RPT record rules (RFC 7208 §5.2, RFC 8461 §3, RFC 8460 §3).
@Suite struct CustomerZoneRecordsTests {
    static let settings = OperatorSettings(hostedZone: "hosted.example.net", reportZone: "reports.example.net",
                                           dmarcMailbox: "dmarc@reports.example.net", tlsrptMailbox: "tlsrpt@reports.example.net")

    /// Builds `spec` with no upstream senders (own ranges only).
    static func build(_ spec: DomainSpec) async throws -> DomainBuild {
        try await DomainRecordBuilder(settings: settings, source: ZoneFixture("")).build(spec)
    }

    @Test func literalRecordsInlineSPFAndKeepThePolicy() async throws {
        let policy = try MTASTSPolicy(mode: .enforce, mx: ["mail.example.com"])
        let build = try await Self.build(DomainSpec(
            domain: "example.com", stage: .reject, mtaSTS: MTASTSSettings(mode: .enforce, mx: ["mail.example.com"]),
            tlsrptRUA: ["mailto:tls@example.com"], ownRanges: [try IPNetwork.parse("192.0.2.0/24"), try IPNetwork.parse("2001:db8::/32")]))
        let literal = CustomerZoneRecords(domain: "example.com", hostedZone: "hosted.example.net", reportZone: "reports.example.net",
                                          hosted: build.records, policy: policy,
                                          unflattenedTerms: ["include:_spf.google.com", "ip4:192.0.2.0/24"])
        let byOwner = Dictionary(literal.records.map { ($0.owner, $0.text) }, uniquingKeysWith: { a, _ in a })
        #expect(byOwner["_dmarc.example.com"] == "v=DMARC1; p=reject; rua=mailto:dmarc@reports.example.net")
        #expect(byOwner["example.com"] == "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all")
        #expect(byOwner["_mta-sts.example.com"] == "v=STSv1; id=\(policy.id)")
        #expect(byOwner["_smtp._tls.example.com"] == "v=TLSRPTv1; rua=mailto:tlsrpt@reports.example.net,mailto:tls@example.com")
        #expect(literal.policyBody == policy.body)
        #expect(literal.records.map(\.owner) == ["_dmarc.example.com", "example.com", "_mta-sts.example.com", "_smtp._tls.example.com"])
        #expect(literal.notes.contains { $0.contains("https://mta-sts.example.com/.well-known/mta-sts.txt") && $0.contains("BEFORE") })
        #expect(literal.notes.contains { $0.contains("example.com._report._dmarc.reports.example.net") })
        #expect(literal.notes.contains { $0.contains("v=spf1 include:_spf.google.com ip4:192.0.2.0/24 -all") })
        // No hosted name survives in the customer's records.
        #expect(!literal.records.contains { $0.text.contains("hosted.example.net") })
    }

    /// A chained SPF record becomes `_N._spf.D` links with the includes renamed; every address
    /// the hosted chain authorises is still in the literal chain.
    @Test func literalSPFChainIsRenamed() async throws {
        let ranges = (0..<80).map { try! IPNetwork.parse("10.\($0).0.0/17") }
        let build = try await Self.build(DomainSpec(domain: "example.com", ownRanges: ranges))
        #expect(build.records.contains { $0.owner.hasPrefix("_1.example.com._spf.") }, "the fixture must need a chain")
        let literal = CustomerZoneRecords(domain: "example.com", hostedZone: "hosted.example.net", reportZone: "reports.example.net",
                                          hosted: build.records, policy: nil)
        let apex = try #require(literal.records.first { $0.owner == "example.com" })
        #expect(apex.text.hasPrefix("v=spf1 ") && apex.text.hasSuffix(" include:_1._spf.example.com -all"))
        let links = literal.records.filter { $0.owner.hasSuffix("._spf.example.com") }
        #expect(!links.isEmpty)
        let hostedTerms = build.records.filter { $0.owner.contains("._spf.") }.flatMap { $0.text.split(separator: " ") }
            .filter { $0.hasPrefix("ip4:") || $0.hasPrefix("ip6:") }
        let literalTerms = ([apex] + links).flatMap { $0.text.split(separator: " ") }.filter { $0.hasPrefix("ip4:") || $0.hasPrefix("ip6:") }
        #expect(hostedTerms == literalTerms)
        #expect(!literal.records.contains { $0.text.contains("hosted.example.net") })
        #expect(literal.policyBody == nil && !literal.records.contains { $0.owner.hasPrefix("_mta-sts.") })
        for record in literal.records { #expect(record.strings.allSatisfy { $0.utf8.count <= 255 }) }
    }

    /// Macro mode cannot be copied: no apex record, a note says why and what to do.
    @Test func macroModeIsExplainedNotCopied() async throws {
        let build = try await Self.build(DomainSpec(domain: "example.com", ownRanges: [try IPNetwork.parse("192.0.2.0/24")], spfMode: .macro))
        let literal = CustomerZoneRecords(domain: "example.com", hostedZone: "hosted.example.net", reportZone: "reports.example.net",
                                          hosted: build.records, policy: nil)
        #expect(!literal.records.contains { $0.owner == "example.com" })
        #expect(literal.notes.contains { $0.contains("macro mode") && $0.contains("--spf-mode flatten") })
    }

    /// A domain never built has no hosted SPF record: nothing is invented for the apex, and a
    /// note says so.
    @Test func unbuiltDomainGetsNoApexRecord() async throws {
        let build = try await Self.build(DomainSpec(domain: "example.com"))
        let hosted = build.records.filter { !$0.owner.contains("._spf.") }
        let literal = CustomerZoneRecords(domain: "example.com", hostedZone: "hosted.example.net", reportZone: "reports.example.net",
                                          hosted: hosted, policy: nil)
        #expect(literal.records.map(\.owner) == ["_dmarc.example.com", "_smtp._tls.example.com"])
        #expect(literal.notes.contains { $0.contains("no hosted SPF record yet") })
    }

    /// C26: `mailto:` added to a bare address, `https:` allowed, several URIs comma-separated
    /// without spaces, the operator's first, one record at `D._smtp._tls.H`.
    @Test func testC26TLSRPTSeveralURIsOneRecord() async throws {
        let build = try await Self.build(DomainSpec(domain: "example.com",
                                                    tlsrptRUA: ["tls@example.com", "https://tlsrpt.example.com/v1", "mailto:tls@example.com"]))
        let tlsrpt = build.records.filter { $0.owner.hasSuffix("._smtp._tls.hosted.example.net") }
        #expect(tlsrpt.count == 1)
        #expect(tlsrpt.first?.owner == "example.com._smtp._tls.hosted.example.net")
        #expect(tlsrpt.first?.text == "v=TLSRPTv1; rua=mailto:tlsrpt@reports.example.net,mailto:tls@example.com,https://tlsrpt.example.com/v1")
        #expect(!build.records.contains { $0.owner.contains("_tlsrpt") || $0.owner.contains("_smtp-tlsrpt") })
        #expect(throws: MTASTSError.invalidReportURI("tls example.com")) { try TLSRPTRecord(rua: ["tls example.com"]) }
    }
}
