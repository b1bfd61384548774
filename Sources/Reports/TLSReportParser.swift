import Foundation

/// Parses TLS-RPT JSON (RFC 8460 §4.4) leniently: unknown fields ignored, `contact-info` and
/// `failure-details` optional, date-times with or without fractional seconds. Required:
/// `organization-name`, `report-id`, `date-range` with both ends, and in each policy
/// `policy/policy-type`, `policy/policy-domain` and both summary counts.
public enum TLSReportParser {
    /// Parses `data`.
    ///
    /// - Throws: ``ReportsError/malformedJSON(what:detail:)``, ``ReportsError/missingField(what:field:)``,
    ///   ``ReportsError/invalidField(what:field:value:reason:)``.
    public static func parse(_ data: Data, what: String) throws -> TLSReport {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw ReportsError.malformedJSON(what: what, detail: "does not parse")
        }
        guard let root = object as? [String: Any] else {
            throw ReportsError.malformedJSON(what: what, detail: "top level is not an object")
        }
        func string(_ dict: [String: Any]?, _ key: String, _ path: String) throws -> String {
            guard let value = dict?[key] as? String,
                  case let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty
            else { throw ReportsError.missingField(what: what, field: path) }
            return trimmed
        }
        func count(_ dict: [String: Any]?, _ key: String, _ path: String) throws -> Int64 {
            guard let raw = dict?[key] else { throw ReportsError.missingField(what: what, field: path) }
            guard let number = raw as? NSNumber, let value = Int64(exactly: number.doubleValue), value >= 0
            else { throw ReportsError.invalidField(what: what, field: path, value: "\(raw)", reason: "expected a session count") }
            return value
        }
        let orgName = try string(root, "organization-name", "organization-name")
        let reportID = try string(root, "report-id", "report-id")
        for (field, value) in [("organization-name", orgName), ("report-id", reportID)] where value.count > 1024 {
            throw ReportsError.invalidField(what: what, field: field, value: value, reason: "longer than 1024 characters")
        }
        let range = root["date-range"] as? [String: Any]
        func date(_ key: String) throws -> Int64 {
            let text = try string(range, key, "date-range/\(key)")
            guard let value = parseDate(text) else {
                throw ReportsError.invalidField(what: what, field: "date-range/\(key)", value: text, reason: "expected an RFC 3339 date-time")
            }
            return value
        }
        let begin = try date("start-datetime"), end = try date("end-datetime")
        guard end >= begin else {
            throw ReportsError.invalidField(what: what, field: "date-range/end-datetime", value: String(end), reason: "ends before it begins")
        }
        guard let policies = root["policies"] as? [[String: Any]] else { throw ReportsError.missingField(what: what, field: "policies") }
        var parsed: [TLSReport.Policy] = []
        for (index, entry) in policies.enumerated() {
            let p = "policies[\(index + 1)]"
            let policy = entry["policy"] as? [String: Any]
            let typeText = try string(policy, "policy-type", "\(p)/policy/policy-type").lowercased()
            guard let kind = TLSReport.Policy.Kind(rawValue: typeText) else {
                throw ReportsError.invalidField(what: what, field: "\(p)/policy/policy-type", value: typeText,
                                                reason: "expected sts, tlsa or no-policy-found")
            }
            let domain = try AggregateReportParser.normalizedDomain(
                try string(policy, "policy-domain", "\(p)/policy/policy-domain"), field: "\(p)/policy/policy-domain", what: what)
            let summary = entry["summary"] as? [String: Any]
            let success = try count(summary, "total-successful-session-count", "\(p)/summary/total-successful-session-count")
            let failure = try count(summary, "total-failure-session-count", "\(p)/summary/total-failure-session-count")
            var failures: [TLSReport.Failure] = []
            for (k, detail) in ((entry["failure-details"] as? [[String: Any]]) ?? []).enumerated() {
                let f = "\(p)/failure-details[\(k + 1)]"
                let type = try string(detail, "result-type", "\(f)/result-type").lowercased()
                guard type.utf8.count <= 64, type.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                    throw ReportsError.invalidField(what: what, field: "\(f)/result-type", value: type, reason: "not a result type")
                }
                failures.append(TLSReport.Failure(
                    resultType: type, count: try count(detail, "failed-session-count", "\(f)/failed-session-count"),
                    sendingMTA: detail["sending-mta-ip"] as? String, receivingMX: detail["receiving-mx-hostname"] as? String))
            }
            parsed.append(TLSReport.Policy(kind: kind, domain: domain, successCount: success, failureCount: failure, failures: failures))
        }
        return TLSReport(orgName: orgName, reportID: reportID, contact: root["contact-info"] as? String,
                         begin: begin, end: end, policies: parsed)
    }

    /// Unix seconds of an RFC 3339 date-time (`2026-11-01T00:00:00Z`, with optional fraction or offset).
    static func parseDate(_ text: String) -> Int64? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return Int64(date.timeIntervalSince1970) }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = fractional.date(from: text) { return Int64(date.timeIntervalSince1970) }
        return nil
    }
}
