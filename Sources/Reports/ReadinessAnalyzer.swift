import Foundation
import GRDB
import Inventory
import RecordBuilder

/// Computes ``DomainReadiness`` from the stored reports, the domain's stage and the pass sets of
/// its last good build.
///
/// Each report row's source address is attributed to the approved sender whose SPF pass set
/// holds it (``SenderAttribution``), else to "unknown source". The window is the reports whose
/// period ends within the last ``GateThresholds/windowDays`` days.
public struct ReadinessAnalyzer: Sendable {
    /// The inventory read.
    public let inventory: Inventory

    /// Creates an analyzer.
    public init(inventory: Inventory) { self.inventory = inventory }

    /// The readiness of `domain` at `now`.
    ///
    /// - Parameter windowDays: overrides the configured window (1…366), or `nil`.
    /// - Throws: ``ReportsError/unknownDomain(_:)``; ``ReportsError/invalidSetting(argument:value:reason:)``
    ///   for a window outside 1…366.
    public func readiness(_ domain: InventoryName, now: Int64, windowDays: Int? = nil) throws -> DomainReadiness {
        if let windowDays, !(1...366).contains(windowDays) {
            throw ReportsError.invalidSetting(argument: "--window", value: String(windowDays), reason: "expected 1 to 366 days")
        }
        return try ReportSettingsStore.mapErrors {
            try inventory.pool.read { db in
                let id = try ReportSettingsStore.requireDomainID(db, domain)
                return try Self.evaluate(db, domainID: id, now: now, windowDays: windowDays)
            }
        }
    }

    /// The evidence gate for ``Inventory/advance(_:force:reason:actor:now:gate:)``: `nil` when no
    /// report covers the window, else whether approved senders pass DMARC at the thresholds.
    public static let stageGate: StageGate = { db, domainID, _, _, _, now in
        let readiness = try evaluate(db, domainID: domainID, now: now, windowDays: nil)
        guard readiness.gate.applies else { return nil }
        return StageGateVerdict(allowed: readiness.gate.holds, summary: readiness.gate.summary)
    }

    /// The autopilot's rollback looks at reports ending in the last 2 days (and after the
    /// current stage began): fresh enough to react the day after a sender breaks, and never
    /// diluted by weeks of good history.
    public static let rollbackWindow: Int64 = 2 * 86_400

    /// Per-address sums from the stored rows.
    struct SourceRow {
        var address: String
        var messages: Int64
        var spf: Int64
        var dkim: Int64
        var pass: Int64
    }

    /// The readiness of domain `domainID` inside a transaction.
    static func evaluate(_ db: Database, domainID: Int64, now: Int64, windowDays: Int?) throws -> DomainReadiness {
        guard let domainRow = try Row.fetchOne(
            db, sql: "SELECT name, dmarc_stage, stage_since, mta_sts_mode FROM domains WHERE id = ?", arguments: [domainID])
        else { throw ReportsError.unknownDomain("#\(domainID)") }
        let name: String = domainRow["name"]
        let stageText: String = domainRow["dmarc_stage"]
        let stage = DMARCStage(rawValue: stageText) ?? .monitor
        let stageSince: Int64 = domainRow["stage_since"]
        let mode = (domainRow["mta_sts_mode"] as String?).flatMap(MTASTSMode.init(rawValue:))
        var thresholds = try GateThresholds.fetch(db, domainID: domainID)
        if let windowDays { thresholds.windowDays = windowDays }
        let windowStart = now - thresholds.windowSeconds

        // Senders and their pass sets.
        var names: [String: String] = [SenderAttribution.ownKey: "own ranges"]
        var approved: [String] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT s.slug, s.display_name FROM approvals a JOIN senders s ON s.id = a.sender_id
            WHERE a.domain_id = ? ORDER BY s.slug
            """, arguments: [domainID]) {
            names[row["slug"]] = row["display_name"]
            approved.append(row["slug"])
        }
        var passSets: [String: [String]] = [:]
        if let text = try String.fetchOne(db, sql: "SELECT pass_sets FROM published_state WHERE domain_id = ?", arguments: [domainID]),
           let decoded = try? JSONDecoder().decode([String: [String]].self, from: Data(text.utf8)) {
            passSets = decoded
        }
        if try Int.fetchOne(db, sql: "SELECT count(*) FROM ranges WHERE domain_id = ?", arguments: [domainID]) ?? 0 > 0,
           passSets[SenderAttribution.ownKey] == nil {
            passSets[SenderAttribution.ownKey] = try String.fetchAll(db, sql: "SELECT cidr FROM ranges WHERE domain_id = ?",
                                                                     arguments: [domainID])
        }
        let attribution = SenderAttribution(passSets: passSets)

        // Window totals.
        let counts = try Row.fetchOne(db, sql: """
            SELECT count(*) AS reports, count(DISTINCT org_name) AS orgs FROM dmarc_reports
            WHERE domain_id = ? AND end_time > ? AND begin_time <= ?
            """, arguments: [domainID, windowStart, now])
        let reportCount: Int = counts?["reports"] ?? 0
        let organisations: Int = counts?["orgs"] ?? 0

        let window = try sources(db, domainID: domainID, since: windowStart, now: now)
        var bySender: [String: SenderEvidence] = [:]
        for key in [SenderAttribution.ownKey] + approved where key != SenderAttribution.ownKey || passSets[key] != nil {
            bySender[key] = SenderEvidence(sender: key, displayName: names[key] ?? key, approved: true)
        }
        var unknown = SenderEvidence(sender: "unknown", displayName: "unknown sources", approved: false)
        var unknownSources: [UnknownSource] = []
        var total: Int64 = 0
        for source in window {
            total += source.messages
            let key = (try? AnyIPAddress.parse(source.address)).flatMap(attribution.sender(of:))
            if let key {
                var evidence = bySender[key] ?? SenderEvidence(sender: key, displayName: names[key] ?? key,
                                                               approved: key == SenderAttribution.ownKey || approved.contains(key))
                add(source, to: &evidence)
                bySender[key] = evidence
            } else {
                add(source, to: &unknown)
                unknownSources.append(UnknownSource(address: source.address, messages: source.messages, dmarcPass: source.pass))
            }
        }
        unknownSources.sort { ($0.messages, $1.address) > ($1.messages, $0.address) }
        let senders = bySender.values.sorted { ($0.messages, $1.sender) > ($1.messages, $0.sender) }
        let gate = evaluation(senders, applies: reportCount > 0, thresholds: thresholds)

        let stageWindowStart = max(now - Self.rollbackWindow, stageSince)
        let sinceSources = try sources(db, domainID: domainID, since: stageWindowStart, now: now)
        var sinceApproved = SenderEvidence(sender: "approved", displayName: "approved", approved: true)
        var sinceBySender: [String: SenderEvidence] = [:]
        for source in sinceSources {
            if let key = (try? AnyIPAddress.parse(source.address)).flatMap(attribution.sender(of:)),
               key == SenderAttribution.ownKey || approved.contains(key) {
                add(source, to: &sinceApproved)
                add(source, to: &sinceBySender[key, default: SenderEvidence(sender: key, displayName: names[key] ?? key, approved: true)])
            }
        }
        let sinceStage = GateEvaluation(applies: !sinceSources.isEmpty, approvedMessages: sinceApproved.messages,
                                        approvedPassing: sinceApproved.dmarcPass, threshold: thresholds.rollbackPassRate,
                                        minMessages: thresholds.minMessages, windowDays: thresholds.windowDays)

        let tls = try tlsReadiness(db, domainID: domainID, mode: mode, since: windowStart, now: now, windowDays: thresholds.windowDays)
        let next = stage.next
        let dwellRemaining = next == nil ? 0 : max(0, stage.minimumDwell - (now - stageSince))
        var readiness = DomainReadiness(
            domain: name, stage: stage, stageSince: stageSince, nextStage: next, dwellRemaining: dwellRemaining, now: now,
            thresholds: thresholds, reports: reportCount, organisations: organisations, messages: total,
            senders: senders, unknown: unknown, unknownSources: Array(unknownSources.prefix(10)), gate: gate,
            sinceStage: sinceStage,
            sinceStageSenders: sinceBySender.values.sorted { ($0.messages, $1.sender) > ($1.messages, $0.sender) },
            findings: [], tls: tls)
        readiness.findings = ReadinessFindings.findings(for: readiness,
                                                        dkimDomains: try dkimDomains(db, domainID: domainID, since: windowStart,
                                                                                     now: now, attribution: attribution))
        return readiness
    }

    static func add(_ source: SourceRow, to evidence: inout SenderEvidence) {
        evidence.messages += source.messages
        evidence.spfAligned += source.spf
        evidence.dkimAligned += source.dkim
        evidence.dmarcPass += source.pass
        evidence.sources += 1
    }

    static func evaluation(_ senders: [SenderEvidence], applies: Bool, thresholds: GateThresholds) -> GateEvaluation {
        let approved = senders.filter(\.approved)
        return GateEvaluation(applies: applies, approvedMessages: approved.reduce(0) { $0 + $1.messages },
                              approvedPassing: approved.reduce(0) { $0 + $1.dmarcPass }, threshold: thresholds.passRate,
                              minMessages: thresholds.minMessages, windowDays: thresholds.windowDays)
    }

    /// Per-address sums of the rows of reports ending after `since`.
    static func sources(_ db: Database, domainID: Int64, since: Int64, now: Int64) throws -> [SourceRow] {
        try Row.fetchAll(db, sql: """
            SELECT r.source_ip AS address, sum(r.count) AS messages, sum(r.count * r.spf_aligned) AS spf,
                sum(r.count * r.dkim_aligned) AS dkim,
                sum(CASE WHEN r.spf_aligned = 1 OR r.dkim_aligned = 1 THEN r.count ELSE 0 END) AS pass
            FROM dmarc_report_records r JOIN dmarc_reports p ON p.id = r.report_id
            WHERE p.domain_id = ? AND p.end_time > ? AND p.begin_time <= ?
            GROUP BY r.source_ip
            """, arguments: [domainID, since, now]).map {
            SourceRow(address: $0["address"], messages: $0["messages"], spf: $0["spf"], dkim: $0["dkim"], pass: $0["pass"])
        }
    }

    /// Per sender key: DKIM signing domains that verified, with message counts (to say "signed as sendgrid.net").
    static func dkimDomains(_ db: Database, domainID: Int64, since: Int64, now: Int64,
                            attribution: SenderAttribution) throws -> [String: [String: Int64]] {
        var result: [String: [String: Int64]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT r.source_ip AS address, j.value AS domain, sum(r.count) AS messages
            FROM dmarc_report_records r JOIN dmarc_reports p ON p.id = r.report_id, json_each(r.dkim_domains) j
            WHERE p.domain_id = ? AND p.end_time > ? AND p.begin_time <= ? AND r.dkim_aligned = 0
            GROUP BY r.source_ip, j.value
            """, arguments: [domainID, since, now]) {
            let address: String = row["address"]
            let key = (try? AnyIPAddress.parse(address)).flatMap(attribution.sender(of:)) ?? "unknown"
            result[key, default: [:]][row["domain"], default: 0] += row["messages"]
        }
        return result
    }

    /// TLS report numbers for the domain over the window.
    static func tlsReadiness(_ db: Database, domainID: Int64, mode: MTASTSMode?, since: Int64, now: Int64,
                             windowDays: Int) throws -> TLSReadiness {
        let totals = try Row.fetchOne(db, sql: """
            SELECT count(DISTINCT t.id) AS reports, coalesce(sum(p.success_count), 0) AS ok,
                coalesce(sum(p.failure_count), 0) AS failed
            FROM tls_report_policies p JOIN tls_reports t ON t.id = p.report_id
            WHERE p.domain_id = ? AND t.end_time > ? AND t.begin_time <= ?
            """, arguments: [domainID, since, now])
        var byType: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT f.result_type AS type, sum(f.count) AS n
            FROM tls_report_failures f
            JOIN tls_report_policies p ON p.report_id = f.report_id AND p.position = f.policy_position
            JOIN tls_reports t ON t.id = f.report_id
            WHERE p.domain_id = ? AND t.end_time > ? AND t.begin_time <= ?
            GROUP BY f.result_type
            """, arguments: [domainID, since, now]) {
            byType[row["type"]] = row["n"]
        }
        return TLSReadiness(mode: mode, reports: totals?["reports"] ?? 0, successes: totals?["ok"] ?? 0,
                            failures: totals?["failed"] ?? 0, failuresByType: byType, windowDays: windowDays)
    }
}
