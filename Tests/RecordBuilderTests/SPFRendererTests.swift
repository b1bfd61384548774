import Testing
@testable import RecordBuilder

/// Rendering details beyond the field cases (RFC 7208 §3.3, §3.4, §4.6.4).
@Suite struct SPFRendererTests {
    @Test func ordersIPv4ThenIPv6ThenIncludes() throws {
        let r = try SPFRenderer.render(domain: "Example.com", hostedZone: "Hosted.Example.NET.",
                                       pass: addressSet("2001:db8::1 198.51.100.0/24 192.0.2.1 2001:db8:1::/48"),
                                       keptIncludes: [SPFKeptInclude(name: "z.example.net", lookups: 0),
                                                      SPFKeptInclude(name: "A.example.net.", lookups: 2)],
                                       all: .fail)
        #expect(r.records.map(\.text) == ["v=spf1 ip4:192.0.2.1 ip4:198.51.100.0/24 ip6:2001:db8::1 ip6:2001:db8:1::/48 include:a.example.net include:z.example.net -all"])
        #expect(r.records[0].owner == "example.com._spf.hosted.example.net")
        #expect(r.lookups == 1 + 3 + 1)
    }

    @Test func emptyPassSetIsJustAll() throws {
        for q in [SPFQualifier.fail, .softfail, .neutral] {
            let r = try SPFRenderer.render(domain: "example.com", hostedZone: "h.example.net", pass: .empty, keptIncludes: [], all: q)
            #expect(r.records.map(\.strings) == [["v=spf1 \(q.rawValue)all"]])
        }
    }

    @Test func exactlyFullRecordNeedsNoLink() throws {
        // Grow the pass set one /32 at a time: the chain appears only when a record would exceed 450.
        var previousCount = 1
        for n in 1...120 {
            let pass = AddressSet(v4: CIDRSet((0..<n).map { CIDRBlock(address: IPv4Address(0x0A00_0000 | UInt32($0) << 2), prefixLength: 32) }))
            let r = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net", pass: pass, keptIncludes: [], all: .softfail)
            #expect(r.records.allSatisfy { $0.rdataLength <= 450 })
            #expect(r.records.count >= previousCount)
            previousCount = r.records.count
            if r.records.count == 1 { #expect(r.records[0].text.hasSuffix(" ~all")) }
            let terms = r.records.flatMap { $0.text.split(separator: " ") }.filter { $0.hasPrefix("ip4:") }
            #expect(terms.count == n)
        }
        #expect(previousCount > 2)
    }

    @Test func macroModeRecordAndNames() async throws {
        let rec = try SPFMacroMode.record(domain: "example.com", hostedZone: "hosted.example.net", all: .softfail)
        #expect(rec.text == "v=spf1 exists:%{i}._ip.example.com._spf.hosted.example.net ~all")
        _ = try SPFRecord.parse(rec.text)
        let n4 = SPFMacroMode.queryName(for: v4("192.0.2.1"), domain: "example.com", hostedZone: "hosted.example.net")
        #expect(n4 == "192.0.2.1._ip.example.com._spf.hosted.example.net")
        let n6 = SPFMacroMode.queryName(for: v6("2001:db8::1"), domain: "example.com", hostedZone: "hosted.example.net")
        #expect(n6 == "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1._ip.example.com._spf.hosted.example.net")
        #expect(SPFMacroMode.address(fromQueryName: n4.uppercased() + ".", domain: "example.com", hostedZone: "hosted.example.net") == v4("192.0.2.1"))
        #expect(SPFMacroMode.address(fromQueryName: n6, domain: "example.com", hostedZone: "hosted.example.net") == v6("2001:db8::1"))
        #expect(SPFMacroMode.address(fromQueryName: "1.2.3._ip.example.com._spf.hosted.example.net", domain: "example.com", hostedZone: "hosted.example.net") == nil)
        #expect(SPFMacroMode.address(fromQueryName: n4, domain: "example.org", hostedZone: "hosted.example.net") == nil)
        // The evaluator expands the published record to the same name.
        let zone = ZoneFixture("""
        example.com. TXT "v=spf1 include:example.com._spf.hosted.example.net -all"
        \(rec.description)
        \(n6). A 127.0.0.2
        """)
        #expect(await SPFEvaluator.checkHost(ip: v6("2001:db8::1"), domain: "example.com", source: zone) == .pass)
        #expect(await SPFEvaluator.checkHost(ip: v6("2001:db8::2"), domain: "example.com", source: zone) == .fail)
    }
}
