import Foundation
import GRDB
import Inventory

/// Writes parsed reports to the inventory's report tables (migration `0006-reports`).
///
/// A file is stored in one savepoint: every report in it, or (on any database error) none.
/// Reports are unique by (organisation, report id): a second copy is counted as a duplicate and
/// not written. A report is attributed to the inventory domain equal to its policy domain or
/// the nearest parent of it; reports about other domains are counted and skipped.
struct ReportStore {
    /// Inventory domain name → row id, read once per run.
    let domainIDs: [String: Int64]

    /// Reads the domain ids.
    init(_ db: Database) throws {
        var ids: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, id FROM domains") { ids[row["name"]] = row["id"] }
        domainIDs = ids
    }

    /// The domain id for `name` or its nearest parent in the inventory.
    func domainID(for name: String) -> Int64? {
        var candidate = Substring(name)
        while true {
            if let id = domainIDs[String(candidate)] { return id }
            guard let dot = candidate.firstIndex(of: ".") else { return nil }
            candidate = candidate[candidate.index(after: dot)...]
        }
    }

    /// Stores the reports of one file inside a savepoint of the caller's transaction, adding to `totals`.
    ///
    /// - Throws: a GRDB error when a row is refused; the savepoint is rolled back then.
    func store(_ reports: [ExtractedReport], source: String, now: Int64, db: Database, totals: inout IngestTotals) throws {
        var delta = IngestTotals()
        try db.inSavepoint {
            for report in reports {
                switch report {
                case .aggregate(let r): try storeAggregate(r, source: source, now: now, db: db, totals: &delta)
                case .tls(let r): try storeTLS(r, source: source, now: now, db: db, totals: &delta)
                }
            }
            return .commit
        }
        totals.aggregateStored += delta.aggregateStored
        totals.tlsStored += delta.tlsStored
        totals.duplicates += delta.duplicates
        totals.unknownDomain += delta.unknownDomain
        totals.rows += delta.rows
        totals.messages += delta.messages
        totals.tlsSessions += delta.tlsSessions
    }

    private func storeAggregate(_ r: AggregateReport, source: String, now: Int64, db: Database, totals: inout IngestTotals) throws {
        guard let domainID = domainID(for: r.policyDomain) else {
            totals.unknownDomain += 1
            return
        }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO dmarc_reports (domain_id, org_name, report_id, email, begin_time, end_time, policy_domain,
                policy_p, policy_testing, schema, source, ingested_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (org_name, report_id) DO NOTHING
            """)
        try insert.execute(arguments: [
            domainID, r.orgName, r.reportID, r.email, r.begin, r.end, r.policyDomain, r.policy?.rawValue,
            r.testing.map { $0 ? 1 : 0 }, r.schema.rawValue, source, now,
        ])
        guard db.changesCount == 1 else {
            totals.duplicates += 1
            return
        }
        let id = db.lastInsertedRowID
        let row = try db.cachedStatement(sql: """
            INSERT INTO dmarc_report_records (report_id, position, source_ip, count, disposition, dkim_aligned,
                spf_aligned, header_from, envelope_from, dkim_domains)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (position, record) in r.records.enumerated() {
            try row.execute(arguments: [
                id, position, record.sourceIP.description, record.count, record.disposition.rawValue,
                record.dkimAligned ? 1 : 0, record.spfAligned ? 1 : 0, record.headerFrom, record.envelopeFrom,
                Self.jsonArray(record.dkimDomains),
            ])
        }
        totals.aggregateStored += 1
        totals.rows += r.records.count
        totals.messages += r.messageCount
    }

    private func storeTLS(_ r: TLSReport, source: String, now: Int64, db: Database, totals: inout IngestTotals) throws {
        let known = r.policies.enumerated().compactMap { index, policy in
            domainID(for: policy.domain).map { (index, policy, $0) }
        }
        totals.unknownDomain += r.policies.count - known.count
        guard !known.isEmpty else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO tls_reports (org_name, report_id, contact, begin_time, end_time, source, ingested_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (org_name, report_id) DO NOTHING
            """)
        try insert.execute(arguments: [r.orgName, r.reportID, r.contact, r.begin, r.end, source, now])
        guard db.changesCount == 1 else {
            totals.duplicates += 1
            return
        }
        let id = db.lastInsertedRowID
        let policyRow = try db.cachedStatement(sql: """
            INSERT INTO tls_report_policies (report_id, position, domain_id, policy_type, success_count, failure_count)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        let failureRow = try db.cachedStatement(sql: """
            INSERT INTO tls_report_failures (report_id, policy_position, position, result_type, count, sending_mta_ip,
                receiving_mx_hostname)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (index, policy, domainID) in known {
            try policyRow.execute(arguments: [id, index, domainID, policy.kind.rawValue, policy.successCount, policy.failureCount])
            for (k, failure) in policy.failures.enumerated() {
                try failureRow.execute(arguments: [id, index, k, failure.resultType, failure.count, failure.sendingMTA,
                                                   failure.receivingMX])
            }
            totals.tlsSessions += policy.successCount + policy.failureCount
        }
        totals.tlsStored += 1
    }

    /// A JSON array of strings.
    static func jsonArray(_ values: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: values)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
