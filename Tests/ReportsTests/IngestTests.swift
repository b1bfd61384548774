import Foundation
import Inventory
import Testing
@testable import Reports

/// `herald reports ingest`: files and directories, duplicates, refusals, all-or-nothing per file.
struct IngestTests {
    static let goodFixtures = [
        "google-rfc7489.xml", "microsoft-rfc7489.xml", "yahoo-rfc7489.xml", "mimecast-rfc9990.xml", "prefixed-rfc9990.xml",
        "microsoft-rfc7489.xml.gz", "google.com!example.com!1767225600!1767311999.zip", "yahoo-report.eml",
        "tlsrpt-clean.json", "tlsrpt-clean.json.gz", "tlsrpt-failures.json",
    ]

    @Test func testFixtureDirectoryTotals() throws {
        let world = try ReportsWorld()
        let totals = try world.ingest([fixtures.path])
        // 8 aggregate reports and 3 TLS reports for example.com; unknown-domain.xml is about example.org.
        #expect(totals.aggregateStored == 8)
        #expect(totals.tlsStored == 3)
        #expect(totals.unknownDomain == 2)   // unknown-domain.xml, and tlsrpt-failures.json's example.org policy
        #expect(totals.duplicates == 0)
        #expect(totals.ignored == 1)         // README.md
        #expect(Set(totals.rejected.map(\.category)) == ["malformed-xml", "missing-field", "invalid-field", "doctype-or-entity"])
        #expect(totals.rejected.count == 5)
        #expect(totals.rejected.allSatisfy { $0.reason.hasPrefix($0.path) })
        #expect(totals.files == Self.goodFixtures.count + 1 + 5)
        let stored = try StoredReportCounts.fetch(world.inventory)
        #expect(stored.aggregateReports == 8 && stored.tlsReports == 3 && stored.tlsPolicies == 3)
        #expect(stored.aggregateRows == totals.rows)
        #expect(stored.messages == totals.messages)
        #expect(totals.messages == 1540 + 85 + 2400 + 64 + 5 + 85 + 1540 + 2400)
    }

    @Test func testSameReportTwiceStoredOnce() throws {
        let world = try ReportsWorld()
        let paths = Self.goodFixtures.map(fixturePath)
        let first = try world.ingest(paths)
        #expect(first.duplicates == 0 && first.rejected.isEmpty)
        let second = try world.ingest(paths)
        #expect(second.aggregateStored == 0 && second.tlsStored == 0)
        #expect(second.duplicates == first.aggregateStored + first.tlsStored)
        #expect(try StoredReportCounts.fetch(world.inventory).aggregateReports == first.aggregateStored)
    }

    @Test func testDuplicateWithinOneRunAndAcrossWrappers() throws {
        let world = try ReportsWorld()
        let xml = aggregateXML(id: "dup-1", begin: 1, end: 2, rows: [Row(ip: "192.0.2.1", count: 7, dkim: true, spf: true)])
        let a = try world.write("a.xml", xml)
        let b = try world.write("b.xml.gz", try ExtractionSafetyTests.gzip(xml))
        let totals = try world.ingest([a, b])
        #expect(totals.aggregateStored == 1 && totals.duplicates == 1 && totals.messages == 7)
    }

    @Test func testFileWithOneBadReportStoresNothing() throws {
        let world = try ReportsWorld()
        let good = aggregateXML(id: "ok-1", begin: 1, end: 2, rows: [Row(ip: "192.0.2.1", count: 7, dkim: true, spf: true)])
        let archive = try ExtractionSafetyTests.zip([("a.xml", good), ("b.xml", try fixture("bad-source-ip.xml"))])
        let path = try world.write("mixed.zip", archive)
        let totals = try world.ingest([path])
        #expect(totals.aggregateStored == 0)
        #expect(totals.rejected.count == 1)
        #expect(totals.rejected[0].reason.contains("mixed.zip: b.xml: field 'record[1]/row/source_ip' has value '192.0.2.300'"))
        #expect(try StoredReportCounts.fetch(world.inventory).aggregateReports == 0)
        // The good report alone is stored afterwards: nothing was left half-written.
        #expect(try world.ingest([try world.write("good.xml", good)]).aggregateStored == 1)
    }

    @Test func testMaildirCurAndNewWithoutExtensions() throws {
        let world = try ReportsWorld()
        let eml = try fixture("yahoo-report.eml")
        try world.write("Maildir/cur/1767315600.M1P2.mx:2,S", eml)
        try world.write("Maildir/new/1767315601.M2P2.mx", eml.replacingOccurrences(of: "eml-copy-0001", with: "eml-copy-0001"))
        try world.write("Maildir/tmp/1767315602.M3P2.mx", eml)       // tmp/ is being delivered: ignored
        try world.write("Maildir/dovecot-uidlist", Data("3 V1 N4\n".utf8))
        let totals = try world.ingest([world.directory.appendingPathComponent("in/Maildir").path])
        #expect(totals.files == 2 && totals.ignored == 2)
        #expect(totals.aggregateStored == 1 && totals.duplicates == 1)
    }

    @Test func testMissingPathThrowsBeforeStoringAnything() throws {
        let world = try ReportsWorld()
        let good = try world.write("g.xml", aggregateXML(id: "g", begin: 1, end: 2, rows: []))
        #expect(reportsError { _ = try world.ingest([good, "/nonexistent/reports"]) }
                == .unreadable(path: "/nonexistent/reports", detail: "no such file or directory"))
        #expect(try StoredReportCounts.fetch(world.inventory).aggregateReports == 0)
    }

    @Test func testReportForSubdomainPolicyAttributedToParent() throws {
        let world = try ReportsWorld()
        let path = try world.write("sub.xml", aggregateXML(id: "sub", begin: 1, end: 2, domain: "mail.example.com",
                                                          rows: [Row(ip: "192.0.2.1", count: 1, dkim: true, spf: true)]))
        let totals = try world.ingest([path])
        #expect(totals.aggregateStored == 1 && totals.unknownDomain == 0)
    }

    @Test func testProgressReportsEveryFile() throws {
        let world = try ReportsWorld()
        var seen: [Int] = []
        let paths = try (0..<5).map { try world.write("p\($0).xml", aggregateXML(id: "p\($0)", begin: 1, end: 2, rows: [])) }
        var ingester = ReportIngester(inventory: world.inventory)
        ingester.batchSize = 2
        _ = try ingester.ingest(paths: paths, now: 10) { done, total in
            #expect(total == 5)
            seen.append(done)
        }
        #expect(seen == [1, 2, 3, 4, 5])
        #expect(try StoredReportCounts.fetch(world.inventory).aggregateReports == 5)
    }
}

extension Data {
    func replacingOccurrences(of a: String, with b: String) -> Data {
        Data(String(decoding: self, as: UTF8.self).replacingOccurrences(of: a, with: b).utf8)
    }
}
