import Testing
@testable import RecordBuilder

/// RFC 7208 §4.6.4 void lookups (NXDOMAIN or empty answers; more than 2 is a permerror) and the
/// lookup budget of the *published* record. Each refusal is checked against the reference
/// evaluator: the refused record really would give a receiver a permerror.
@Suite struct SPFVoidLookupTests {
    static let settings = DomainRecordBuilderTests.settings
    static let owner = "example.com._spf.hosted.example.net"

    static func build(_ zone: String, _ entries: [String], mode: SPFMode = .flatten) async throws(BuildFailure) -> DomainBuild {
        let senders = entries.map { SenderSpec(slug: String($0.prefix { $0 != "." }), name: $0, spfEntryPoint: $0) }
        return try await DomainRecordBuilder(settings: settings, source: ZoneFixture(zone))
            .build(DomainSpec(domain: "example.com", senders: senders, spfMode: mode))
    }

    /// The customer's record, `records`, and the senders' own zone, served together.
    static func served(_ records: [HostedTXT], _ zone: String) -> ZoneFixture {
        ZoneFixture((["example.com. TXT \"v=spf1 include:\(owner) -all\""] + records.map(\.description) + [zone]).joined(separator: "\n"))
    }

    @Test func flattenedTreeWithThreeVoidLookupsIsRefused() async throws {
        // IPv6 clients meet three void lookups (no AAAA anywhere); IPv4 clients two.
        let zone = """
        s.example.net. TXT "v=spf1 a:gone1.example.net a:gone2.example.net a:v4only.example.net ip4:192.0.2.1 -all"
        v4only.example.net. A 192.0.2.9
        """
        await #expect(throws: BuildFailure.sender(sender: "s", entryPoint: "s.example.net",
                                                  error: .tooManyVoidLookups(entryPoint: "s.example.net", family: "IPv6", count: 3))) {
            try await Self.build(zone, ["s.example.net"])
        }
        let source = ZoneFixture(zone)
        #expect(await SPFEvaluator.checkHost(ip: v6("2001:db8::1"), domain: "s.example.net", source: source) == .permerror)
        #expect(await SPFEvaluator.checkHost(ip: v4("192.0.2.1"), domain: "s.example.net", source: source) == .pass)
    }

    @Test func keptIncludeWithExistsAndTwoVoidsIsRefused() async throws {
        // The flattener accepts the tree (2 void `a` lookups), but its `exists` misses for every
        // address it does not list: a third void lookup at receivers.
        let zone = """
        k.example.net. TXT "v=spf1 a:gone1.example.net a:gone2.example.net exists:%{i}._ip.k.example.net -all"
        """
        let f = try await SPFFlattener(source: ZoneFixture(zone)).flatten(entryPoint: "k.example.net")
        #expect(f.passSet == nil && f.voidLookupsIPv4 == 2 && f.voidLookupsIPv6 == 2 && f.addressDependentLookups == 1)
        do {
            _ = try await Self.build(zone, ["k.example.net"])
            Issue.record("no error")
        } catch {
            #expect(error == .spf(.tooManyVoidLookups(domain: "example.com", count: 3,
                                                      breakdown: "IPv4 clients: 3 in include:k.example.net (k)")))
            #expect(error.description.contains("3 void DNS lookups") && error.description.contains("k.example.net"))
        }
        // What the refused record would do: a permerror for a stranger.
        let published = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net", pass: .empty,
                                               keptIncludes: [SPFKeptInclude(name: "k.example.net", lookups: f.lookups)], all: .softfail)
        #expect(await SPFEvaluator.checkHost(ip: v4("198.51.100.1"), domain: "example.com",
                                             source: Self.served(published.records, zone)) == .permerror)
    }

    @Test func voidLookupsAreCountedPerClientFamily() async throws {
        let zone = """
        k.example.net. TXT "v=spf1 a:v4only1.example.net a:v4only2.example.net exists:%{i}._ip.k.example.net -all"
        v4only1.example.net. A 192.0.2.1
        v4only2.example.net. A 192.0.2.2
        """
        do {
            _ = try await Self.build(zone, ["k.example.net"])
            Issue.record("no error")
        } catch {
            #expect(error == .spf(.tooManyVoidLookups(domain: "example.com", count: 3,
                                                      breakdown: "IPv6 clients: 3 in include:k.example.net (k)")))
        }
        let published = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net", pass: .empty,
                                               keptIncludes: [SPFKeptInclude(name: "k.example.net", lookups: 3)], all: .softfail)
        let served = Self.served(published.records, zone)
        #expect(await SPFEvaluator.checkHost(ip: v6("2001:db8::1"), domain: "example.com", source: served) == .permerror)
        #expect(await SPFEvaluator.checkHost(ip: v4("198.51.100.1"), domain: "example.com", source: served) == .fail)
    }

    static let twoExists = """
    k1.example.net. TXT "v=spf1 exists:%{i}._ip.k1.example.net -all"
    k2.example.net. TXT "v=spf1 exists:%{i}._ip.k2.example.net -all"
    s.example.net.  TXT "v=spf1 ip4:192.0.2.0/24 -all"
    """

    @Test func twoKeptExistsAreTheLimitInFlattenMode() async throws {
        let b = try await Self.build(Self.twoExists, ["k1.example.net", "k2.example.net", "s.example.net"])
        let spf = b.records.filter { $0.owner == Self.owner }
        #expect(spf.map(\.text) == ["v=spf1 ip4:192.0.2.0/24 include:k1.example.net include:k2.example.net ~all"])
        #expect(b.report.lookups == 1 + 2 + 2)
        #expect(b.report.voidLookups == 2)
        #expect(b.report.budget.voidLookupsIPv4 == 2 && b.report.budget.voidLookupsIPv6 == 2)
        // A stranger meets exactly two void lookups: fail, not permerror.
        let served = Self.served(spf, Self.twoExists)
        #expect(await SPFEvaluator.checkHost(ip: v4("198.51.100.1"), domain: "example.com", source: served) == .fail)
        #expect(await SPFEvaluator.checkHost(ip: v4("192.0.2.7"), domain: "example.com", source: served) == .pass)
    }

    @Test func twoKeptExistsPlusTheMacroExistsIsRefused() async throws {
        do {
            _ = try await Self.build(Self.twoExists, ["k1.example.net", "k2.example.net", "s.example.net"], mode: .macro)
            Issue.record("no error")
        } catch {
            #expect(error == .spf(.tooManyVoidLookups(domain: "example.com", count: 3, breakdown:
                "IPv4 clients: 1 in include:k1.example.net (k1), 1 in include:k2.example.net (k2), 1 for the exists:%{i}._ip.\(Self.owner) miss")))
        }
        // The record macro mode would publish gives a stranger a permerror.
        let rec = try SPFMacroMode.record(domain: "example.com", hostedZone: "hosted.example.net", all: .softfail,
                                          keptIncludes: [SPFKeptInclude(name: "k1.example.net", lookups: 1),
                                                         SPFKeptInclude(name: "k2.example.net", lookups: 1)])
        #expect(await SPFEvaluator.checkHost(ip: v4("198.51.100.1"), domain: "example.com",
                                             source: Self.served([rec], Self.twoExists)) == .permerror)
    }

    @Test func salesforceCostsOneVoidLookupInFlattenMode() async throws {
        let zone = ZoneFixture(try sharedFile("fixtures/esp-snapshot.zone"))
        let b = try await DomainRecordBuilder(settings: Self.settings, source: zone)
            .build(DomainRecordBuilderTests.spec(senders: DomainRecordBuilderTests.senders))
        #expect(b.report.voidLookups == 1)
        #expect(b.report.budget.voidBreakdown == "IPv4 clients: 1 in include:_spf.salesforce.com (salesforce)")
        #expect(b.report.lookups == b.report.budget.lookups)
        #expect(b.report.budget.keptIncludes == [SPFLookupBudget.KeptInclude(name: "_spf.salesforce.com", sender: "salesforce",
                                                                              lookups: 1, voidLookupsIPv4: 1, voidLookupsIPv6: 1)])
    }
}
