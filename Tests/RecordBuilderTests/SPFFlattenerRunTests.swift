import Testing
@testable import RecordBuilder

/// Wraps a fixture and suspends a few times before each answer, so that concurrent callers of
/// one flattener run really interleave (actor re-entrancy at every upstream question).
struct InterleavingSource: UpstreamSource {
    let inner: ZoneFixture

    static func pause() async { for _ in 0..<8 { await Task.yield() } }
    func txt(_ name: String) async throws -> [String] { await Self.pause(); return try await inner.txt(name) }
    func a(_ name: String) async throws -> [IPv4Address] { await Self.pause(); return try await inner.a(name) }
    func aaaa(_ name: String) async throws -> [IPv6Address] { await Self.pause(); return try await inner.aaaa(name) }
    func mx(_ name: String) async throws -> [String] { await Self.pause(); return try await inner.mx(name) }
}

/// One flattener run shared by many domains and concurrent callers: every upstream question is
/// asked once, every entry point flattened once, and results do not depend on interleaving.
@Suite struct SPFFlattenerRunTests {
    static let providers: [(slug: String, entry: String)] = [
        ("google", "_spf.google.com"), ("gmail", "gmail.com"), ("m365", "spf.protection.outlook.com"),
        ("sendgrid", "sendgrid.net"), ("mailchimp", "servers.mcsv.net"), ("mandrill", "spf.mandrillapp.com"),
        ("ses", "amazonses.com"), ("mailgun", "mailgun.org"), ("postmark", "spf.mtasv.net"),
        ("zendesk", "mail.zendesk.com"), ("marketo", "mktomail.com"), ("brevo", "spf.brevo.com"),
        ("helpdesk", "spf.helpdesk.example.net"), ("salesforce", "_spf.salesforce.com"),
    ]

    /// `count` customer domains approving 3–6 providers each, some in macro mode.
    static func specs(_ count: Int) -> [DomainSpec] {
        var rng = SplitMix64(seed: 10_000)
        return (0..<count).map { i in
            var chosen: [(slug: String, entry: String)] = []
            let k = 3 + Int(rng.next() % 4)
            while chosen.count < k {
                let p = providers[Int(rng.next() % UInt64(providers.count))]
                if !chosen.contains(where: { $0.slug == p.slug }) { chosen.append(p) }
            }
            return DomainSpec(domain: "customer\(i).example.com",
                              senders: chosen.map { SenderSpec(slug: $0.slug, name: $0.slug, spfEntryPoint: $0.entry) },
                              ownRanges: i % 3 == 0 ? [try! IPNetwork.parse("192.0.2.\(i % 256)/32")] : [],
                              spfMode: i % 4 == 0 ? .macro : .flatten)
        }
    }

    @Test func fiftyDomainsShareOneRunAndAskEachQuestionOnce() async throws {
        let zone = ZoneFixture(try sharedFile("fixtures/esp-snapshot.zone"))
        let builder = DomainRecordBuilder(settings: DomainRecordBuilderTests.settings, source: InterleavingSource(inner: zone))
        let run = SPFFlattener(source: InterleavingSource(inner: zone))
        let specs = Self.specs(50)
        let builds = try await withThrowingTaskGroup(of: (Int, DomainBuild).self) { group in
            for (i, spec) in specs.enumerated() {
                group.addTask { (i, try await builder.build(spec, flattener: run)) }
            }
            var out = [DomainBuild?](repeating: nil, count: specs.count)
            for try await (i, b) in group { out[i] = b }
            return out.map { $0! }
        }
        // Each distinct (name, type) was asked exactly once, and nothing else was asked.
        let counts = zone.questionCounts
        #expect(!counts.isEmpty)
        #expect(counts.filter { $0.value != 1 }.isEmpty, "asked more than once: \(counts.filter { $0.value != 1 })")
        let needed = Set(builds.flatMap { $0.report.senders.flatMap(\.queries) }.map { "\($0.kind.rawValue) \($0.name)" })
        #expect(Set(counts.keys) == needed)
        #expect(await run.upstreamQueryCount == counts.count)
        #expect(await run.upstreamQuestionCount == counts.count)

        // Concurrency changes nothing: the same specs built one by one on a fresh run agree.
        let fresh = SPFFlattener(source: zone)
        let plain = DomainRecordBuilder(settings: DomainRecordBuilderTests.settings, source: zone)
        for (spec, built) in zip(specs, builds) {
            let again = try await plain.build(spec, flattener: fresh)
            #expect(again.records == built.records && again.passSetsBySender == built.passSetsBySender, "\(spec.domain)")
        }
    }

    @Test func concurrentCallersOfOneEntryPointShareOneFlattening() async throws {
        let zone = ZoneFixture(try sharedFile("fixtures/esp-snapshot.zone"))
        let run = SPFFlattener(source: InterleavingSource(inner: zone))
        let results = try await withThrowingTaskGroup(of: SPFFlattening.self) { group in
            for i in 0..<40 { group.addTask { try await run.flatten(entryPoint: i % 2 == 0 ? "_spf.google.com" : "GMAIL.com.") } }
            var out: [SPFFlattening] = []
            for try await f in group { out.append(f) }
            return out
        }
        #expect(results.count == 40)
        #expect(Set(results.map(\.passSet)).count == 1)
        // gmail.com redirects to _spf.google.com: 5 TXT questions in all, each once.
        #expect(zone.questionCounts.count == 5 && zone.questionCounts.values.allSatisfy { $0 == 1 })
        #expect(await run.upstreamQueryCount == 5)
        // A later call is answered from the run: no new question.
        _ = try await run.flatten(entryPoint: "_spf.google.com")
        #expect(await run.upstreamQueryCount == 5 && zone.questionCounts.values.allSatisfy { $0 == 1 })
    }

    @Test func concurrentWalksIntoOneLoopReportItInsteadOfDeadlocking() async throws {
        let zone = ZoneFixture("""
        a.example.net. TXT "v=spf1 ip4:192.0.2.1 include:b.example.net -all"
        b.example.net. TXT "v=spf1 ip4:192.0.2.2 include:a.example.net -all"
        c.example.net. TXT "v=spf1 include:b.example.net -all"
        """)
        let run = SPFFlattener(source: InterleavingSource(inner: zone))
        let errors = await withTaskGroup(of: SPFFlattenError?.self) { group in
            for entry in ["a.example.net", "b.example.net", "c.example.net"] {
                group.addTask {
                    do throws(SPFFlattenError) { _ = try await run.flatten(entryPoint: entry); return nil } catch { return error }
                }
            }
            var out: [SPFFlattenError] = []
            for await e in group { if let e { out.append(e) } }
            return out
        }
        #expect(errors.count == 3)
        for e in errors {
            guard case .loop(let cycle) = e else { Issue.record("\(e)"); continue }
            #expect(Set(cycle) == ["a.example.net", "b.example.net"] && cycle.count == 3 && cycle.first == cycle.last)
        }
        // Sequentially on a fresh run the cycle is named from where the walk re-enters it.
        await #expect(throws: SPFFlattenError.loop(cycle: ["a.example.net", "b.example.net", "a.example.net"])) {
            try await SPFFlattener(source: zone).flatten(entryPoint: "a.example.net")
        }
        await #expect(throws: SPFFlattenError.loop(cycle: ["b.example.net", "a.example.net", "b.example.net"])) {
            try await SPFFlattener(source: zone).flatten(entryPoint: "c.example.net")
        }
    }

    @Test func missingIncludeTargetIsNamedFromEachReferringRecord() async throws {
        let zone = ZoneFixture("""
        x.example.net. TXT "v=spf1 include:gone.example.net -all"
        y.example.net. TXT "v=spf1 ip4:192.0.2.1 redirect=gone.example.net"
        """)
        let run = SPFFlattener(source: InterleavingSource(inner: zone))
        async let x: SPFFlattening = run.flatten(entryPoint: "x.example.net")
        async let y: SPFFlattening = run.flatten(entryPoint: "y.example.net")
        do { _ = try await x; Issue.record("no error") } catch {
            #expect(error as? SPFFlattenError == .noSPFRecord(name: "gone.example.net", nxdomain: true, record: "x.example.net", term: "include:gone.example.net"))
        }
        do { _ = try await y; Issue.record("no error") } catch {
            #expect(error as? SPFFlattenError == .noSPFRecord(name: "gone.example.net", nxdomain: true, record: "y.example.net", term: "redirect=gone.example.net"))
        }
        await #expect(throws: SPFFlattenError.noSPFRecord(name: "gone.example.net", nxdomain: true, record: nil, term: nil)) {
            try await run.flatten(entryPoint: "gone.example.net")
        }
        #expect(zone.questionCounts["TXT gone.example.net"] == 1)
    }
}
