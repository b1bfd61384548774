import Testing
@testable import RecordBuilder

/// RFC 7208 §4.5, §4.6.1, §5, §6, §7.1.
@Suite struct SPFRecordParseTests {
    @Test func parsesEveryMechanismAndModifier() throws {
        let r = try SPFRecord.parse("v=spf1 ip4:192.0.2.173/30 ip6:2001:DB8::/32 a mx/24//64 a:Mail.Example.COM./28 -ptr ?ptr:example.net ~exists:%{i}._ip.example.org include:_spf.Example.com redirect=_spf.example.org exp=explain.example.org foo=bar%{d} -all")
        #expect(r.description == "v=spf1 ip4:192.0.2.172/30 ip6:2001:db8::/32 a mx/24//64 a:Mail.Example.COM./28 -ptr ?ptr:example.net ~exists:%{i}._ip.example.org include:_spf.Example.com redirect=_spf.example.org exp=explain.example.org foo=bar%{d} -all")
        let ds = r.directives
        #expect(ds.count == 10)
        #expect(ds[3].mechanism == .mx(nil, SPFDualCIDRLength(v4: 24, v6: 64)))
        guard case .a(let spec?, let cidr) = ds[4].mechanism else { Issue.record("a:"); return }
        #expect(spec.literalDomain == "mail.example.com")
        #expect(cidr == SPFDualCIDRLength(v4: 28))
        guard case .include(let inc) = ds[8].mechanism else { Issue.record("include"); return }
        #expect(inc.literalDomain == "_spf.example.com")
        #expect(r.redirect?.literalDomain == "_spf.example.org")
        #expect(r.hasAll)
        #expect(ds[7].qualifier == .softfail)
    }

    @Test func namesAreCaseInsensitive() throws {
        let r = try SPFRecord.parse("V=SPF1 IP4:192.0.2.1 INCLUDE:X.Example.NET -ALL Redirect=y.example.net")
        #expect(r.description == "v=spf1 ip4:192.0.2.1 include:X.Example.NET -all redirect=y.example.net")
        #expect(r.directives.map(\.mechanism.queriesDNS) == [false, true, false])
    }

    @Test func extraSpacesAreAllowed() throws {
        #expect(try SPFRecord.parse("v=spf1   ip4:192.0.2.1  -all ").directives.count == 2)
        #expect(try SPFRecord.parse("v=spf1").terms.isEmpty)
    }

    @Test(arguments: [
        "v=spf1 ip4:192.0.2.0/33", "v=spf1 ip4:192.0.2", "v=spf1 ip6:2001:db8::/129", "v=spf1 include",
        "v=spf1 include:", "v=spf1 all:x", "v=spf1 a:localhost", "v=spf1 a:192.0.2.1", "v=spf1 a/33",
        "v=spf1 mx//129", "v=spf1 a/024", "v=spf1 foo:bar", "v=spf1 +redirect=x.example.com",
        "v=spf1 ~redirect=x.example.com", "v=spf1 redirect=a.example.com redirect=b.example.com",
        "v=spf1 exp=a.example.com exp=b.example.com", "v=spf1 include:%{x}.example.com",
        "v=spf1 include:%{d0}.example.com", "v=spf1 include:%{d", "v=spf1 include:%zz.example.com",
        "v=spf1 exists:%{c}.example.com", "v=spf1 include:a..example.com", "v=spf1 ip4:192.0.2.1\t-all",
        "v=spf1 include:example.com-", "v=spf1 -", "v=spf1 ip4:01.2.3.4",
    ])
    func rejectsSyntaxErrors(_ text: String) {
        #expect(throws: SPFSyntaxError.self) { try SPFRecord.parse(text) }
    }

    /// C02: `~redirect=` is a modifier with a qualifier.
    @Test func modifierWithQualifierIsNamed() {
        #expect(throws: SPFSyntaxError.modifierWithQualifier(term: "~redirect=other.example.net")) {
            try SPFRecord.parse("v=spf1 ip4:192.0.2.4 ~redirect=other.example.net")
        }
    }

    @Test func macroSyntax() throws {
        let spec = try SPFMacroString.parseDomainSpec("%{ir}.%{v}._spf.%{D2r-+}.example.com", term: "t")
        #expect(spec.hasMacros)
        #expect(spec.literalDomain == nil)
        #expect(spec.parts.count == 6)
        guard case .macro(let m) = spec.parts[4] else { Issue.record("macro"); return }
        #expect(m.letter == "d" && m.urlEscape && m.rightParts == 2 && m.reverse && m.delimiters == "-+")
        #expect(m.description == "%{D2r-+}")
        let escaped = try SPFMacroString.parseMacroString("a%%b%_c%-d", term: "t")
        #expect(escaped.parts == [.literal("a%b c%20d")])
    }

    /// C05: invalid macros are reported.
    @Test func invalidMacroIsReported() {
        #expect(throws: SPFSyntaxError.invalidMacro(term: "include:%{q}.example.org", reason: "unknown macro letter \"q\"")) {
            try SPFRecord.parse("v=spf1 include:%{q}.example.org")
        }
    }

    @Test func selectsExactlyOneRecord() {
        #expect(SPFRecord.select(from: ["site-verification=abc", "v=spf1 -all"]) == .one("v=spf1 -all"))
        #expect(SPFRecord.select(from: ["v=spf1 -all", "V=SPF1 mx ~all"]) == .multiple(2))
        #expect(SPFRecord.select(from: ["site-verification=abc"]) == .none)
        #expect(SPFRecord.select(from: []) == .none)
    }
}
