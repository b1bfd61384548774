import Testing
import DNSCore
@testable import DNSAuthority

/// Positive answers: data, case handling, CNAME (C20), ANY (RFC 8482).
@Suite struct AnswerTests {
    @Test func answersCarryDataAndNoAuthorityNS() throws {
        let response = try #require(try ask(makeQuery("www.example.com", .aaaa), Fixtures.snapshot())).message
        #expect(response.rcode == 0 && response.header.authoritative)
        #expect(response.answers.map(\.rdata.presentation) == ["2001:db8::80"])
        #expect(response.authority.isEmpty && response.additional.isEmpty)
        #expect(response.answers[0].ttl == 300)
    }

    @Test func questionEchoedByteForByteAndOwnerKeepsQueryCase() throws {
        let query = makeQuery("WwW.ExAmPlE.CoM", .a, id: 0x4242, recursionDesired: true)
        let (bytes, response) = try #require(try ask(query, Fixtures.snapshot()))
        #expect(Array(bytes[12..<query.count]) == Array(query[12...]))
        #expect(response.header.id == 0x4242)
        #expect(response.header.recursionDesired && !response.header.recursionAvailable)
        #expect(response.answers.first?.name.wire == (try DNSName("WwW.ExAmPlE.CoM")).wire)
        #expect(response.answers.first?.rdata == .a(192, 0, 2, 80))
        // The owner is a pointer to the question name.
        #expect(bytes[query.count] == 0xC0 && bytes[query.count + 1] == 0x0C)
    }

    struct CNAMECase: Sendable, CustomStringConvertible {
        let qname: String
        let qtype: RRType
        let rcode: UInt16
        let answerTypes: [RRType]
        let authority: String?
        var description: String { "\(qname) \(qtype)" }
    }

    static let c20: [CNAMECase] = [
        // Chased across zones: CNAME then the TXT in hosted.example.net.
        CNAMECase(qname: "policy.example.com", qtype: .txt, rcode: 0, answerTypes: [.cname, .txt], authority: nil),
        // Within one zone.
        CNAMECase(qname: "alias.example.com", qtype: .a, rcode: 0, answerTypes: [.cname, .a], authority: nil),
        // Asking for the CNAME itself: no chase.
        CNAMECase(qname: "alias.example.com", qtype: .cname, rcode: 0, answerTypes: [.cname], authority: nil),
        // Target has no data of the type: NODATA with the target zone's SOA.
        CNAMECase(qname: "alias.example.com", qtype: .mx, rcode: 0, answerTypes: [.cname], authority: "example.com."),
        CNAMECase(qname: "policy.example.com", qtype: .a, rcode: 0, answerTypes: [.cname], authority: "hosted.example.net."),
        // Target does not exist: NXDOMAIN (RFC 6604) with the CNAME kept.
        CNAMECase(qname: "dangling.example.com", qtype: .a, rcode: 3, answerTypes: [.cname], authority: "example.com."),
        // Target outside every served zone: stop after the CNAME.
        CNAMECase(qname: "outside.example.com", qtype: .a, rcode: 0, answerTypes: [.cname], authority: nil),
        // A loop stops without repeating forever.
        CNAMECase(qname: "loop1.example.com", qtype: .a, rcode: 0, answerTypes: [.cname, .cname], authority: nil),
        // ANY at a CNAME returns the CNAME.
        CNAMECase(qname: "alias.example.com", qtype: .any, rcode: 0, answerTypes: [.cname], authority: nil),
    ]

    @Test(arguments: c20)
    func testC20CNAMEIsAnsweredAndChasedWithinServedZones(_ test: CNAMECase) throws {
        let (_, response) = try #require(try ask(makeQuery(test.qname, test.qtype), Fixtures.snapshot()))
        #expect(response.rcode == test.rcode, "\(test)")
        #expect(response.header.authoritative)
        #expect(response.answers.map(\.type) == test.answerTypes, "\(test)")
        #expect(response.authority.first?.name.description == test.authority, "\(test)")
        // Each CNAME's owner is the previous target.
        for (previous, next) in zip(response.answers, response.answers.dropFirst()) {
            if case let .cname(target) = previous.rdata { #expect(next.name == target) }
        }
    }

    @Test func testC20PolicyTXTFollowsTheCNAME() throws {
        let response = try #require(try ask(makeQuery("policy.example.com", .txt), Fixtures.snapshot())).message
        #expect(response.answers.last?.name.description == "example.com._dmarc.hosted.example.net.")
        #expect(response.answers.last?.rdata == .txt([try CharacterString("v=DMARC1; p=quarantine; rua=mailto:agg@hosted.example.net")]))
    }

    @Test func anyReturnsOneRRset() throws {
        let snapshot = try Fixtures.snapshot()
        let response = try #require(try ask(makeQuery("www.example.com", .any), snapshot)).message
        #expect(Set(response.answers.map(\.type)).count == 1)
        #expect(response.answers.count == 1)
        let apex = try #require(try ask(makeQuery("example.com", .any), snapshot, transport: .tcp)).message
        #expect(Set(apex.answers.map(\.type)).count == 1)
        let hinfo = ResponderConfiguration(anyPolicy: .hinfo(ttl: 3600))
        let synthesized = try #require(try ask(makeQuery("example.com", .any), snapshot, configuration: hinfo)).message
        #expect(synthesized.answers == [ResourceRecord(name: try DNSName("example.com"), ttl: 3600,
                                                       rdata: .hinfo(cpu: try CharacterString("RFC8482"), os: try CharacterString("")))])
        // ANY at a missing name is still NXDOMAIN.
        #expect(try ask(makeQuery("nope.example.com", .any), snapshot, configuration: hinfo)?.message.rcode == 3)
    }

    @Test func snapshotTypedLookup() throws {
        let snapshot = try Fixtures.snapshot()
        #expect(snapshot.lookup(try DNSName("WWW.example.com"), .a)
            == .answer([ResourceRecord(name: try DNSName("www.example.com"), ttl: 300, rdata: .a(192, 0, 2, 80))]))
        guard case .cname = snapshot.lookup(try DNSName("alias.example.com"), .a) else {
            Issue.record("expected cname")
            return
        }
        guard case let .nxDomain(soa) = snapshot.lookup(try DNSName("nope.example.com"), .a) else {
            Issue.record("expected nxdomain")
            return
        }
        #expect(soa.ttl == 300)
        #expect(snapshot.serials[try DNSName("hosted.example.net")] == 2026011501)
        #expect(snapshot.generation == 1)
    }
}
