import Foundation
import Testing

/// The two transports every negative-answer case is asked over.
enum Transport: String, CaseIterable, Sendable {
    case udp, tcp

    /// Sends `query` to the server and returns the answer (no length prefix), decoded by libldns
    /// and raw.
    func ask(_ query: [UInt8], port: Int) throws -> (decoded: LDNSDecoded, wire: [UInt8]) {
        let wire: [UInt8]
        switch self {
        case .udp:
            guard let answer = try RawDNS.udp(query, port: port) else {
                throw HarnessError("no UDP answer within 2 s")
            }
            wire = answer
        case .tcp:
            wire = try RawDNS.tcp(query, port: port)
        }
        return (try LDNSDecoded(wire), wire)
    }
}

/// Negative answers, empty non-terminals, out-of-zone names, report authorization, TCP
/// pipelining and case echo, over real UDP and TCP against `herald serve` of the demo
/// inventory. Answers are decoded by libldns (independent of the product's codec) and, where
/// noted, by dig.
@Suite struct NegativeAnswerTests {
    static let hosted = "hosted.example.net"
    static let reports = "reports.example.net"

    /// SOA TTL and MINIMUM of `zone`, read from the positive SOA answer, and the negative TTL
    /// min(TTL, MINIMUM) that RFC 2308 §3 asks for in the authority section.
    static func negativeTTL(_ zone: String, port: Int) throws -> UInt32 {
        let (soa, _) = try Transport.udp.ask(RawDNS.query(zone, type: DNSCode.soa, id: 1), port: port)
        guard let rr = soa.answer.first(where: { $0.type == DNSCode.soa }), rr.fields.count == 7,
              let minimum = UInt32(rr.fields[6]) else {
            throw HarnessError("no SOA answer for \(zone): \(soa)")
        }
        return min(rr.ttl, minimum)
    }

    /// Checks an authoritative negative answer: RCODE, AA, empty answer, exactly the zone's SOA
    /// in authority at the negative TTL, question echoed.
    static func expectNegative(_ name: String, type: UInt16, zone: String, rcode: Int, port: Int, negativeTTL: UInt32,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        for transport in Transport.allCases {
            let query = RawDNS.query(name, type: type, id: 0x2308, ednsPayload: 1232)
            let (answer, wire) = try transport.ask(query, port: port)
            let what = "\(name) type \(type) over \(transport)"
            #expect(answer.rcode == rcode, "\(what): rcode \(answer.rcode), expected \(rcode)", sourceLocation: sourceLocation)
            #expect(answer.aa && answer.qr && !answer.ra && !answer.tc, "\(what): flags \(answer)", sourceLocation: sourceLocation)
            #expect(answer.answer.isEmpty, "\(what): answer section \(answer.answer)", sourceLocation: sourceLocation)
            #expect(answer.authority.count == 1, "\(what): authority \(answer.authority)", sourceLocation: sourceLocation)
            if let soa = answer.authority.first {
                #expect(soa.type == DNSCode.soa && soa.owner == zone + ".", "\(what): authority \(soa)", sourceLocation: sourceLocation)
                #expect(soa.ttl == negativeTTL, "\(what): SOA TTL \(soa.ttl), expected min(SOA TTL, MINIMUM) = \(negativeTTL)", sourceLocation: sourceLocation)
            }
            let question = RawDNS.question(name, type: type)
            #expect(Array(wire.dropFirst(12).prefix(question.count)) == question, "\(what): question not echoed", sourceLocation: sourceLocation)
        }
    }

    /// C33: NXDOMAIN for a name that does not exist, NODATA for an existing name and a type it
    /// lacks; both AA with the zone's SOA at TTL min(SOA TTL, MINIMUM) = 300.
    @Test func testC33NXDOMAINAndNODATAWithSOAAtNegativeTTL() async throws {
        try await withServedDemo { _, server in
            let port = server.dnsPort
            let ttl = try Self.negativeTTL(Self.hosted, port: port)
            #expect(ttl == 300, "demo SOA is 3600 … minimum 300")
            try Self.expectNegative("nope.\(Self.hosted)", type: DNSCode.txt, zone: Self.hosted, rcode: DNSCode.nxDomain, port: port, negativeTTL: ttl)
            try Self.expectNegative("example.org._dmarc.\(Self.hosted)", type: DNSCode.aaaa, zone: Self.hosted, rcode: DNSCode.noError, port: port, negativeTTL: ttl)
            try Self.expectNegative("nope.example.org._dmarc.\(Self.hosted)", type: DNSCode.txt, zone: Self.hosted, rcode: DNSCode.nxDomain, port: port, negativeTTL: ttl)
            let reportTTL = try Self.negativeTTL(Self.reports, port: port)
            try Self.expectNegative("nope.\(Self.reports)", type: DNSCode.txt, zone: Self.reports, rcode: DNSCode.nxDomain, port: port, negativeTTL: reportTTL)

            // The same through dig, as an operator would look.
            let nx = try await Dig.dig(port, "nope.\(Self.hosted)", "TXT")
            #expect(nx.status == "NXDOMAIN" && nx.flags.contains("aa") && nx.answer.isEmpty, "\(nx)")
            #expect(nx.authority.map(\.type) == ["SOA"] && nx.authority.first?.ttl == 300, "\(nx)")
            let nodata = try await Dig.dig(port, "example.org._dmarc.\(Self.hosted)", "AAAA")
            #expect(nodata.status == "NOERROR" && nodata.flags.contains("aa") && nodata.answer.isEmpty, "\(nodata)")
            #expect(nodata.authority.map(\.type) == ["SOA"] && nodata.authority.first?.ttl == 300, "\(nodata)")
        }
    }

    /// C34: names that own nothing but have descendants (created by underscore labels) are
    /// NOERROR/NODATA with AA and SOA, never NXDOMAIN (RFC 8020 §2).
    @Test func testC34EmptyNonTerminalsAreNODATA() async throws {
        try await withServedDemo { _, server in
            let port = server.dnsPort
            let hostedTTL = try Self.negativeTTL(Self.hosted, port: port)
            let reportTTL = try Self.negativeTTL(Self.reports, port: port)
            let cases: [(String, UInt16, String)] = [
                ("_dmarc.\(Self.hosted)", DNSCode.txt, Self.hosted),
                ("_report._dmarc.\(Self.reports)", DNSCode.a, Self.reports),
                ("_dmarc.\(Self.reports)", DNSCode.txt, Self.reports),
                ("_smtp._tls.\(Self.hosted)", DNSCode.txt, Self.hosted),
                ("_tls.\(Self.hosted)", DNSCode.txt, Self.hosted),
                ("_spf.\(Self.hosted)", DNSCode.txt, Self.hosted),
                ("_mta-sts.\(Self.hosted)", DNSCode.txt, Self.hosted),
                // shop.example._spf.H makes example._spf.H an empty non-terminal too.
                ("example._spf.\(Self.hosted)", DNSCode.txt, Self.hosted),
            ]
            for (name, type, zone) in cases {
                try Self.expectNegative(name, type: type, zone: zone, rcode: DNSCode.noError, port: port,
                                        negativeTTL: zone == Self.hosted ? hostedTTL : reportTTL)
            }
            // A child of an ENT that does not exist is still NXDOMAIN.
            try Self.expectNegative("nobody._smtp._tls.\(Self.hosted)", type: DNSCode.txt, zone: Self.hosted,
                                    rcode: DNSCode.nxDomain, port: port, negativeTTL: hostedTTL)
        }
    }

    /// C35: names outside both served zones get REFUSED, without AA, RA, answer or SOA, with
    /// the question echoed; RD=1 does not make the server recurse.
    @Test func testC35OutOfZoneNamesAreREFUSED() async throws {
        try await withServedDemo { _, server in
            let port = server.dnsPort
            let cases: [(String, UInt16, Bool)] = [
                ("www.example.org", DNSCode.a, true),
                ("example.com.other.example", DNSCode.txt, false),
                ("example.net", DNSCode.soa, false),  // the parent of both served zones
                ("net", DNSCode.soa, true),
            ]
            for (name, type, rd) in cases {
                for transport in Transport.allCases {
                    let query = RawDNS.query(name, type: type, id: 0x0535, recursionDesired: rd)
                    let (answer, wire) = try transport.ask(query, port: port)
                    let what = "\(name) over \(transport)"
                    #expect(answer.rcode == DNSCode.refused, "\(what): rcode \(answer.rcode)")
                    #expect(!answer.aa && !answer.ra && answer.qr, "\(what): \(answer)")
                    #expect(answer.rd == rd, "\(what): RD must be copied from the query")
                    #expect(answer.answer.isEmpty && answer.authority.isEmpty, "\(what): \(answer)")
                    #expect(answer.questionCount == 1)
                    let question = RawDNS.question(name, type: type)
                    #expect(Array(wire.dropFirst(12).prefix(question.count)) == question, "\(what): question not echoed")
                }
            }
            let dig = try await Dig.dig(port, "www.example.org", "A", ["+rec"])
            #expect(dig.status == "REFUSED" && !dig.flags.contains("aa") && !dig.flags.contains("ra"), "\(dig)")
        }
    }

    /// C17: `D._report._dmarc.R TXT "v=DMARC1;"` for every hosted domain whose rua points into R.
    @Test func testC17ReportAuthorizationRecordServed() async throws {
        try await withServedDemo { _, server in
            for domain in ["example.com", "example.org", "shop.example"] {
                let out = try await Dig.dig(server.dnsPort, "\(domain)._report._dmarc.\(Self.reports)", "TXT")
                #expect(out.status == "NOERROR" && out.flags.contains("aa"), "\(out)")
                #expect(out.answer.map(\.rdata) == ["\"v=DMARC1;\""], "\(domain): \(out)")
            }
            let (decoded, _) = try Transport.tcp.ask(
                RawDNS.query("example.com._report._dmarc.\(Self.reports)", type: DNSCode.txt, id: 17), port: server.dnsPort)
            #expect(decoded.rcode == DNSCode.noError && decoded.aa)
            #expect(decoded.answer.map(\.txtStrings) == [[Array("v=DMARC1;".utf8)]], "\(decoded.answer)")
        }
    }

    /// C31: two framed queries in one TCP write get two framed answers on the same connection,
    /// and the connection then still answers a third query.
    @Test func testC31PipelinedTCPQueriesOnOneConnection() async throws {
        try await withServedDemo { _, server in
            let name = "mta-sts.\(Self.hosted)"
            let first = RawDNS.query(name, type: DNSCode.a, id: 0x1234)
            let second = RawDNS.query(name, type: DNSCode.aaaa, id: 0x5678)
            let connection = try RawDNS.connectTCP(port: server.dnsPort)
            defer { connection.close() }
            try connection.write(RawDNS.framed(first) + RawDNS.framed(second))
            var byID: [UInt16: LDNSDecoded] = [:]
            for _ in 0..<2 {
                let answer = try LDNSDecoded(try connection.readFramedMessage())
                byID[answer.id] = answer
            }
            #expect(Set(byID.keys) == [0x1234, 0x5678], "answers for IDs \(byID.keys.map { String($0, radix: 16) })")
            let a = try #require(byID[0x1234])
            #expect(a.rcode == DNSCode.noError && a.aa)
            #expect(a.answer.map(\.fields) == [["127.0.0.1"]], "policy host A: \(a.answer)")
            let aaaa = try #require(byID[0x5678])
            #expect(aaaa.rcode == DNSCode.noError && aaaa.aa && aaaa.answer.isEmpty && aaaa.authority.first?.type == DNSCode.soa,
                    "AAAA of an IPv4-only name is NODATA: \(aaaa)")

            let third = RawDNS.query("example.org._dmarc.\(Self.hosted)", type: DNSCode.txt, id: 0x9ABC)
            try connection.write(RawDNS.framed(third))
            let answer = try LDNSDecoded(try connection.readFramedMessage())
            #expect(answer.id == 0x9ABC && answer.answer.count == 1, "third query on the same connection: \(answer)")
        }
    }

    /// The question is echoed byte for byte (case kept) while matching ignores case
    /// (RFC 1034 §3.1, RFC 4343), over UDP and TCP; checked on the raw octets and with libldns.
    @Test func testMixedCaseQuestionEchoedByteForByte() async throws {
        try await withServedDemo { _, server in
            let name = "ExAmPlE.OrG._DmArC.hosted.example.net"
            for transport in Transport.allCases {
                let query = RawDNS.query(name, type: DNSCode.txt, id: 0xCA5E, ednsPayload: 1232)
                let (answer, wire) = try transport.ask(query, port: server.dnsPort)
                let question = RawDNS.question(name, type: DNSCode.txt)
                #expect(Array(wire.dropFirst(12).prefix(question.count)) == question, "\(transport): question octets differ")
                #expect(answer.questionName == name + ".", "\(transport): libldns reads the question as \(answer.questionName ?? "-")")
                #expect(answer.rcode == DNSCode.noError && answer.aa)
                #expect(answer.answer.map(\.txtText) == ["v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@reports.example.net"],
                        "\(transport): \(answer.answer)")
            }
        }
    }
}
