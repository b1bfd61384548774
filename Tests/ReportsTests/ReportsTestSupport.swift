import Foundation
import Inventory
import RecordBuilder
@testable import Reports

/// The fixtures folder (Tests/ReportsTests/Fixtures).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixture(_ name: String) throws -> Data { try Data(contentsOf: fixtures.appendingPathComponent(name)) }
func fixturePath(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

func name(_ text: String) throws -> InventoryName { try InventoryName(parsing: text, argument: "DOMAIN") }

/// The error `body` throws, as a ``ReportsError``, or `nil`.
func reportsError(_ body: () throws -> Void) -> ReportsError? {
    do {
        try body()
        return nil
    } catch let error as ReportsError {
        return error
    } catch {
        return .unusableFile(path: "?", reason: "unexpected \(error)")
    }
}

/// A fresh inventory in a temporary directory with `example.com` approving Google Workspace and
/// SendGrid, and a published build whose pass sets are:
/// google-workspace 192.0.2.0/25, sendgrid 198.51.100.16/28, own 2001:db8:1::/48.
final class ReportsWorld {
    /// 2026-01-01T00:00:00Z.
    static let t0: Int64 = 1_767_225_600
    static let day: Int64 = 86_400

    let directory: URL
    let inventory: Inventory

    init(domain: String = "example.com", mtaSTS: MTASTSMode? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        inventory = try Inventory(path: directory.appendingPathComponent("herald.sqlite").path)
        try inventory.initialize(
            InventorySettings(
                hostedZone: try InventoryName(parsing: "hosted.example.net", argument: "--zone"),
                reportZone: try InventoryName(parsing: "reports.example.net", argument: "--report-zone"),
                nameServers: [try InventoryName(parsing: "ns1.example.net", argument: "--ns")],
                policyAddresses: [InventoryAddress("192.0.2.80")!]),
            actor: "test", now: Self.t0)
        let d = try name(domain)
        try inventory.addDomain(d, senders: [try SenderSlug(parsing: "google-workspace", argument: "SLUG"),
                                             try SenderSlug(parsing: "sendgrid", argument: "SLUG")],
                                actor: "test", now: Self.t0)
        try inventory.savePublished(
            domain: d, records: [PublishedRecord(owner: "\(domain)._spf.hosted.example.net", strings: ["v=spf1 ~all"])],
            policy: nil,
            passSets: ["google-workspace": ["192.0.2.0/25"], "sendgrid": ["198.51.100.16/28"], "own": ["2001:db8:1::/48"]],
            builtAt: Self.t0)
        if let mtaSTS {
            try inventory.setMTASTS(d, mode: mtaSTS, mxPatterns: [try MXPattern(parsing: "mail.example.com", argument: "--mx")],
                                    actor: "test", now: Self.t0)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `data` to a file under the world's directory and returns its path.
    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> String {
        let url = directory.appendingPathComponent("in").appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url.path
    }

    func ingest(_ paths: [String], now: Int64 = t0 + 2 * day, limits: IngestLimits = IngestLimits()) throws -> IngestTotals {
        try ReportIngester(inventory: inventory, limits: limits).ingest(paths: paths, now: now)
    }
}

/// One row of a generated aggregate report.
struct Row {
    var ip: String
    var count: Int
    var dkim: Bool
    var spf: Bool
    var dkimDomain: String? = nil
}

/// A generated RFC 7489 aggregate report (the Google shape) for tests.
func aggregateXML(org: String = "google.com", id: String, begin: Int64, end: Int64, domain: String = "example.com",
                  rows: [Row]) -> Data {
    var xml = """
        <?xml version="1.0" encoding="UTF-8" ?>
        <feedback>
          <report_metadata><org_name>\(org)</org_name><email>noreply-dmarc-support@example.net</email>
            <report_id>\(id)</report_id><date_range><begin>\(begin)</begin><end>\(end)</end></date_range></report_metadata>
          <policy_published><domain>\(domain)</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><pct>100</pct></policy_published>

        """
    for row in rows {
        xml += """
              <record><row><source_ip>\(row.ip)</source_ip><count>\(row.count)</count><policy_evaluated>
                <disposition>none</disposition><dkim>\(row.dkim ? "pass" : "fail")</dkim><spf>\(row.spf ? "pass" : "fail")</spf>
              </policy_evaluated></row><identifiers><header_from>\(domain)</header_from></identifiers>
              <auth_results>\(row.dkimDomain.map { "<dkim><domain>\($0)</domain><result>pass</result></dkim>" } ?? "")</auth_results></record>

            """
    }
    xml += "</feedback>\n"
    return Data(xml.utf8)
}
