import Testing
import DNSCore
@testable import DNSAuthority

/// Semantic checks at compile time, one case per rule, each error naming owner and type.
@Suite struct ZoneCompilerTests {
    static let head = """
    example.com. 3600 SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
    example.com. 3600 NS ns1.example.com.
    """

    struct Case: Sendable, CustomStringConvertible {
        let label: String
        let text: String
        let code: String
        let mentions: String
        var description: String { label }
    }

    static let cases: [Case] = [
        Case(label: "no SOA", text: "example.com. 3600 NS ns1.example.com.", code: "missing-soa", mentions: "example.com."),
        Case(label: "two SOA", text: head + "\nexample.com. 3600 SOA ns2.example.com. h.example.com. 2 1 1 1 1", code: "multiple-soa", mentions: "2 SOA"),
        Case(label: "SOA below apex", text: head + "\nsub.example.com. 3600 SOA ns1.example.com. h.example.com. 2 1 1 1 1", code: "soa-not-at-apex", mentions: "sub.example.com."),
        Case(label: "no apex NS", text: "example.com. 3600 SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300", code: "missing-apex-ns", mentions: "example.com."),
        Case(label: "owner outside", text: head + "\nwww.example.org. 300 A 192.0.2.1", code: "owner-outside-zone", mentions: "www.example.org."),
        Case(label: "suffix but not subdomain", text: head + "\nbadexample.com. 300 A 192.0.2.1", code: "owner-outside-zone", mentions: "badexample.com."),
        Case(label: "CNAME and TXT", text: head + "\n_dmarc.example.com. 300 CNAME x.example.net.\n_dmarc.example.com. 300 TXT \"v=DMARC1; p=none\"", code: "cname-with-other-data", mentions: "_dmarc.example.com."),
        Case(label: "CNAME at apex", text: head + "\nexample.com. 300 CNAME x.example.net.", code: "cname-with-other-data", mentions: "SOA"),
        Case(label: "two CNAMEs", text: head + "\na.example.com. 300 CNAME x.example.net.\na.example.com. 300 CNAME y.example.net.", code: "multiple-cname", mentions: "a.example.com."),
        Case(label: "delegation", text: head + "\nsub.example.com. 300 NS ns.example.net.", code: "delegation-not-supported", mentions: "sub.example.com."),
        Case(label: "class CH", text: head + "\nv.example.com. 300 CH TXT \"x\"", code: "wrong-class", mentions: "v.example.com."),
        Case(label: "TTL mismatch", text: head + "\na.example.com. 300 A 192.0.2.1\na.example.com. 60 A 192.0.2.2", code: "inconsistent-ttl", mentions: "a.example.com."),
        Case(label: "duplicate", text: head + "\na.example.com. 300 A 192.0.2.1\nA.example.com. 300 A 192.0.2.1", code: "duplicate-record", mentions: "A"),
        Case(label: "meta type", text: head + "\na.example.com. 300 TYPE255 \\# 0", code: "meta-type-in-zone", mentions: "ANY"),
        Case(label: "bad A length", text: head + "\na.example.com. 300 TYPE1 \\# 3 c00002", code: "invalid-rdata", mentions: "a.example.com."),
    ]

    @Test(arguments: cases)
    func compileErrorsNameOwnerAndType(_ test: Case) throws {
        do {
            _ = try ZoneText.zone("example.com", test.text)
            Issue.record("\(test) compiled")
        } catch let error as DNSAuthorityError {
            #expect(error.code == test.code, "\(test): \(error)")
            #expect(error.description.contains(test.mentions), "\(test): \(error)")
        }
    }

    @Test func acceptsTheFixtureZones() throws {
        let zone = try ZoneText.zone("example.com", Fixtures.exampleCom)
        #expect(zone.serial == 1)
        #expect(zone.negativeTTL == 300)
        #expect(zone.records.first?.type == .soa)
        #expect(zone.contains(try DNSName("_TLS.example.com")))
        #expect(!zone.contains(try DNSName("nope.example.com")))
    }

    @Test func masterFileTextRoundTrips() throws {
        for (origin, text) in [("example.com", Fixtures.exampleCom), ("hosted.example.net", Fixtures.hosted), ("reports.example.net", Fixtures.reports)] {
            let zone = try ZoneText.zone(origin, text)
            let rendered = zone.masterFileText
            #expect(rendered.split(separator: "\n").first?.contains("\tSOA\t") == true)
            #expect(!rendered.contains("$ORIGIN"))
            let again = try ZoneText.zone(origin, rendered)
            #expect(Set(again.records) == Set(zone.records))
            #expect(again.masterFileText == rendered)
        }
    }

    @Test func masterFileEscapesAwkwardTXT() throws {
        let records = try ZoneText.records(Self.head) + [
            ResourceRecord(name: try DNSName("t.example.com"), ttl: 300, rdata: .txt([
                try CharacterString(Array("quote \" backslash \\ semicolon ; tab\t".utf8) + [0x00, 0xC3, 0xA9]),
            ])),
            ResourceRecord(name: try DNSName(#"odd\.label.example.com"#), ttl: 300, rdata: .a(192, 0, 2, 9)),
            ResourceRecord(name: try DNSName("u.example.com"), ttl: 300, rdata: .unknown(type: RRType(65280), bytes: [0xDE, 0xAD])),
        ]
        let zone = try ZoneCompiler.compile(origin: DNSName("example.com"), records: records)
        let text = zone.masterFileText
        #expect(text.contains(#""quote \" backslash \\ semicolon ; tab\009\000\195\169""#))
        #expect(text.contains(#"odd\.label.example.com."#))
        #expect(text.contains("TYPE65280\t\\# 2 dead"))
        let again = try ZoneText.zone("example.com", text)
        #expect(Set(again.records) == Set(zone.records))
    }
}
