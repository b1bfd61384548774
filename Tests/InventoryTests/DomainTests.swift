import Testing
@testable import Inventory
import RecordBuilder

struct DomainTests {
    let t0 = TestInventory.t0

    @Test func testAddDomainStoresPolicyAndAudits() throws {
        let t = try TestInventory()
        var changes = DomainChanges()
        changes.subdomainPolicy = .set(.reject)
        changes.adkim = .set(.strict)
        changes.extraRUA = .set(try ReportURI(parsing: "mailto:agg@example.com", argument: "--rua", schemes: .mailtoOnly))
        changes.mxPatterns = .set([try MXPattern(parsing: "*.mail.protection.outlook.com", argument: "--mx")])
        changes.spfAll = .set(.fail)
        let added = try t.inventory.addDomain(name("Example.COM"), changes: changes,
                                              senders: [slug("google-workspace"), slug("sendgrid")], actor: "alice", now: t0)
        #expect(added.name.text == "example.com")
        #expect(added.stage == .monitor)
        #expect(added.stageSince == t0)
        let stored = try #require(try t.inventory.domain(name("example.com")))
        #expect(stored == added)
        #expect(stored.subdomainPolicy == .reject)
        #expect(stored.adkim == .strict)
        #expect(stored.spfAll == .fail)
        #expect(stored.mxPatterns.map(\.text) == ["*.mail.protection.outlook.com"])
        #expect(try t.inventory.approvedSenders(name("example.com")).map(\.slug.text) == ["google-workspace", "sendgrid"])
        let audit = try #require(try t.inventory.auditEntries(subject: "example.com", limit: 5).first)
        #expect(audit.action == .domainAdd)
        #expect(audit.actor == "alice")
        #expect(audit.after?.contains("\"sendgrid\"") == true)
    }

    @Test func testUnicodeDomainIsStoredAsALabel() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name("bücher.example"), actor: "t", now: t0)
        #expect(try t.inventory.domains().map(\.name.text) == ["xn--bcher-kva.example"])
    }

    @Test func testDuplicateDomainIsRefusedAndNothingWritten() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name("example.com"), actor: "t", now: t0)
        let before = try t.counts()
        let error = inventoryError { try t.inventory.addDomain(name("EXAMPLE.com."), actor: "t", now: t0) }
        #expect(error == .domainExists("example.com"))
        #expect(try t.counts() == before)
    }

    @Test func testAddDomainWithUnknownSenderSuggestsAndWritesNothing() throws {
        let t = try TestInventory()
        let before = try t.counts()
        let error = inventoryError {
            try t.inventory.addDomain(name("example.com"), senders: [slug("sendgrid"), slug("google")], actor: "t", now: t0)
        }
        #expect(error == .unknownSender(slug: "google", suggestions: ["google-workspace"]))
        #expect(error?.description.contains("google-workspace") == true)
        #expect(try t.counts() == before)
    }

    @Test func testHostedNameTooLongNamesTheNameAndTheExcess() throws {
        let t = try TestInventory()
        // D = 3*63-octet labels + "com": 195 text octets. _9.D._spf.hosted.example.net =
        // 3 + 195 + 6 + 18 = 222 text → 224 wire: fits. Use a longer D.
        let label = String(repeating: "a", count: 63)
        let d = try name([label, label, label, "abcdefghijklmnopqrstuvwxyz", "com"].joined(separator: "."))
        // D is 222 text octets; D._report._dmarc.reports.example.net is 222 + 15 + 20 = 257 text → 259 wire.
        let before = try t.counts()
        let error = inventoryError { try t.inventory.addDomain(d, actor: "t", now: t0) }
        guard case let .hostedNameTooLong(domain, hosted, octets)? = error else {
            Issue.record("expected hostedNameTooLong, got \(String(describing: error))")
            return
        }
        #expect(domain == d.text)
        #expect(hosted == "\(d.text)._report._dmarc.reports.example.net")
        #expect(octets == hosted.utf8.count + 2)
        #expect(octets == 259)
        #expect(error!.description.contains("4 more than the 255"))
        #expect(try t.counts() == before)
    }

    @Test func testHostedNameLimitReportsTheLongestOffender() throws {
        let t = try TestInventory(initialized: false)
        try t.inventory.initialize(TestInventory.settings(zone: "hosted-zone.example", reportZone: "r.example"),
                                   actor: "t", now: t0)
        let label = String(repeating: "b", count: 63)
        let d = try name([label, label, label, String(repeating: "c", count: 45), "io"].joined(separator: "."))
        #expect(d.text.utf8.count == 240)
        let names = HostedNames(domain: d, hostedZone: try name("hosted-zone.example"), reportZone: try name("r.example"))
        // Every checked name is over; `D._smtp._tls.H` is the longest with this H and R.
        #expect(names.allChecked.allSatisfy { HostedNames.wireLength($0) > 255 })
        #expect(names.allChecked.contains(names.spfLink(9)))
        let error = inventoryError { try t.inventory.addDomain(d, actor: "t", now: t0) }
        #expect(error == .hostedNameTooLong(domain: d.text, name: names.tlsrpt, octets: 240 + 31 + 2))
    }

    @Test func testDomainInsideServedZoneIsRefused() throws {
        let t = try TestInventory()
        for bad in ["hosted.example.net", "x.hosted.example.net", "reports.example.net"] {
            let error = inventoryError { try t.inventory.addDomain(name(bad), actor: "t", now: t0) }
            guard case .conflict? = error else {
                Issue.record("expected conflict for \(bad)")
                continue
            }
        }
        // A sibling is fine.
        try t.inventory.addDomain(name("example.net"), actor: "t", now: t0)
    }

    @Test func testAddBeforeInitIsRefused() throws {
        let t = try TestInventory(initialized: false)
        #expect(inventoryError { try t.inventory.addDomain(name("example.com"), actor: "t", now: t0) } == .notInitialized)
    }

    @Test func testUpdateDomainChangesAndClearsFields() throws {
        let t = try TestInventory()
        var add = DomainChanges()
        add.nonexistentPolicy = .set(.quarantine)
        add.aspf = .set(.relaxed)
        try t.inventory.addDomain(name("example.com"), changes: add, actor: "t", now: t0)
        var update = DomainChanges()
        update.nonexistentPolicy = .cleared
        update.ruf = .set(try ReportURI(parsing: "mailto:f@example.com", argument: "--ruf", schemes: .mailtoOnly))
        update.tlsrptRUAs = .set([try ReportURI(parsing: "https://tls.example.com/r", argument: "--tlsrpt-rua", schemes: .mailtoOrHTTPS)])
        let updated = try t.inventory.updateDomain(name("example.com"), changes: update, actor: "bob", now: t0 + 5, reason: "ticket 7")
        #expect(updated.nonexistentPolicy == nil)
        #expect(updated.aspf == .relaxed)
        #expect(updated.ruf?.description == "mailto:f@example.com")
        #expect(try t.inventory.domain(name("example.com")) == updated)
        let entry = try #require(try t.inventory.auditEntries(subject: "example.com", limit: 1).first)
        #expect(entry.action == .domainUpdate)
        #expect(entry.reason == "ticket 7")
        #expect(entry.before?.contains("\"np\":\"quarantine\"") == true)
        #expect(entry.after?.contains("\"np\"") == false)
    }

    @Test func testInvalidUpdatesWriteNothing() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name("example.com"), actor: "t", now: t0)
        let before = try t.counts()
        var plusAll = DomainChanges()
        plusAll.spfAll = .set(.pass)
        let e1 = inventoryError { try t.inventory.updateDomain(name("example.com"), changes: plusAll, actor: "t", now: t0) }
        #expect(e1?.description.contains("--spf-all") == true)
        var httpsRUA = DomainChanges()
        httpsRUA.extraRUA = .set(try ReportURI(parsing: "https://x.example.com", argument: "--rua", schemes: .mailtoOrHTTPS))
        let e2 = inventoryError { try t.inventory.updateDomain(name("example.com"), changes: httpsRUA, actor: "t", now: t0) }
        #expect(e2?.description.contains("--rua") == true)
        let e3 = inventoryError { try t.inventory.updateDomain(name("example.com"), changes: DomainChanges(), actor: "t", now: t0) }
        #expect(e3 != nil)
        let e4 = inventoryError { try t.inventory.updateDomain(name("nope.example.com"), changes: plusAll, actor: "t", now: t0) }
        #expect(e4 == .unknownDomain("nope.example.com"))
        var dupMX = DomainChanges()
        let mx = try MXPattern(parsing: "mx.example.com", argument: "--mx")
        dupMX.mxPatterns = .set([mx, mx])
        let e5 = inventoryError { try t.inventory.updateDomain(name("example.com"), changes: dupMX, actor: "t", now: t0) }
        #expect(e5?.description.contains("mx.example.com") == true)
        #expect(try t.counts() == before)
    }

    @Test func testMTASTSSetValidatesAndRemovalWaitsForNone() throws {
        let t = try TestInventory()
        try t.inventory.addDomain(name("example.com"), actor: "t", now: t0)
        let before = try t.counts()
        let noMX = inventoryError { try t.inventory.setMTASTS(name("example.com"), mode: .testing, actor: "t", now: t0) }
        #expect(noMX?.description.contains("--mx") == true)
        let badAge = inventoryError {
            try t.inventory.setMTASTS(name("example.com"), mode: .testing, maxAge: .set(31_557_601),
                                      mxPatterns: [MXPattern(parsing: "mx.example.com", argument: "--mx")], actor: "t", now: t0)
        }
        #expect(badAge == .invalidValue(argument: "--max-age", value: "31557601", reason: "max_age must be 0 to 31557600 seconds (RFC 8461 §3.2)"))
        #expect(try t.counts() == before)

        let set = try t.inventory.setMTASTS(name("example.com"), mode: .enforce,
                                            mxPatterns: [MXPattern(parsing: "mx.example.com", argument: "--mx")], actor: "t", now: t0)
        #expect(set.effectiveMaxAge == 604_800)
        let refused = inventoryError { try t.inventory.removeDomain(name("example.com"), actor: "t", now: t0) }
        guard case .conflict? = refused else {
            Issue.record("expected conflict, got \(String(describing: refused))")
            return
        }
        let withdrawn = try t.inventory.setMTASTS(name("example.com"), mode: .none, maxAge: .set(0), actor: "t", now: t0)
        #expect(withdrawn.effectiveMaxAge == 0)
        // Mode none is not enough: the enforce policy served until t0 may be cached for its
        // max_age (RFC 8461 §8.3; C24), so an immediate removal waits for t0 + 604800.
        let early = inventoryError { try t.inventory.removeDomain(name("example.com"), actor: "t", now: t0 + 604_799) }
        #expect(early?.description.contains("2026-01-08T00:00:00Z") == true, "\(String(describing: early))")
        try t.inventory.removeDomain(name("example.com"), actor: "t", now: t0 + 604_800)
        #expect(try t.inventory.domains().isEmpty)
    }

    @Test func testApproveRevokeAndRanges() throws {
        let t = try TestInventory()
        let d = try name("example.com")
        try t.inventory.addDomain(d, actor: "t", now: t0)
        try t.inventory.approve(domain: d, sender: slug("mailgun"), actor: "t", now: t0)
        #expect(inventoryError { try t.inventory.approve(domain: d, sender: slug("mailgun"), actor: "t", now: t0) }
            == .alreadyApproved(domain: "example.com", sender: "mailgun"))
        try t.inventory.revoke(domain: d, sender: slug("mailgun"), actor: "t", now: t0)
        #expect(inventoryError { try t.inventory.revoke(domain: d, sender: slug("mailgun"), actor: "t", now: t0) }
            == .notApproved(domain: "example.com", sender: "mailgun"))

        try t.inventory.addRange(domain: d, cidr: cidr("2001:db8::/32"), note: "v6", actor: "t", now: t0)
        try t.inventory.addRange(domain: d, cidr: cidr("198.51.100.0/24"), actor: "t", now: t0)
        try t.inventory.addRange(domain: d, cidr: cidr("192.0.2.8/29"), note: "office", actor: "t", now: t0)
        #expect(try t.inventory.ranges(d).map(\.cidr.description) == ["192.0.2.8/29", "198.51.100.0/24", "2001:db8::/32"])
        let before = try t.counts()
        #expect(inventoryError { try t.inventory.addRange(domain: d, cidr: cidr("192.0.2.8/29"), actor: "t", now: t0) }
            == .rangeExists(domain: "example.com", range: "192.0.2.8/29"))
        #expect(inventoryError { try t.inventory.removeRange(domain: d, cidr: cidr("192.0.2.0/24"), actor: "t", now: t0) }
            == .unknownRange(domain: "example.com", range: "192.0.2.0/24"))
        #expect(try t.counts() == before)
        try t.inventory.removeRange(domain: d, cidr: cidr("192.0.2.8/29"), actor: "t", now: t0)
        #expect(try t.inventory.ranges(d).count == 2)
    }

    @Test func testOperatorSenders() throws {
        let t = try TestInventory()
        let sender = Sender(slug: try slug("helpdesk"), displayName: "Helpdesk",
                            spfEntryPoint: try InventoryName(parsing: "spf.helpdesk.example.net", argument: "--spf", kind: .serviceName))
        try t.inventory.addSender(sender, actor: "t", now: t0)
        #expect(try t.inventory.senders().first { $0.slug.text == "helpdesk" }?.builtin == false)
        let before = try t.counts()
        #expect(inventoryError { try t.inventory.addSender(sender, actor: "t", now: t0) } == .senderExists("helpdesk"))
        var blank = sender
        blank.slug = try slug("blank")
        blank.displayName = "  "
        #expect(inventoryError { try t.inventory.addSender(blank, actor: "t", now: t0) } != nil)
        #expect(try t.counts() == before)
    }

    @Test func testInitTwiceIsRefused() throws {
        let t = try TestInventory()
        let before = try t.counts()
        #expect(inventoryError { try t.inventory.initialize(TestInventory.settings(), actor: "t", now: t0) } == .alreadyInitialized)
        #expect(try t.counts() == before)
        let settings = try #require(try t.inventory.settings())
        #expect(settings.dmarcMailbox == "dmarc@reports.example.net")
        #expect(settings.tlsrptMailbox == "tlsrpt@reports.example.net")
        #expect(settings.pctShim)
        #expect(settings.policyAddresses.map(\.description) == ["192.0.2.80", "2001:db8::80"])
    }

    @Test func testSnapshotHoldsEverything() throws {
        let t = try TestInventory()
        let d = try name("example.com")
        try t.inventory.addDomain(d, senders: [slug("postmark")], actor: "t", now: t0)
        try t.inventory.addRange(domain: d, cidr: cidr("192.0.2.0/24"), actor: "t", now: t0)
        let snapshot = try t.inventory.snapshot()
        #expect(snapshot.settings.hostedZone.text == "hosted.example.net")
        #expect(snapshot.generation == (try t.inventory.inventoryGeneration()))
        let entry = try #require(snapshot.entries.first)
        #expect(entry.senders.map(\.slug.text) == ["postmark"])
        #expect(entry.ranges.map(\.cidr.description) == ["192.0.2.0/24"])
        #expect(entry.hostedNames.dmarc == "example.com._dmarc.hosted.example.net")
        #expect(entry.hostedNames.spfLink(2) == "_2.example.com._spf.hosted.example.net")
        #expect(entry.hostedNames.reportAuthorization == "example.com._report._dmarc.reports.example.net")
        #expect(try t.inventory.entry(d) == entry)
    }
}
