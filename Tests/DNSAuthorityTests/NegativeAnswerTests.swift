import Testing
import DNSCore
@testable import DNSAuthority

/// C33 (NXDOMAIN vs NODATA, negative TTL), C34 (empty non-terminals), C35 (REFUSED).
@Suite struct NegativeAnswerTests {
    struct Case: CustomStringConvertible, Sendable {
        let qname: String
        let qtype: RRType
        let rcode: UInt16
        let authoritative: Bool
        let answers: Int
        /// Expected authority SOA owner and TTL, or nil for no authority section.
        let soa: (owner: String, ttl: UInt32)?
        var description: String { "\(qname) \(qtype)" }
    }

    static let c33: [Case] = [
        Case(qname: "_dmarc.example.com", qtype: .aaaa, rcode: 0, authoritative: true, answers: 0, soa: ("example.com.", 300)),
        Case(qname: "nope.example.com", qtype: .txt, rcode: 3, authoritative: true, answers: 0, soa: ("example.com.", 300)),
        Case(qname: "deep.nope.example.com", qtype: .a, rcode: 3, authoritative: true, answers: 0, soa: ("example.com.", 300)),
        Case(qname: "example.com", qtype: .aaaa, rcode: 0, authoritative: true, answers: 0, soa: ("example.com.", 300)),
        Case(qname: "_dmarc.example.com", qtype: .txt, rcode: 0, authoritative: true, answers: 1, soa: nil),
        // SOA TTL (60) below MINIMUM (300): the TTL wins (RFC 2308 §3).
        Case(qname: "nope.reports.example.net", qtype: .txt, rcode: 3, authoritative: true, answers: 0, soa: ("reports.example.net.", 60)),
        // MINIMUM (600) below TTL (3600).
        Case(qname: "nope.hosted.example.net", qtype: .txt, rcode: 3, authoritative: true, answers: 0, soa: ("hosted.example.net.", 600)),
    ]

    static let c34: [Case] = [
        Case(qname: "_tls.example.com", qtype: .txt, rcode: 0, authoritative: true, answers: 0, soa: ("example.com.", 300)),
        Case(qname: "_report._dmarc.reports.example.net", qtype: .a, rcode: 0, authoritative: true, answers: 0, soa: ("reports.example.net.", 60)),
        Case(qname: "_dmarc.reports.example.net", qtype: .txt, rcode: 0, authoritative: true, answers: 0, soa: ("reports.example.net.", 60)),
        Case(qname: "com._report._dmarc.reports.example.net", qtype: .txt, rcode: 0, authoritative: true, answers: 0, soa: ("reports.example.net.", 60)),
        Case(qname: "_dmarc.hosted.example.net", qtype: .txt, rcode: 0, authoritative: true, answers: 0, soa: ("hosted.example.net.", 600)),
        Case(qname: "com._dmarc.hosted.example.net", qtype: .any, rcode: 0, authoritative: true, answers: 0, soa: ("hosted.example.net.", 600)),
        // Below an ENT with no data anywhere under it: NXDOMAIN.
        Case(qname: "x._tls.example.com", qtype: .txt, rcode: 3, authoritative: true, answers: 0, soa: ("example.com.", 300)),
    ]

    static let c35: [Case] = [
        Case(qname: "www.example.org", qtype: .a, rcode: 5, authoritative: false, answers: 0, soa: nil),
        Case(qname: "example.com.other.example", qtype: .txt, rcode: 5, authoritative: false, answers: 0, soa: nil),
        Case(qname: "example.net", qtype: .soa, rcode: 5, authoritative: false, answers: 0, soa: nil),
        Case(qname: "net", qtype: .ns, rcode: 5, authoritative: false, answers: 0, soa: nil),
        Case(qname: ".", qtype: .ns, rcode: 5, authoritative: false, answers: 0, soa: nil),
    ]

    func check(_ test: Case, snapshot: ZoneSnapshot) throws {
        for rd in [false, true] {
            let query = makeQuery(test.qname, test.qtype, recursionDesired: rd)
            let (bytes, response) = try #require(try ask(query, snapshot))
            #expect(response.rcode == test.rcode, "\(test)")
            #expect(response.header.isResponse)
            #expect(response.header.authoritative == test.authoritative, "\(test)")
            #expect(!response.header.recursionAvailable)
            #expect(response.header.recursionDesired == rd)
            #expect(response.answers.count == test.answers, "\(test)")
            // Question echoed byte for byte.
            #expect(Array(bytes[12..<(query.count)]) == Array(query[12...]))
            if let soa = test.soa {
                #expect(response.authority.count == 1, "\(test)")
                #expect(response.authority.first?.type == .soa)
                #expect(response.authority.first?.name.description == soa.owner)
                #expect(response.authority.first?.ttl == soa.ttl, "\(test)")
            } else {
                #expect(response.authority.isEmpty, "\(test)")
            }
            #expect(response.additional.isEmpty && response.edns == nil)
        }
    }

    @Test(arguments: c33)
    func testC33NXDomainVersusNoDataWithNegativeTTL(_ test: Case) throws {
        try check(test, snapshot: Fixtures.snapshot())
    }

    @Test(arguments: c34)
    func testC34EmptyNonTerminalsAreNoData(_ test: Case) throws {
        try check(test, snapshot: Fixtures.snapshot())
    }

    @Test func testC34CompilerListsEmptyNonTerminals() throws {
        let zone = try ZoneText.zone("reports.example.net", Fixtures.reports)
        #expect(zone.emptyNonTerminals.map(\.description) == [
            "_dmarc.reports.example.net.", "_report._dmarc.reports.example.net.", "com._report._dmarc.reports.example.net.",
        ])
        #expect(zone.lookup(try DNSName("_dmarc.reports.example.net"), .txt) == .noData(soa: zone.negativeSOARecord))
    }

    @Test(arguments: c35)
    func testC35NamesOutsideEveryZoneAreRefused(_ test: Case) throws {
        try check(test, snapshot: Fixtures.snapshot())
    }

    @Test func testC35DeprovisionedZoneIsRefused() throws {
        let before = try Fixtures.snapshot()
        let after = try ZoneSnapshot(zones: before.zones.filter { $0.origin != (try! DNSName("example.com")) }, generation: 2)
        #expect(try ask(makeQuery("www.example.com", .a), before)?.message.rcode == 0)
        let response = try #require(try ask(makeQuery("www.example.com", .a), after)).message
        #expect(response.rcode == 5)
        #expect(!response.header.authoritative)
        #expect(response.authority.isEmpty)
        #expect(after.lookup(try DNSName("www.example.com"), .a) == .refused)
    }

    @Test func testC35EmptySnapshotRefusesEverything() throws {
        let response = try #require(try ask(makeQuery("example.com", .soa), .empty)).message
        #expect(response.rcode == 5)
        #expect(response.questions.count == 1)
    }

    @Test func longestMatchPicksTheInnermostZone() throws {
        let parent = try ZoneText.zone("example.net", """
        example.net. 3600 SOA ns.example.net. h.example.net. 1 1 1 1 100
        example.net. 3600 NS ns.example.net.
        """)
        let snapshot = try ZoneSnapshot(zones: [parent, ZoneText.zone("reports.example.net", Fixtures.reports)])
        let inner = try #require(try ask(makeQuery("x.reports.example.net", .a), snapshot)).message
        #expect(inner.authority.first?.name.description == "reports.example.net.")
        let outer = try #require(try ask(makeQuery("x.example.net", .a), snapshot)).message
        #expect(outer.authority.first?.name.description == "example.net.")
        #expect(snapshot.zone(enclosing: try DNSName("A.Reports.Example.NET"))?.origin.description == "reports.example.net.")
        #expect(throws: DNSAuthorityError.duplicateZone(origin: "example.net.")) {
            try ZoneSnapshot(zones: [parent, parent])
        }
    }
}
