import GRDB
import Inventory

/// How many reports the inventory holds (for `herald reports` summaries and tests).
public struct StoredReportCounts: Sendable, Equatable, Codable {
    /// Aggregate reports.
    public var aggregateReports: Int
    /// Aggregate report rows.
    public var aggregateRows: Int
    /// Messages in all aggregate rows.
    public var messages: Int64
    /// TLS reports.
    public var tlsReports: Int
    /// TLS report policies (one per domain and report).
    public var tlsPolicies: Int

    /// Reads the counts.
    public static func fetch(_ inventory: Inventory) throws -> StoredReportCounts {
        try ReportSettingsStore.mapErrors {
            try inventory.pool.read { db in
                StoredReportCounts(
                    aggregateReports: try Int.fetchOne(db, sql: "SELECT count(*) FROM dmarc_reports") ?? 0,
                    aggregateRows: try Int.fetchOne(db, sql: "SELECT count(*) FROM dmarc_report_records") ?? 0,
                    messages: try Int64.fetchOne(db, sql: "SELECT coalesce(sum(count), 0) FROM dmarc_report_records") ?? 0,
                    tlsReports: try Int.fetchOne(db, sql: "SELECT count(*) FROM tls_reports") ?? 0,
                    tlsPolicies: try Int.fetchOne(db, sql: "SELECT count(*) FROM tls_report_policies") ?? 0)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case aggregateReports = "aggregate_reports", aggregateRows = "aggregate_rows", messages
        case tlsReports = "tls_reports", tlsPolicies = "tls_policies"
    }
}
