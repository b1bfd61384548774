import Testing
import DNSCore
@testable import DNSAuthority

/// C27 (BADVERS), EDNS echo rules, C29 (size limits and TC), C30 (long TXT).
@Suite struct EDNSAndTruncationTests {
    static let question = "07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 06 00 01"

    @Test func testC27EDNSVersionOneGetsBadVers() throws {
        let snapshot = try Fixtures.snapshot()
        let v1 = hexBytes("ab 01 00 00 00 01 00 00 00 00 00 01 " + Self.question + " 00 00 29 04 d0 00 01 00 00 00 00")
        let v100 = hexBytes("ab 02 00 00 00 01 00 00 00 00 00 01 " + Self.question + " 00 00 29 04 d0 00 64 00 00 00 04 00 64 00 00")
        for query in [v1, v100] {
            let cold = try #require(try ask(query, snapshot))
            // Warm: after a normal SOA query, the answer is identical.
            _ = try ask(makeQuery("example.com", .soa, edns: EDNS()), snapshot)
            let warm = try #require(try ask(query, snapshot))
            #expect(cold.bytes == warm.bytes)
            let response = cold.message
            #expect(response.rcode == 16)
            #expect(response.header.rcode == 0)
            #expect(response.edns?.extendedRCode == 1)
            #expect(response.edns?.version == 0)
            #expect(response.edns?.options.isEmpty == true)
            #expect(response.questions.count == 1)
            #expect(Array(cold.bytes[12..<(12 + 17)]) == hexBytes(Self.question))
            #expect(response.answers.isEmpty && response.authority.isEmpty && response.additional.isEmpty)
        }
    }

    @Test func ednsEchoRules() throws {
        let snapshot = try Fixtures.snapshot()
        // No OPT in the query → none in the answer.
        #expect(try ask(makeQuery("example.com", .soa), snapshot)?.message.edns == nil)
        // OPT with DO and an unknown option: OPT back, DO echoed, option not echoed, our size.
        let edns = EDNS(udpPayloadSize: 4096, dnssecOK: true, options: [EDNS.Option(code: 65001, data: [1, 2, 3])])
        let response = try #require(try ask(makeQuery("example.com", .soa, edns: edns), snapshot)).message
        #expect(response.edns?.dnssecOK == true)
        #expect(response.edns?.options.isEmpty == true)
        #expect(response.edns?.udpPayloadSize == 1232)
        #expect(response.edns?.version == 0)
        #expect(response.answers.count == 1)
        let plain = try #require(try ask(makeQuery("example.com", .soa, edns: EDNS(udpPayloadSize: 1232)), snapshot)).message
        #expect(plain.edns?.dnssecOK == false)
        // REFUSED and NXDOMAIN keep the OPT too.
        #expect(try ask(makeQuery("example.org", .soa, edns: EDNS()), snapshot)?.message.edns != nil)
        #expect(try ask(makeQuery("nope.example.com", .soa, edns: EDNS()), snapshot)?.message.edns != nil)
    }

    /// The C29 zone: apex SPF plus 20 verification tokens of 100 characters.
    static func bigTXTSnapshot() throws -> ZoneSnapshot {
        var text = """
        example.com. 3600 SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
        example.com. 3600 NS ns1.example.com.
        example.com. 300 TXT "v=spf1 include:example.com._spf.hosted.example.net -all"
        small.example.com. 300 TXT "v=spf1 -all"
        """
        for index in 0..<20 {
            let token = "verification-\(index)=" + String(repeating: "x", count: 100 - "verification-\(index)=".count)
            text += "\nexample.com. 300 TXT \"\(token)\""
        }
        return try ZoneSnapshot(zones: [ZoneText.zone("example.com", text)])
    }

    struct SizeCase: Sendable, CustomStringConvertible {
        let label: String
        let transport: Responder.Transport
        let bufsize: UInt16?
        let limit: Int
        let truncated: Bool
        var description: String { label }
    }

    static let c29: [SizeCase] = [
        SizeCase(label: "noedns udp", transport: .udp, bufsize: nil, limit: 512, truncated: true),
        SizeCase(label: "bufsize 1232", transport: .udp, bufsize: 1232, limit: 1232, truncated: true),
        SizeCase(label: "bufsize 100 treated as 512", transport: .udp, bufsize: 100, limit: 512, truncated: true),
        SizeCase(label: "bufsize 4096 capped at 1232", transport: .udp, bufsize: 4096, limit: 1232, truncated: true),
        SizeCase(label: "tcp", transport: .tcp, bufsize: nil, limit: 65535, truncated: false),
        SizeCase(label: "tcp with edns", transport: .tcp, bufsize: 512, limit: 65535, truncated: false),
    ]

    @Test(arguments: c29)
    func testC29LargeRRsetTruncatesWholeOrFitsFully(_ test: SizeCase) throws {
        let snapshot = try Self.bigTXTSnapshot()
        let query = makeQuery("example.com", .txt, edns: test.bufsize.map { EDNS(udpPayloadSize: $0) })
        let (bytes, response) = try #require(try ask(query, snapshot, transport: test.transport))
        #expect(bytes.count <= test.limit, "\(test)")
        #expect(response.header.truncated == test.truncated, "\(test)")
        // Whole RRset or none: counts match what decodes.
        #expect(response.answers.count == (test.truncated ? 0 : 21), "\(test)")
        #expect(response.header.answerCount == UInt16(response.answers.count))
        #expect(response.rcode == 0)
        #expect((response.edns != nil) == (test.bufsize != nil))
    }

    @Test func testC29AnswersThatFitNeverSetTC() throws {
        let snapshot = try Self.bigTXTSnapshot()
        for edns in [nil, EDNS(udpPayloadSize: 512), EDNS(udpPayloadSize: 1232)] {
            let response = try #require(try ask(makeQuery("small.example.com", .txt, edns: edns), snapshot)).message
            #expect(!response.header.truncated)
            #expect(response.answers.count == 1)
        }
    }

    @Test func testC29ConfiguredCapAppliesToUDP() throws {
        let snapshot = try Self.bigTXTSnapshot()
        let configuration = ResponderConfiguration(maxUDPPayload: 4096)
        let (bytes, response) = try #require(try ask(makeQuery("example.com", .txt, edns: EDNS(udpPayloadSize: 4096)), snapshot,
                                                     configuration: configuration))
        #expect(!response.header.truncated)
        #expect(response.answers.count == 21)
        #expect(bytes.count > 1232 && bytes.count <= 4096)
        #expect(response.edns?.udpPayloadSize == 4096)
    }

    @Test func testC29NegativeSOAThatDoesNotFitSetsTC() throws {
        // A ~200-octet origin makes question + SOA exceed 512 octets.
        let label = String(repeating: "o", count: 63)
        let origin = "\(label).\(label).\(label).example"
        let zone = try ZoneText.zone(origin, """
        \(origin). 3600 SOA ns.\(origin). h.\(origin). 1 7200 3600 1209600 300
        \(origin). 3600 NS ns.\(origin).
        """)
        let snapshot = try ZoneSnapshot(zones: [zone])
        let (udpBytes, udp) = try #require(try ask(makeQuery("x.\(origin)", .txt), snapshot))
        #expect(udpBytes.count <= 512)
        #expect(udp.header.truncated)
        #expect(udp.rcode == 3)
        #expect(udp.authority.isEmpty && udp.header.authorityCount == 0)
        let tcp = try #require(try ask(makeQuery("x.\(origin)", .txt), snapshot, transport: .tcp)).message
        #expect(!tcp.header.truncated)
        #expect(tcp.authority.count == 1)
    }

    @Test(arguments: [256, 400, 1000])
    func testC30LongStoredTXTIsServedAsValidStrings(_ length: Int) throws {
        let value = String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", count: length / 32 + 1).prefix(length)
        let records = try ZoneText.records("""
        example.com. 3600 SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
        example.com. 3600 NS ns1.example.com.
        """) + [ResourceRecord(name: try DNSName("sel._domainkey.example.com"), ttl: 300, rdata: .txt(splitting: String(value)))]
        let snapshot = try ZoneSnapshot(zones: [ZoneCompiler.compile(origin: DNSName("example.com"), records: records)])
        let response = try #require(try ask(makeQuery("sel._domainkey.example.com", .txt, edns: EDNS()), snapshot)).message
        #expect(response.rcode == 0)
        guard case let .txt(strings) = response.answers.first?.rdata else {
            Issue.record("no TXT answer")
            return
        }
        #expect(strings.allSatisfy { $0.bytes.count <= 255 })
        #expect(strings.flatMap(\.bytes) == Array(value.utf8))
        #expect(strings.count == (length + 254) / 255)
    }

    @Test func testC30CompilerRejectsMalformedTXTGivenAsRawBytes() throws {
        let base = try ZoneText.records("""
        example.com. 3600 SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
        example.com. 3600 NS ns1.example.com.
        """)
        // A length octet of 144 (= 400 mod 256) followed by fewer octets.
        let bad = ResourceRecord(name: try DNSName("sel._domainkey.example.com"), ttl: 300,
                                 rdata: .unknown(type: .txt, bytes: [144] + [UInt8](repeating: 0x41, count: 20)))
        #expect(throws: DNSAuthorityError.self) { try ZoneCompiler.compile(origin: DNSName("example.com"), records: base + [bad]) }
        let empty = ResourceRecord(name: try DNSName("e.example.com"), ttl: 300, rdata: .txt([]))
        #expect(throws: DNSAuthorityError.self) { try ZoneCompiler.compile(origin: DNSName("example.com"), records: base + [empty]) }
        // Well-formed raw TXT is accepted and served typed.
        let good = ResourceRecord(name: try DNSName("g.example.com"), ttl: 300, rdata: .unknown(type: .txt, bytes: [2, 0x68, 0x69]))
        let zone = try ZoneCompiler.compile(origin: DNSName("example.com"), records: base + [good])
        #expect(zone.lookup(try DNSName("g.example.com"), .txt) == .answer([ResourceRecord(name: try DNSName("g.example.com"), ttl: 300, rdata: .txt([try CharacterString("hi")]))]))
    }
}
