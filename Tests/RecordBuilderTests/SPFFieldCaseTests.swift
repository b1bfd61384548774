import Testing
@testable import RecordBuilder

/// Field cases C01–C14 (shared/cases/field-cases.md) for SPF flattening and rendering.
@Suite struct SPFFieldCaseTests {
    /// Flattens `entry` and renders it as a hosted record with `all`, returning the text.
    func flattenedRecord(_ zone: String, _ entry: String, all: SPFQualifier = .fail) async throws -> String {
        let f = try await SPFFlattener(source: ZoneFixture(zone)).flatten(entryPoint: entry)
        let pass = try #require(f.passSet)
        let r = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net", pass: pass,
                                       keptIncludes: [], all: all)
        #expect(r.records.count == 1)
        return r.records[0].text
    }

    static let c01 = """
    example.com.        TXT "v=spf1 include:a.example.net -all"
    a.example.net.      TXT "v=spf1 ip4:192.0.2.10 include:B.EXAMPLE.NET ~all"
    b.example.net.      TXT "v=spf1 ?include:a.example.net. ~all"
    example.org.        TXT "v=spf1 include:x.example.net include:y.example.net -all"
    x.example.net.      TXT "v=spf1 include:shared.example.net ~all"
    y.example.net.      TXT "v=spf1 include:shared.example.net ~all"
    shared.example.net. TXT "v=spf1 ip4:198.51.100.0/24 ~all"
    """

    @Test func testC01IncludeLoopNamesTheCycle() async throws {
        await #expect(throws: SPFFlattenError.loop(cycle: ["a.example.net", "b.example.net", "a.example.net"])) {
            try await SPFFlattener(source: ZoneFixture(Self.c01)).flatten(entryPoint: "example.com")
        }
        do { _ = try await SPFFlattener(source: ZoneFixture(Self.c01)).flatten(entryPoint: "a.example.net") } catch {
            #expect(error.description.contains("a.example.net→b.example.net→a.example.net"))
            #expect(!error.isTemporary)
        }
    }

    @Test func testC01DirectSelfIncludeIsALoop() async throws {
        let zone = "self.example.net. TXT \"v=spf1 include:SELF.example.net. -all\""
        await #expect(throws: SPFFlattenError.loop(cycle: ["self.example.net", "self.example.net"])) {
            try await SPFFlattener(source: ZoneFixture(zone)).flatten(entryPoint: "self.example.net")
        }
        let viaRedirect = """
        r1.example.net. TXT "v=spf1 redirect=r2.example.net"
        r2.example.net. TXT "v=spf1 ip4:192.0.2.1 redirect=R1.example.net."
        """
        await #expect(throws: SPFFlattenError.loop(cycle: ["r1.example.net", "r2.example.net", "r1.example.net"])) {
            try await SPFFlattener(source: ZoneFixture(viaRedirect)).flatten(entryPoint: "r1.example.net")
        }
    }

    @Test func testC01DiamondIsNotALoop() async throws {
        #expect(try await flattenedRecord(Self.c01, "example.org") == "v=spf1 ip4:198.51.100.0/24 -all")
        let f = try await SPFFlattener(source: ZoneFixture(Self.c01)).flatten(entryPoint: "example.org")
        #expect(f.lookups == 4)  // x, y, and shared reached twice: a receiver counts both (§4.6.4)
    }

    static let c02 = """
    example.com.       TXT "v=spf1 redirect=_spf.example.com"
    _spf.example.com.  TXT "v=spf1 ip4:192.0.2.0/25 ip4:198.51.100.0/24 -all"
    example.org.       TXT "v=spf1 include:child.example.net -all"
    child.example.net. TXT "v=spf1 ip4:192.0.2.4 redirect=other.example.net"
    other.example.net. TXT "v=spf1 ip4:203.0.113.9 -all"
    bad.example.org.   TXT "v=spf1 include:tilde.example.net -all"
    tilde.example.net. TXT "v=spf1 ip4:192.0.2.4 ~redirect=other.example.net"
    """

    @Test func testC02RedirectOnlyRecordKeepsTargetAddresses() async throws {
        #expect(try await flattenedRecord(Self.c02, "example.com") == "v=spf1 ip4:192.0.2.0/25 ip4:198.51.100.0/24 -all")
    }

    @Test func testC02IncludedRedirectIsFollowedNotSpliced() async throws {
        let text = try await flattenedRecord(Self.c02, "example.org")
        #expect(text == "v=spf1 ip4:192.0.2.4 ip4:203.0.113.9 -all")
        #expect(!text.contains("redirect"))
    }

    @Test func testC02QualifiedRedirectIsASyntaxError() async throws {
        do {
            _ = try await SPFFlattener(source: ZoneFixture(Self.c02)).flatten(entryPoint: "bad.example.org")
            Issue.record("no error")
        } catch {
            #expect(error == .syntax(name: "tilde.example.net", error: .modifierWithQualifier(term: "~redirect=other.example.net")))
        }
    }

    static let c03 = """
    example.com.      TXT "v=spf1 include:esp.example.net -all"
    esp.example.net.  TXT "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3"
    example.org.      TXT "v=spf1 include:mix.example.net -all"
    mix.example.net.  TXT "v=spf1 -ip4:192.0.2.5 ip4:192.0.2.0/29 ~all"
    """

    @Test func testC03IncludeWithoutAll() async throws {
        #expect(try await flattenedRecord(Self.c03, "example.com") == "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2/31 -all")
        // Exactly the three addresses.
        let pass = try #require(try await SPFFlattener(source: ZoneFixture(Self.c03)).flatten(entryPoint: "esp.example.net").passSet)
        #expect(pass.v4.addressCount == 3)
        for a in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] { #expect(pass.contains(v4(a))) }
    }

    @Test func testC03QualifiersInsideIncludeSubtract() async throws {
        let text = try await flattenedRecord(Self.c03, "example.org")
        #expect(text == "v=spf1 ip4:192.0.2.0/30 ip4:192.0.2.4 ip4:192.0.2.6/31 -all")
        #expect(!text.contains("192.0.2.5") && !text.contains("~all"))
    }

    static let c05 = """
    example.com.      TXT "v=spf1 include:esp.example.net -all"
    esp.example.net.  TXT "v=spf1 ip4:192.0.2.0/24 include:%{ir}.%{d}._spf.example.org exists:%{i}._ip.example.org ~all"
    """

    @Test func testC05MacroTermsKeepTheSenderAsInclude() async throws {
        let f = try await SPFFlattener(source: ZoneFixture(Self.c05)).flatten(entryPoint: "esp.example.net")
        guard case .keptAsInclude(let reasons) = f.outcome else { Issue.record("was flattened"); return }
        #expect(reasons.count == 2)
        #expect(reasons[0].contains("include:%{ir}.%{d}._spf.example.org"))
        #expect(reasons[1].contains("exists:%{i}._ip.example.org"))
        #expect(f.lookups == 2)  // both retained terms count toward the budget
        let r = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net", pass: .empty,
                                       keptIncludes: [SPFKeptInclude(name: f.entryPoint, lookups: f.lookups)], all: .fail)
        #expect(r.records.map(\.text) == ["v=spf1 include:esp.example.net -all"])
        #expect(r.lookups == 4)  // include:example.com._spf.H, include:esp, and its two terms
        #expect(!r.records[0].text.contains("%{d}"))
    }

    @Test func testC05InvalidMacroIsReported() async throws {
        let zone = "esp.example.net. TXT \"v=spf1 exists:%{i.example.org -all\""
        do { _ = try await SPFFlattener(source: ZoneFixture(zone)).flatten(entryPoint: "esp.example.net"); Issue.record("no error") } catch {
            guard case .syntax(let name, .invalidMacro) = error else { Issue.record("\(error)"); return }
            #expect(name == "esp.example.net")
        }
    }

    @Test(arguments: [
        "old-esp.example.net.  TXT \"site-verification=abc123\"",
        "unrelated.example.net. TXT \"v=spf1 -all\"",
    ])
    func testC07IncludeTargetWithoutSPF(_ target: String) async throws {
        let zone = """
        example.com. TXT "v=spf1 include:old-esp.example.net ip4:192.0.2.0/24 -all"
        \(target)
        """
        let nx = !target.hasPrefix("old-esp")
        await #expect(throws: SPFFlattenError.noSPFRecord(name: "old-esp.example.net", nxdomain: nx, record: "example.com",
                                                           term: "include:old-esp.example.net")) {
            try await SPFFlattener(source: ZoneFixture(zone)).flatten(entryPoint: "example.com")
        }
        do { _ = try await SPFFlattener(source: ZoneFixture(zone)).flatten(entryPoint: "example.com") } catch {
            #expect(error.description.contains("old-esp.example.net"))
            #expect(!error.isTemporary)
        }
    }

    @Test func testC08SplitsAtTermBoundaries() throws {
        var networks: [IPNetwork] = []
        for i in 0..<24 { networks.append(try IPNetwork.parse("198.51.\(100 + i * 2).136/31")) }
        let r = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net",
                                       pass: AddressSet(networks), keptIncludes: [], all: .fail,
                                       maxRDATA: 1000)
        let rec = r.records[0]
        let intended = "v=spf1 " + networks.sorted().map(\.spfTerm).joined(separator: " ") + " -all"
        #expect(intended.utf8.count > 400)
        #expect(rec.strings.count >= 2)
        #expect(rec.strings.joined() == intended)
        #expect(rec.strings.allSatisfy { !$0.isEmpty && $0.utf8.count <= 255 })
        for s in rec.strings {
            #expect(!s.hasPrefix(" "))
            // Every string is whole terms: it ends at a space or at the record's end.
            #expect(s.hasSuffix(" ") || s == rec.strings.last)
        }
    }

    /// C08 as a property: any list of terms splits losslessly at term boundaries.
    @Test func testC08SplitProperty() {
        var rng = SplitMix64(seed: 8)
        for _ in 0..<500 {
            let terms = (0..<Int(rng.next() % 60 + 1)).map { _ in
                String(repeating: "x", count: Int(rng.next() % 120 + 1))
            }
            let strings = HostedTXT.split(terms: terms)!
            #expect(strings.joined() == terms.joined(separator: " "))
            #expect(strings.allSatisfy { !$0.isEmpty && $0.utf8.count <= 255 && !$0.hasPrefix(" ") })
            // Rebuilding the term list from the strings gives the same terms (no token cut).
            #expect(strings.flatMap { $0.split(separator: " ").map(String.init) } == terms)
        }
    }

    @Test func testC09SixtyNetworksMakeAChain() throws {
        var networks: [IPNetwork] = []
        for i in 0..<60 { networks.append(try IPNetwork.parse("10.\(i * 3).\(i).0/24")) }
        let r = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net",
                                       pass: AddressSet(networks), keptIncludes: [], all: .fail)
        #expect(r.records.count >= 3)
        #expect(r.records.map(\.owner) == ["example.com._spf.hosted.example.net"]
                + (1..<r.records.count).map { "_\($0).example.com._spf.hosted.example.net" })
        let top = r.records[0].text
        #expect(top.hasPrefix("v=spf1 ip4:10.0.0.0/24 "))
        #expect(top.hasSuffix(" include:_1.example.com._spf.hosted.example.net -all"))
        for (i, rec) in r.records.enumerated() {
            #expect(rec.rdataLength <= 450)
            // Non-EDNS answer: header 12 + question (name + 4) + answer (compressed owner 2 + 10 + RDATA).
            let qname = rec.owner.utf8.count + 2
            #expect(12 + qname + 4 + 2 + 10 + rec.rdataLength <= 512)
            #expect(rec.text.hasPrefix("v=spf1 "))
            #expect(rec.text.components(separatedBy: "v=spf1").count == 2)
            if i > 0 { #expect(!rec.text.contains("all")) }
            if i + 1 < r.records.count {
                #expect(rec.text.contains("include:_\(i + 1).example.com._spf.hosted.example.net"))
            }
        }
        // Every network appears exactly once across the chain.
        let published = r.records.flatMap { $0.text.split(separator: " ") }.filter { $0.hasPrefix("ip4:") }
        #expect(published.map(String.init) == networks.sorted().map(\.spfTerm))
        #expect(r.lookups == 1 + (r.records.count - 1))
    }

    @Test func testC09ChainPlusKeptIncludesOverBudgetIsAnError() throws {
        var networks: [IPNetwork] = []
        for i in 0..<200 { networks.append(try IPNetwork.parse("10.\(i).\(i).0/24")) }
        do {
            _ = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net",
                                       pass: AddressSet(networks),
                                       keptIncludes: [SPFKeptInclude(name: "_spf.salesforce.com", lookups: 1)], all: .softfail)
            Issue.record("no error")
        } catch {
            guard case .tooManyLookups(_, let count, _) = error else { Issue.record("\(error)"); return }
            #expect(count > 10)
            #expect(error.description.contains("\(count) DNS lookups"))
        }
    }

    static let c11 = """
    example.com. TXT "v=spf1 include:_spf.hosted.example.net -all"
    example.com. TXT "v=spf1 mx ~all"
    example.com. TXT "site-verification=abc123"
    _spf1.example.com. TXT "v=spf10 ip4:192.0.2.1"
    """

    @Test func testC11ExactlyOneSPFRecordPerName() async throws {
        let zone = ZoneFixture(Self.c11)
        #expect(SPFRecord.select(from: zone.txtRecords["example.com"]!) == .multiple(2))
        #expect(await SPFEvaluator.checkHost(ip: v4("192.0.2.1"), domain: "example.com", source: zone) == .permerror)
        #expect(!SPFRecord.isSPF("v=spf10 ip4:192.0.2.1"))
        #expect(SPFRecord.isSPF("v=spf1"))
        #expect(SPFRecord.select(from: zone.txtRecords["_spf1.example.com"]!) == .none)
        await #expect(throws: SPFFlattenError.multipleSPFRecords(name: "example.com", count: 2)) {
            try await SPFFlattener(source: zone).flatten(entryPoint: "example.com")
        }
        await #expect(throws: SPFFlattenError.noSPFRecord(name: "_spf1.example.com", nxdomain: false, record: nil, term: nil)) {
            try await SPFFlattener(source: zone).flatten(entryPoint: "_spf1.example.com")
        }
        // Generated chains hold exactly one SPF record per name.
        var networks: [IPNetwork] = []
        for i in 0..<80 { networks.append(try IPNetwork.parse("10.1.\(i).0/24").self) }
        let r = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net",
                                       pass: AddressSet((0..<80).map { try! IPNetwork.parse("10.\($0).1.0/24") }),
                                       keptIncludes: [], all: .softfail)
        #expect(Set(r.records.map(\.owner)).count == r.records.count)
    }

    @Test func testC14CIDRHygiene() throws {
        let input = "ip4:192.0.2.173/30 ip4:198.51.100.0/24 ip4:198.51.100.77 ip4:203.0.113.0/25 ip4:203.0.113.128/25 ip4:203.0.113.0/25 ip6:2001:db8:c003:104::/64 ip6:2001:db8:c003:104::215"
        let record = try SPFRecord.parse("v=spf1 " + input)
        var set = AddressSet.empty
        for d in record.directives {
            switch d.mechanism {
            case .ip4(let b): set.formUnion(AddressSet(v4: CIDRSet([b])))
            case .ip6(let b): set.formUnion(AddressSet(v6: CIDRSet([b])))
            default: Issue.record("unexpected \(d)")
            }
        }
        let expected = "ip4:192.0.2.172/30 ip4:198.51.100.0/24 ip4:203.0.113.0/24 ip6:2001:db8:c003:104::/64"
        #expect(set.networks.map(\.spfTerm).joined(separator: " ") == expected)
        // Byte-identical on every run, whatever the input order.
        var rng = SplitMix64(seed: 14)
        let networks = input.split(separator: " ").map { try! IPNetwork.parse(String($0.dropFirst(4))) }
        for _ in 0..<20 {
            let shuffled = AddressSet(networks.shuffled(using: &rng))
            let r = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net", pass: shuffled,
                                           keptIncludes: [], all: .fail)
            #expect(r.records[0].strings == ["v=spf1 " + expected + " -all"])
        }
        // Same addresses before and after normalisation, including .172–.175 for the .173/30.
        for a in ["192.0.2.171", "192.0.2.172", "192.0.2.175", "192.0.2.176", "198.51.100.77", "203.0.113.255", "203.0.114.0"] {
            #expect(set.contains(v4(a)) == networks.contains { $0.contains(v4(a)) })
        }
        for a in ["2001:db8:c003:104::215", "2001:db8:c003:104:ffff::1", "2001:db8:c003:105::"] {
            #expect(set.contains(v6(a)) == networks.contains { $0.contains(v6(a)) })
        }
    }
}
