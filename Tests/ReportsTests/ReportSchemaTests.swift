import Foundation
import GRDB
import Inventory
import Testing
@testable import Reports

/// Migration `0006-reports`: the schema holds its invariants even against hand-written SQL.
struct ReportSchemaTests {
    func refused(_ world: ReportsWorld, _ sql: String) -> Bool {
        do {
            try world.inventory.pool.write { try $0.execute(sql: sql) }
            return false
        } catch {
            return true
        }
    }

    @Test func testConstraintsRefuseBadRows() throws {
        let world = try ReportsWorld()
        let id = try world.inventory.pool.read { try Int64.fetchOne($0, sql: "SELECT id FROM domains WHERE name = 'example.com'") }!
        let report = "INSERT INTO dmarc_reports (id, domain_id, org_name, report_id, begin_time, end_time, policy_domain, schema, source, ingested_at)"
        try world.inventory.pool.write {
            try $0.execute(sql: "\(report) VALUES (1, \(id), 'o', 'r', 1, 2, 'example.com', 'rfc7489', 'f', 3)")
        }
        #expect(refused(world, "\(report) VALUES (2, \(id), 'o', 'r', 1, 2, 'example.com', 'rfc7489', 'f', 3)"))   // same org + id
        #expect(refused(world, "\(report) VALUES (3, \(id), 'o', 'r3', 5, 2, 'example.com', 'rfc7489', 'f', 3)"))  // ends before it begins
        #expect(refused(world, "\(report) VALUES (4, \(id), 'o', 'r4', 1, 2, 'example.com', 'rfc1234', 'f', 3)"))  // unknown schema
        #expect(refused(world, "\(report) VALUES (5, 999, 'o', 'r5', 1, 2, 'example.com', 'rfc7489', 'f', 3)"))    // no such domain
        let row = "INSERT INTO dmarc_report_records (report_id, position, source_ip, count, disposition, dkim_aligned, spf_aligned, header_from)"
        #expect(!refused(world, "\(row) VALUES (1, 0, '192.0.2.1', 5, 'none', 1, 0, 'example.com')"))
        #expect(refused(world, "\(row) VALUES (1, 1, '192.0.2.1', 5, 'maybe', 1, 0, 'example.com')"))
        #expect(refused(world, "\(row) VALUES (1, 2, '192.0.2.1', -5, 'none', 1, 0, 'example.com')"))
        #expect(refused(world, "\(row) VALUES (1, 3, 'not an address', 5, 'none', 1, 0, 'example.com')"))
        #expect(refused(world, "\(row) VALUES (1, 4, '192.0.2.1', 5, 'none', 2, 0, 'example.com')"))
        #expect(refused(world, "UPDATE report_settings SET rollback_pass_rate = 0.99"))
        #expect(refused(world, "UPDATE report_settings SET webhook_url = 'ftp://x'"))
        #expect(refused(world, "INSERT INTO report_settings (id) VALUES (2)"))
        #expect(refused(world, "INSERT INTO tls_report_failures (report_id, policy_position, position, result_type, count) VALUES (1, 0, 0, 'Bad Type', 1)"))
    }

    @Test func testRemovingADomainRemovesItsReportsAndReportsDoNotBumpTheGeneration() throws {
        let world = try ReportsWorld()
        let before = try world.inventory.inventoryGeneration()
        _ = try world.ingest([fixturePath("google-rfc7489.xml"), fixturePath("tlsrpt-clean.json")])
        #expect(try world.inventory.inventoryGeneration() == before)
        try world.inventory.removeDomain(try name("example.com"), force: true, actor: "t", now: ReportsWorld.t0 + 1)
        let counts = try StoredReportCounts.fetch(world.inventory)
        #expect(counts.aggregateReports == 0 && counts.aggregateRows == 0 && counts.tlsPolicies == 0)
    }
}
