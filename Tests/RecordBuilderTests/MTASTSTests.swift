import Testing
@testable import RecordBuilder

/// RFC 8461 §3.1, §3.2, §4.1 and RFC 8460 §3.
@Suite struct MTASTSTests {
    @Test func testC21BodyUsesCRLFAndParsesBothEndings() throws {
        let p = try MTASTSPolicy(mode: .enforce, mx: ["mail.example.com", "*.mx.example.net"], maxAge: 604_800)
        #expect(p.body == "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.mx.example.net\r\nmax_age: 604800\r\n")
        #expect(!p.body.utf8.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(!p.body.contains(" \r\n"))
        let crlf = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.mx.example.net\r\nmax_age: 604800\r\n"
        let lf = crlf.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(try MTASTSPolicy.parse(crlf) == p)
        #expect(try MTASTSPolicy.parse(lf) == p)
        #expect(try MTASTSPolicy.parse("version: STSv1\nfuture_key: x\nmode: enforce\nmx: mail.example.com\nmx: *.mx.example.net\nmax_age: 604800") == p)
    }

    @Test func defaultsAndBounds() throws {
        #expect(try MTASTSPolicy(mode: .testing, mx: ["mail.example.com"]).maxAge == 86_400)
        #expect(try MTASTSPolicy(mode: .enforce, mx: ["mail.example.com"]).maxAge == 604_800)
        #expect(try MTASTSPolicy(mode: .enforce, mx: ["mail.example.com"], maxAge: 31_557_600).maxAge == 31_557_600)
        #expect(throws: MTASTSError.invalidMaxAge("31557601")) { try MTASTSPolicy(mode: .enforce, mx: ["mail.example.com"], maxAge: 31_557_601) }
        #expect(throws: MTASTSError.invalidMaxAge("-1")) { try MTASTSPolicy(mode: .enforce, mx: ["mail.example.com"], maxAge: -1) }
        #expect(throws: MTASTSError.noMXPatterns(mode: "testing")) { try MTASTSPolicy(mode: .testing, mx: []) }
        #expect(try MTASTSPolicy(mode: .none, mx: []).body == "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n")
    }

    @Test(arguments: ["mail.example.com.", "*.*.example.com", "mail.*.example.com", "192.0.2.1", "[192.0.2.1]",
                      "*example.com", "localhost", "-mail.example.com", "mail..example.com", "*.", ""])
    func rejectsBadPatterns(_ pattern: String) {
        #expect(throws: MTASTSError.invalidMXPattern(pattern)) { try MTASTSPolicy(mode: .enforce, mx: [pattern]) }
    }

    @Test func patternsAreLowercasedAndDeduplicated() throws {
        let p = try MTASTSPolicy(mode: .testing, mx: ["Mail.Example.com", "mail.example.com", "*.Protection.example.net"])
        #expect(p.mx == ["mail.example.com", "*.protection.example.net"])
    }

    /// C24: body changed ⇔ id changed.
    @Test func testC24IdFollowsBody() throws {
        let a = try MTASTSPolicy(mode: .enforce, mx: ["mail.example.com"], maxAge: 604_800)
        let same = try MTASTSPolicy(mode: .enforce, mx: ["MAIL.example.com"], maxAge: 604_800)
        let b = try MTASTSPolicy(mode: .enforce, mx: ["mail.example.com", "mx1.example.net"], maxAge: 604_800)
        let c = try MTASTSPolicy(mode: .testing, mx: ["mail.example.com"], maxAge: 604_800)
        #expect(a.id == same.id && a.body == same.body)
        #expect(Set([a.id, b.id, c.id]).count == 3)
        for p in [a, b, c] {
            #expect((1...32).contains(p.id.count))
            #expect(p.id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        }
        let txt = a.announcement(domain: "example.com", hostedZone: "hosted.example.net")
        #expect(txt.owner == "example.com._mta-sts.hosted.example.net")
        #expect(txt.strings == ["v=STSv1; id=\(a.id)"])
    }

    @Test func parserRejectsBrokenPolicies() {
        #expect(throws: MTASTSError.self) { try MTASTSPolicy.parse("mode: enforce\nmx: a.example.com\nmax_age: 1\n") }
        #expect(throws: MTASTSError.self) { try MTASTSPolicy.parse("version: STSv2\nmode: enforce\nmx: a.example.com\nmax_age: 1\n") }
        #expect(throws: MTASTSError.invalidMaxAge("99999999999")) { try MTASTSPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example.com\nmax_age: 99999999999\n") }
        #expect(throws: MTASTSError.self) { try MTASTSPolicy.parse("version: STSv1\nmode: strict\nmx: a.example.com\nmax_age: 1\n") }
    }

    @Test func testC26TLSRPTRecord() throws {
        let r = try TLSRPTRecord(rua: ["tls@example.com"])
        #expect(r.description == "v=TLSRPTv1; rua=mailto:tls@example.com")
        let hosted = try TLSRPTRecord(rua: ["tlsrpt@reports.example.net", "mailto:tls@example.com", "https://Reports.Example.com/tlsrpt"])
            .hostedRecord(domain: "example.com", hostedZone: "hosted.example.net")
        #expect(hosted.owner == "example.com._smtp._tls.hosted.example.net")
        #expect(hosted.text == "v=TLSRPTv1; rua=mailto:tlsrpt@reports.example.net,mailto:tls@example.com,https://reports.example.com/tlsrpt")
        #expect(throws: MTASTSError.invalidReportURI("ftp://example.com/x")) { try TLSRPTRecord(rua: ["ftp://example.com/x"]) }
        #expect(throws: MTASTSError.noReportURIs) { try TLSRPTRecord(rua: []) }
        #expect(try TLSRPTRecord(rua: ["a,b@example.com"]).description == "v=TLSRPTv1; rua=mailto:a%2Cb@example.com")
    }
}
