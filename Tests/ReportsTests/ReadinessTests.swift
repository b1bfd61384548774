import Foundation
import Inventory
import RecordBuilder
import Testing
@testable import Reports

/// Readiness per domain and sender: attribution by pass set, rates over the window, the gate.
struct ReadinessTests {
    static let t0 = ReportsWorld.t0, day = ReportsWorld.day

    /// One day of mail: Google Workspace fine, SendGrid signing as sendgrid.net, a failing unknown source.
    static func dayReport(_ index: Int, sendgridDKIM: Bool = false, org: String = "google.com") -> Data {
        aggregateXML(org: org, id: "day-\(index)", begin: t0 + Int64(index) * day, end: t0 + Int64(index + 1) * day - 1, rows: [
            Row(ip: "192.0.2.10", count: 1000, dkim: true, spf: true, dkimDomain: "example.com"),
            Row(ip: "198.51.100.20", count: 100, dkim: sendgridDKIM, spf: false, dkimDomain: sendgridDKIM ? "example.com" : "sendgrid.net"),
            Row(ip: "198.51.100.7", count: 240, dkim: false, spf: false),
            Row(ip: "2001:db8:1::25", count: 10, dkim: false, spf: true),
        ])
    }

    @Test func testAttributionPrefersOwnThenSlugOrder() throws {
        let a = SenderAttribution(passSets: ["zeta": ["192.0.2.0/24"], "alpha": ["192.0.2.0/25"], "own": ["192.0.2.1/32"]])
        #expect(a.sender(of: try AnyIPAddress.parse("192.0.2.1")) == "own")
        #expect(a.sender(of: try AnyIPAddress.parse("192.0.2.2")) == "alpha")
        #expect(a.sender(of: try AnyIPAddress.parse("192.0.2.200")) == "zeta")
        #expect(a.sender(of: try AnyIPAddress.parse("198.51.100.1")) == nil)
        #expect(a.sender(of: try AnyIPAddress.parse("2001:db8::1")) == nil)
    }

    @Test func testPerSenderNumbersAndFindings() throws {
        let world = try ReportsWorld()
        let paths = try (0..<10).map { try world.write("d\($0).xml", Self.dayReport($0)) }
        _ = try world.ingest(paths)
        let now = Self.t0 + 10 * Self.day
        let r = try ReadinessAnalyzer(inventory: world.inventory).readiness(try name("example.com"), now: now)
        #expect(r.reports == 10 && r.organisations == 1)
        #expect(r.messages == 13_500)
        let google = try #require(r.senders.first { $0.sender == "google-workspace" })
        #expect(google.messages == 10_000 && google.dmarcPass == 10_000 && google.displayName == "Google Workspace")
        let sendgrid = try #require(r.senders.first { $0.sender == "sendgrid" })
        #expect(sendgrid.messages == 1000 && sendgrid.dkimAligned == 0 && sendgrid.spfAligned == 0 && sendgrid.passRate == 0)
        let own = try #require(r.senders.first { $0.sender == "own" })
        #expect(own.messages == 100 && own.spfRate == 1 && own.dkimRate == 0)
        #expect(r.unknown.messages == 2400 && r.unknownSources == [UnknownSource(address: "198.51.100.7", messages: 2400, dmarcPass: 0)])
        // Gate: approved = google + sendgrid + own = 11,100, passing 10,100 → 90.9 %.
        #expect(r.gate.applies && r.gate.approvedMessages == 11_100 && r.gate.approvedPassing == 10_100)
        #expect(!r.gate.holds && !r.canAdvance)
        #expect(r.dwellRemaining == 4 * Self.day)
        let messages = r.findings.map(\.message)
        #expect(messages.contains { $0.hasPrefix("dwell: at 'monitor' for 10d, 'quarantine-test' needs 14d (another 4d)") })
        #expect(messages.contains("approved senders: 90.9 % of 11,100 messages pass DMARC over 14 days; 'quarantine-test' needs ≥ 98.0 %"))
        #expect(messages.contains { $0.hasPrefix("Twilio SendGrid: 0.0 % DMARC pass of 1,000 messages; 0.0 % DKIM-aligned over 14 days — sign with your own domain (DKIM d=example.com); signatures seen for sendgrid.net") })
        #expect(messages.contains { $0.hasPrefix("unknown source 198.51.100.7: 2,400 messages, failing") })
        #expect(r.findings.first?.severity == .blocker)
        #expect(r.findings.filter { $0.severity == .blocker }.count == 3)
    }

    @Test func testWindowExcludesOldReports() throws {
        let world = try ReportsWorld()
        _ = try world.ingest(try (0..<10).map { try world.write("d\($0).xml", Self.dayReport($0)) })
        let analyzer = ReadinessAnalyzer(inventory: world.inventory)
        let later = try analyzer.readiness(try name("example.com"), now: Self.t0 + 20 * Self.day)
        #expect(later.reports == 4)    // days 6…9 end after day 20 − 14
        let narrow = try analyzer.readiness(try name("example.com"), now: Self.t0 + 10 * Self.day, windowDays: 1)
        #expect(narrow.reports == 1 && narrow.thresholds.windowDays == 1)
        #expect(reportsError { _ = try analyzer.readiness(try name("example.com"), now: 0, windowDays: 0) }?.category == "invalid-setting")
        #expect(reportsError { _ = try analyzer.readiness(try name("nosuch.example"), now: 0) } == .unknownDomain("nosuch.example"))
    }

    @Test func testAdvanceNeedsTheGateOnceReportsExistAndForceOverrides() throws {
        let world = try ReportsWorld()
        let d = try name("example.com")
        let after = Self.t0 + 15 * Self.day
        // No reports: dwell only (the gate does not apply).
        let plain = try world.inventory.advance(d, actor: "t", now: after, gate: ReadinessAnalyzer.stageGate)
        #expect(plain.to == .quarantineTest && !plain.forced)
        _ = try world.inventory.rollback(d, actor: "t", now: after)
        // Failing SendGrid: refused with the numbers.
        _ = try world.ingest(try (16..<30).map { try world.write("d\($0).xml", Self.dayReport($0)) })
        let later = Self.t0 + 30 * Self.day
        do {
            _ = try world.inventory.advance(d, actor: "t", now: later, gate: ReadinessAnalyzer.stageGate)
            Issue.record("advance should have been refused")
        } catch InventoryError.stageChangeRefused(_, let reason) {
            #expect(reason.hasPrefix("evidence gate: approved senders 90.9 % DMARC pass (14,140 of 15,540 messages over 14 days"))
            #expect(reason.hasSuffix("below the threshold; use --force to override"))
        }
        // set to the next rung is gated the same way.
        #expect(throws: InventoryError.self) {
            try world.inventory.setStage(d, to: .quarantineTest, actor: "t", now: later, gate: ReadinessAnalyzer.stageGate)
        }
        let forced = try world.inventory.advance(d, force: true, actor: "t", now: later, gate: ReadinessAnalyzer.stageGate)
        #expect(forced.forced)
        let audit = try #require(try world.inventory.auditEntries(subject: "example.com", limit: 1).first)
        #expect(audit.after?.contains("\"evidence\":\"approved senders 90.9 % DMARC pass") == true)
        #expect(audit.after?.contains("\"forced\":true") == true)
    }

    @Test func testGateNeedsMinimumVolume() throws {
        let world = try ReportsWorld()
        let d = try name("example.com")
        let xml = aggregateXML(id: "small", begin: Self.t0, end: Self.t0 + Self.day, rows: [Row(ip: "192.0.2.10", count: 40, dkim: true, spf: true)])
        _ = try world.ingest([try world.write("s.xml", xml)])
        let r = try ReadinessAnalyzer(inventory: world.inventory).readiness(d, now: Self.t0 + 14 * Self.day)
        #expect(r.gate.applies && !r.gate.holds && r.gate.passRate == 1)
        #expect(r.findings.first?.message == "too little evidence: 40 messages from approved senders over 14 days; the gate needs at least 100")
        try ReportSettingsStore(inventory: world.inventory).setOptions(d, DomainReportOptions(gateMinMessages: 10), actor: "t", now: Self.t0)
        #expect(try ReadinessAnalyzer(inventory: world.inventory).readiness(d, now: Self.t0 + 14 * Self.day).canAdvance)
    }

    @Test func testTLSReadinessProposesEnforceOnlyWithoutPolicyOrCertificateFailures() throws {
        let world = try ReportsWorld(mtaSTS: .testing)
        let d = try name("example.com")
        _ = try world.ingest([fixturePath("tlsrpt-clean.json")])
        let now = Self.t0 + 3 * Self.day
        var tls = try ReadinessAnalyzer(inventory: world.inventory).readiness(d, now: now).tls
        #expect(tls.readyForEnforce && tls.successes == 5326)
        #expect(tls.advice(domain: "example.com") == "testing; 5,326 sessions in 1 TLS report(s) over 14 days, no policy or certificate failures → ready for enforce: herald mta-sts set example.com --mode enforce")
        _ = try world.ingest([fixturePath("tlsrpt-failures.json")])
        tls = try ReadinessAnalyzer(inventory: world.inventory).readiness(d, now: now).tls
        #expect(!tls.readyForEnforce)
        #expect(tls.failures(of: .certificate) == 100 && tls.failures(of: .starttls) == 203)
        #expect(tls.advice(domain: "example.com").contains("0 policy and 100 certificate failure(s)"))
        // Not hosted: no proposal.
        let plain = try ReportsWorld()
        #expect(try ReadinessAnalyzer(inventory: plain.inventory).readiness(d, now: now).tls.advice(domain: "example.com") == "not hosted")
    }

    @Test func testWithoutPassSetsEverySourceIsUnknownAndSaidSo() throws {
        let world = try ReportsWorld()
        try world.inventory.addDomain(try name("example.org"), actor: "t", now: Self.t0)
        let xml = aggregateXML(id: "org-1", begin: Self.t0, end: Self.t0 + Self.day, domain: "example.org",
                               rows: [Row(ip: "192.0.2.10", count: 500, dkim: true, spf: true)])
        _ = try world.ingest([try world.write("o.xml", xml)])
        let r = try ReadinessAnalyzer(inventory: world.inventory).readiness(try name("example.org"), now: Self.t0 + 2 * Self.day)
        #expect(r.unknown.messages == 500 && r.gate.approvedMessages == 0 && !r.gate.holds)
        #expect(r.findings.contains { $0.message.hasPrefix("no source matched an approved sender's SPF pass set: run 'herald build'") })
    }

    @Test func testIngestTotalsJSONCarriesRejectionsByCategory() throws {
        var totals = IngestTotals()
        totals.rejected = [.init(path: "a", category: "malformed-xml", reason: "a: x"), .init(path: "b", category: "malformed-xml", reason: "b: y")]
        let text = String(decoding: try JSONEncoder().encode(totals), as: UTF8.self)
        #expect(text.contains(#""rejected_by_category":{"malformed-xml":2}"#))
        #expect(try JSONDecoder().decode(IngestTotals.self, from: Data(text.utf8)) == totals)
    }

    @Test func testSettingsValidationAndAudit() throws {
        let world = try ReportsWorld()
        let store = ReportSettingsStore(inventory: world.inventory)
        #expect(try store.settings().gatePassRate == 0.98)
        #expect(reportsError { try store.update(ReportSettingsChange(gatePassRate: 1.5), actor: "t", now: 1) }
                == .invalidSetting(argument: "--gate-pass-rate", value: "1.5", reason: "expected a share above 0, at most 1 (0.98 = 98 %)"))
        #expect(reportsError { try store.update(ReportSettingsChange(rollbackPassRate: 0.99), actor: "t", now: 1) }?.category == "invalid-setting")
        #expect(reportsError { try store.update(ReportSettingsChange(webhookURL: .some("ftp://x")), actor: "t", now: 1) }?.category == "invalid-setting")
        let after = try store.update(ReportSettingsChange(gatePassRate: 0.95, windowDays: 7, webhookURL: .some("https://hooks.example.net/herald")),
                                     actor: "alice", now: 5)
        #expect(after.gatePassRate == 0.95 && after.windowDays == 7 && after.webhookURL == "https://hooks.example.net/herald")
        let audit = try #require(try world.inventory.auditEntries(subject: "settings", limit: 1).first)
        #expect(audit.action == ReportSettingsStore.settingsAction && audit.actor == "alice")
        #expect(try store.update(ReportSettingsChange(webhookURL: .some(nil)), actor: "t", now: 6).webhookURL == nil)
        #expect(reportsError { try store.setOptions(try name("nosuch.example"), DomainReportOptions(), actor: "t", now: 1) }
                == .unknownDomain("nosuch.example"))
    }
}
