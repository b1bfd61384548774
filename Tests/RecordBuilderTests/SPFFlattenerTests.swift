import Testing
@testable import RecordBuilder

/// RFC 7208 §4.6.2, §5, §6.1 as the flattener computes them.
@Suite struct SPFFlattenerTests {
    func flatten(_ zone: String, _ entry: String) async throws(SPFFlattenError) -> SPFFlattening {
        try await SPFFlattener(source: ZoneFixture(zone)).flatten(entryPoint: entry)
    }

    func pass(_ zone: String, _ entry: String) async throws -> [String] {
        let f = try await flatten(zone, entry)
        return try #require(f.passSet).networks.map(\.spfTerm)
    }

    @Test func firstMatchOrderSubtractsEarlierNonPassTerms() async throws {
        let zone = """
        s.example.net. TXT "v=spf1 ~ip4:192.0.2.0/26 ip4:192.0.2.0/24 -ip6:2001:db8::/48 ip6:2001:db8::/32 -all ip4:198.51.100.0/24"
        """
        #expect(try await pass(zone, "s.example.net") == [
            "ip4:192.0.2.64/26", "ip4:192.0.2.128/25", "ip6:2001:db8:1::/48", "ip6:2001:db8:2::/47",
            "ip6:2001:db8:4::/46", "ip6:2001:db8:8::/45", "ip6:2001:db8:10::/44", "ip6:2001:db8:20::/43",
            "ip6:2001:db8:40::/42", "ip6:2001:db8:80::/41", "ip6:2001:db8:100::/40", "ip6:2001:db8:200::/39",
            "ip6:2001:db8:400::/38", "ip6:2001:db8:800::/37", "ip6:2001:db8:1000::/36", "ip6:2001:db8:2000::/35",
            "ip6:2001:db8:4000::/34", "ip6:2001:db8:8000::/33",
        ])
    }

    @Test func redirectIsIgnoredWhenAllIsPresent() async throws {
        let zone = """
        s.example.net. TXT "v=spf1 redirect=t.example.net ip4:192.0.2.1 ~all"
        t.example.net. TXT "v=spf1 ip4:203.0.113.0/24 -all"
        """
        #expect(try await pass(zone, "s.example.net") == ["ip4:192.0.2.1"])
        #expect(try await flatten(zone, "s.example.net").lookups == 0)
    }

    @Test func redirectAddsTargetPassMinusMatched() async throws {
        let zone = """
        s.example.net. TXT "v=spf1 -ip4:203.0.113.0/25 ip4:192.0.2.1 redirect=t.example.net"
        t.example.net. TXT "v=spf1 ip4:203.0.113.0/24 -all"
        """
        #expect(try await pass(zone, "s.example.net") == ["ip4:192.0.2.1", "ip4:203.0.113.128/25"])
    }

    @Test func aAndMXResolveAgainstTheirOwnRecordsDomain() async throws {
        let zone = """
        s.example.net.   TXT "v=spf1 a mx/30//120 a:other.example.net/24 -all"
        s.example.net.   A 192.0.2.77
        s.example.net.   MX 10 mx1.example.net.
        s.example.net.   MX 20 mx2.example.net.
        mx1.example.net. A 198.51.100.9
        mx2.example.net. AAAA 2001:db8::99
        other.example.net. A 203.0.113.200
        other.example.net. AAAA 2001:db8:1::1
        """
        #expect(try await pass(zone, "s.example.net") == [
            "ip4:192.0.2.77", "ip4:198.51.100.8/30", "ip4:203.0.113.0/24", "ip6:2001:db8::/120", "ip6:2001:db8:1::1",
        ])
        let f = try await flatten(zone, "s.example.net")
        #expect(f.lookups == 3)
        #expect(f.queries.contains(SPFUpstreamQuery(.mx, "s.example.net")))
        #expect(f.queries.contains(SPFUpstreamQuery(.a, "mx1.example.net")))
    }

    @Test func moreThanTenMXNamesIsAnError() async throws {
        var zone = "s.example.net. TXT \"v=spf1 mx -all\"\n"
        for i in 0..<11 { zone += "s.example.net. MX \(i) mx\(i).example.net.\nmx\(i).example.net. A 192.0.2.\(i)\n" }
        await #expect(throws: SPFFlattenError.tooManyMXNames(record: "s.example.net", term: "mx", count: 11)) {
            try await flatten(zone, "s.example.net")
        }
    }

    @Test func moreThanTenLookupsIsAnError() async throws {
        var zone = "s.example.net. TXT \"v=spf1"
        for i in 0..<10 { zone += " include:i\(i).example.net" }
        zone += " -all\"\n"
        for i in 0..<10 { zone += "i\(i).example.net. TXT \"v=spf1 ip4:192.0.2.\(i)\"\n" }
        // 10 includes inside + the include that reaches s.example.net = 11.
        await #expect(throws: SPFFlattenError.tooManyLookups(entryPoint: "s.example.net", count: 11)) {
            try await flatten(zone, "s.example.net")
        }
    }

    @Test func moreThanTwoVoidLookupsIsAnError() async throws {
        let zone = """
        s.example.net. TXT "v=spf1 a:gone1.example.net a:gone2.example.net a:v4only.example.net ip4:192.0.2.1 -all"
        v4only.example.net. A 192.0.2.9
        """
        await #expect(throws: SPFFlattenError.tooManyVoidLookups(entryPoint: "s.example.net", family: "IPv6", count: 3)) {
            try await flatten(zone, "s.example.net")
        }
    }

    @Test(arguments: ["+all", "all", "?all"])
    func permissiveAllIsAnError(_ all: String) async throws {
        let zone = """
        s.example.net. TXT "v=spf1 include:t.example.net -all"
        t.example.net. TXT "v=spf1 ip4:192.0.2.1 \(all)"
        """
        await #expect(throws: SPFFlattenError.self) { try await flatten(zone, "s.example.net") }
        do { _ = try await flatten(zone, "s.example.net") } catch {
            #expect(error.code == "spf.permissive-all")
            #expect(error.description.contains("t.example.net"))
        }
    }

    @Test func multipleRecordsAndSyntaxErrorsNameTheRecord() async throws {
        let two = """
        s.example.net. TXT "v=spf1 include:t.example.net -all"
        t.example.net. TXT "v=spf1 -all"
        t.example.net. TXT "v=spf1 mx -all"
        """
        await #expect(throws: SPFFlattenError.multipleSPFRecords(name: "t.example.net", count: 2)) {
            try await flatten(two, "s.example.net")
        }
        let bad = """
        s.example.net. TXT "v=spf1 include:t.example.net -all"
        t.example.net. TXT "v=spf1 ip4:192.0.2.300 -all"
        """
        do { _ = try await flatten(bad, "s.example.net"); Issue.record("no error") } catch {
            guard case .syntax(let name, _) = error else { Issue.record("\(error)"); return }
            #expect(name == "t.example.net")
            #expect(error.description.contains("ip4:192.0.2.300"))
        }
    }

    /// C10: a temporary failure anywhere in the tree is a temporary result, never a subset.
    @Test func testC10TemporaryFailurePropagates() async throws {
        let zone = ZoneFixture("""
        example.com.     TXT "v=spf1 include:esp.example.net include:crm.example.org -all"
        esp.example.net. TXT "v=spf1 ip4:192.0.2.0/24 -all"
        crm.example.org. TXT "v=spf1 ip4:198.51.100.0/24 -all"
        """)
        zone.temporary = ["crm.example.org"]
        do { _ = try await SPFFlattener(source: zone).flatten(entryPoint: "example.com"); Issue.record("no error") } catch {
            #expect(error == .temporary(name: "crm.example.org", reason: "timeout (fixture)"))
            #expect(error.isTemporary)
        }
    }

    @Test func eachUpstreamQuestionIsAskedOncePerRun() async throws {
        let zone = ZoneFixture("""
        a.example.net. TXT "v=spf1 include:shared.example.net mx:shared.example.net -all"
        b.example.net. TXT "v=spf1 include:shared.example.net a:shared.example.net -all"
        shared.example.net. TXT "v=spf1 ip4:198.51.100.0/24 -all"
        shared.example.net. MX 10 shared.example.net.
        shared.example.net. A 198.51.100.1
        """)
        let flattener = SPFFlattener(source: zone)
        _ = try await flattener.flatten(entryPoint: "a.example.net")
        _ = try await flattener.flatten(entryPoint: "b.example.net")
        #expect(zone.questionCounts.values.allSatisfy { $0 == 1 })
        #expect(zone.questionCounts["TXT shared.example.net"] == 1)
        #expect(await flattener.upstreamQuestionCount == zone.questionCounts.count)
    }

    @Test func provenanceListsRecordsAndQueries() async throws {
        let zone = """
        s.example.net. TXT "v=spf1 include:t.example.net -all"
        t.example.net. TXT "v=spf1 ip4:192.0.2.1 -all"
        """
        let f = try await flatten(zone, "S.Example.NET.")
        #expect(f.entryPoint == "s.example.net")
        #expect(f.upstreamNames == ["s.example.net", "t.example.net"])
        #expect(f.records["t.example.net"] == "v=spf1 ip4:192.0.2.1 -all")
        #expect(f.queries == [SPFUpstreamQuery(.txt, "s.example.net"), SPFUpstreamQuery(.txt, "t.example.net")])
        #expect(f.lookups == 1)
    }

    @Test func ptrAndExistsKeepTheSenderAsInclude() async throws {
        let zone = """
        s.example.net. TXT "v=spf1 ip4:192.0.2.0/24 ptr:example.net -all"
        """
        let f = try await flatten(zone, "s.example.net")
        guard case .keptAsInclude(let reasons) = f.outcome else { Issue.record("flattened"); return }
        #expect(reasons.count == 1 && reasons[0].contains("ptr:example.net"))
        #expect(f.lookups == 1)
    }
}
