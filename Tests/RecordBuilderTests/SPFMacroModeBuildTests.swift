import Testing
@testable import RecordBuilder

/// Macro mode through ``DomainRecordBuilder`` (RECORDS.md "Macro mode"; RFC 7208 §4.6.4, §5.7, §7.3).
@Suite struct SPFMacroModeBuildTests {
    static let settings = DomainRecordBuilderTests.settings
    static let owner = "example.com._spf.hosted.example.net"
    static let exists = "exists:%{i}._ip.example.com._spf.hosted.example.net"

    static func spec(_ senders: [SenderSpec], mode: SPFMode, ownRanges: [String] = ["192.0.2.0/28", "2001:db8:5::/48"],
                     domain: String = "example.com") -> DomainSpec {
        DomainSpec(domain: domain, senders: senders, ownRanges: ownRanges.map { try! IPNetwork.parse($0) }, spfMode: mode)
    }

    static let google = SenderSpec(slug: "google", name: "Google Workspace", spfEntryPoint: "_spf.google.com")
    static let sendgrid = SenderSpec(slug: "sendgrid", name: "SendGrid", spfEntryPoint: "sendgrid.net")
    static let salesforce = SenderSpec(slug: "salesforce", name: "Salesforce", spfEntryPoint: "_spf.salesforce.com")

    /// The hosted SPF records of a build (owner `D._spf.H` and its links).
    static func spfRecords(_ b: DomainBuild) -> [HostedTXT] {
        b.records.filter { $0.owner == owner || $0.owner.hasSuffix("." + owner) }
    }

    /// A zone serving the customer's record, the hosted records, and what the responder answers
    /// for `members` under `_ip.D._spf.H`.
    static func served(_ records: [HostedTXT], members: [AnyIPAddress], extra: String = "") -> ZoneFixture {
        var lines = ["example.com. TXT \"v=spf1 include:\(owner) -all\""] + records.map(\.description)
        for ip in members {
            lines.append("\(SPFMacroMode.queryName(for: ip, domain: "example.com", hostedZone: "hosted.example.net")). A 127.0.0.2")
        }
        return ZoneFixture((lines + [extra]).joined(separator: "\n"))
    }

    @Test func macroModeRecordIsOneExistsRecordWithTwoLookups() async throws {
        let zone = ZoneFixture(try sharedFile("fixtures/esp-snapshot.zone"))
        let builder = DomainRecordBuilder(settings: Self.settings, source: zone)
        let macro = try await builder.build(Self.spec([Self.google, Self.sendgrid], mode: .macro))
        let flat = try await builder.build(Self.spec([Self.google, Self.sendgrid], mode: .flatten))

        let spf = Self.spfRecords(macro)
        #expect(spf.map(\.owner) == [Self.owner])
        #expect(spf.map(\.strings) == [["v=spf1 \(Self.exists) ~all"]])
        #expect(Self.spfRecords(flat).count > 1)  // the same senders need chain links when flattened
        #expect(macro.report.spfMode == .macro && flat.report.spfMode == .flatten)
        #expect(macro.report.lookups == 2)
        #expect(macro.report.voidLookups == 1)  // the exists miss for an address outside the set
        #expect(macro.report.budget.lookupBreakdown.contains("1 for exists:%{i}._ip.\(Self.owner)"))
        // The responder's table is the full flattened pass set, per sender as for flatten mode.
        #expect(macro.spfPassSet == flat.spfPassSet)
        #expect(macro.passSetsBySender == flat.passSetsBySender)
        #expect(Set(macro.passSetsBySender.keys) == ["google", "sendgrid", "own"])
        // DMARC, MTA-STS and TLS-RPT records do not depend on the mode.
        #expect(macro.records.filter { !$0.owner.hasSuffix(Self.owner) } == flat.records.filter { !$0.owner.hasSuffix(Self.owner) })

        // Served with the responder's answers, receivers get the same results as for the flattened records.
        let members: [AnyIPAddress] = [v4("74.125.0.1"), v4("167.89.0.9"), v4("192.0.2.15"), v6("2001:4860:4000::1"), v6("2001:db8:5::25")]
        let hosted = Self.served(spf, members: members)
        let flatHosted = Self.served(Self.spfRecords(flat), members: [])
        for ip in members + [v4("198.18.0.1"), v4("192.0.2.16"), v6("2001:db8:6::1")] {
            let expected = await SPFEvaluator.checkHost(ip: ip, domain: "example.com", source: flatHosted)
            #expect(await SPFEvaluator.checkHost(ip: ip, domain: "example.com", source: hosted) == expected, "\(ip)")
            #expect((expected == .pass) == macro.spfPassSet.contains(ip), "\(ip)")
        }
    }

    @Test func macroModeKeepsSalesforceLikeIncludeBeforeExists() async throws {
        let zone = ZoneFixture(try sharedFile("fixtures/esp-snapshot.zone"))
        let b = try await DomainRecordBuilder(settings: Self.settings, source: zone)
            .build(Self.spec([Self.salesforce, Self.google], mode: .macro))
        #expect(Self.spfRecords(b).map(\.text) == ["v=spf1 include:_spf.salesforce.com \(Self.exists) ~all"])
        #expect(b.keptIncludes == [SPFKeptInclude(name: "_spf.salesforce.com", lookups: 1)])
        // 1 (customer's include) + 1 (exists) + 1 (include:_spf.salesforce.com) + 1 (its exists).
        #expect(b.report.lookups == 4)
        // Salesforce's exists misses for every other client, then ours misses: 2, the limit.
        #expect(b.report.voidLookups == 2)
        #expect(b.report.budget.voidBreakdown == "IPv4 clients: 1 in include:_spf.salesforce.com (salesforce), 1 for the exists:%{i}._ip.\(Self.owner) miss")
        #expect(b.passSetsBySender["salesforce"] == nil && b.passSetsBySender["google"] != nil)
        #expect(!b.spfPassSet.contains(v4("203.0.113.7")))

        // Served: a Salesforce address passes through its include, a Google one through the
        // responder, and a stranger meets exactly two void lookups and fails (not permerror).
        let salesforceIP = v4("203.0.113.7")
        let hosted = Self.served(Self.spfRecords(b), members: [v4("74.125.0.1")], extra: """
        _spf.salesforce.com. TXT "v=spf1 exists:%{i}._spf.mta.salesforce.com -all"
        203.0.113.7._spf.mta.salesforce.com. A 127.0.0.1
        """)
        #expect(await SPFEvaluator.checkHost(ip: salesforceIP, domain: "example.com", source: hosted) == .pass)
        #expect(await SPFEvaluator.checkHost(ip: v4("74.125.0.1"), domain: "example.com", source: hosted) == .pass)
        #expect(await SPFEvaluator.checkHost(ip: v4("198.18.0.1"), domain: "example.com", source: hosted) == .fail)
    }

    @Test func macroModeRefusesOverTenLookups() async throws {
        // A kept tree with 8 DNS terms: include (1) + 8 = 9, plus the customer's include = 10
        // when flattened (no links needed); macro mode adds the exists: 11.
        var text = "k.example.net. TXT \"v=spf1 exists:%{i}._ip.k.example.net"
        for i in 1...7 { text += " include:i\(i).example.net" }
        text += " -all\"\n"
        for i in 1...7 { text += "i\(i).example.net. TXT \"v=spf1 ip4:198.51.100.\(i) -all\"\n" }
        let builder = DomainRecordBuilder(settings: Self.settings, source: ZoneFixture(text))
        let sender = SenderSpec(slug: "k", name: "K", spfEntryPoint: "k.example.net")
        let flat = try await builder.build(Self.spec([sender], mode: .flatten, ownRanges: []))
        #expect(flat.report.lookups == 10)
        do {
            _ = try await builder.build(Self.spec([sender], mode: .macro, ownRanges: []))
            Issue.record("no error")
        } catch {
            guard case .spf(.tooManyLookups(let domain, let count, let breakdown)) = error else { Issue.record("\(error)"); return }
            #expect(domain == "example.com" && count == 11)
            #expect(breakdown == "1 for include:\(Self.owner), 9 for 1 kept include(s), 1 for exists:%{i}._ip.\(Self.owner)")
            #expect(error.description.contains("11 DNS lookups"))
        }
    }

    @Test func macroModeRefusesAnIPv6QueryNameOver253Octets() async throws {
        // "_ip." + D + "._spf.hosted.example.net" is D + 28 octets; with 64 for the nibbles the
        // query name is D + 92 > 253 for a 170-octet domain, whose hosted names still fit 255.
        let label = String(repeating: "a", count: 50)
        let domain = "\(label).\(label).\(label).example.com"
        #expect(domain.utf8.count == 164)
        let builder = DomainRecordBuilder(settings: Self.settings, source: ZoneFixture(""))
        _ = try await builder.build(Self.spec([], mode: .flatten, domain: domain))
        do {
            _ = try await builder.build(Self.spec([], mode: .macro, domain: domain))
            Issue.record("no error")
        } catch {
            guard case .spf(.macroQueryNameTooLong(let d, let name, let octets)) = error else { Issue.record("\(error)"); return }
            #expect(d == domain)
            #expect(octets == domain.utf8.count + 92)
            #expect(name.hasSuffix("._ip.\(domain)._spf.hosted.example.net"))
            #expect(error.description.contains(domain) && error.description.contains("253"))
        }
    }

    @Test func macroModeRecordWithManyKeptIncludesIsSplitAndSized() throws {
        let kept = (1...3).map { SPFKeptInclude(name: "k\($0)." + String(repeating: "x", count: 60) + ".example.net", lookups: 0) }
        let rec = try SPFMacroMode.record(domain: "example.com", hostedZone: "hosted.example.net", all: .fail, keptIncludes: kept.reversed())
        #expect(rec.strings.count == 2 && rec.strings.allSatisfy { $0.utf8.count <= 255 })
        #expect(rec.text == "v=spf1 " + kept.map { "include:\($0.name)" }.joined(separator: " ") + " \(Self.exists) -all")
        let many = (1...6).map { SPFKeptInclude(name: "k\($0)." + String(repeating: "x", count: 60) + ".example.net", lookups: 0) }
        #expect(throws: SPFRenderError.self) {
            try SPFMacroMode.record(domain: "example.com", hostedZone: "hosted.example.net", all: .fail, keptIncludes: many)
        }
        do { _ = try SPFMacroMode.record(domain: "example.com", hostedZone: "hosted.example.net", all: .fail, keptIncludes: many) } catch {
            guard case .recordTooLarge(let owner, let octets, let limit) = error else { Issue.record("\(error)"); return }
            #expect(owner == Self.owner && octets > limit && limit == SPFRenderer.rdataLimit(owner: Self.owner))
        }
    }
}
