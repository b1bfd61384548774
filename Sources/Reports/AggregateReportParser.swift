import Foundation
import RecordBuilder

/// Turns aggregate report XML into an ``AggregateReport``: lenient with shape, strict with values.
///
/// Lenient: a namespace or none, any letter case in element names, surrounding whitespace,
/// missing optional fields (`email`, `version`, `policy_published` tags other than `domain`,
/// `identifiers/envelope_from`, `auth_results`). When `policy_evaluated/dkim` or `spf` is
/// missing, the aligned result is derived from `auth_results` (a `pass` for a domain equal to,
/// or a parent or child of, the From domain: relaxed alignment, RFC 7489 §3.1). Strict: the
/// root must be `feedback`; `org_name`, `report_id`, `date_range/begin` and `end`,
/// `policy_published/domain`, and in every record `source_ip` and `count` are required and
/// must be well-formed; a bad value refuses the whole report.
public enum AggregateReportParser {
    /// Parses `data` (report XML).
    ///
    /// - Parameter what: names the input in errors.
    /// - Throws: ``ReportsError`` (`markupDeclaration`, `malformedXML`, `notAReport`,
    ///   `missingField`, `invalidField`).
    public static func parse(_ data: Data, what: String) throws -> AggregateReport {
        let root = try SafeXMLParser.parse(data, what: what)
        return try report(from: root, namespaced: namespaced(data), what: what)
    }

    /// Whether the document declares the RFC 9990 namespace.
    static func namespaced(_ data: Data) -> Bool {
        data.prefix(4096).range(of: Data("urn:ietf:params:xml:ns:dmarc-2.0".utf8)) != nil
    }

    static func report(from root: XMLNode, namespaced: Bool, what: String) throws -> AggregateReport {
        guard root.name == "feedback" else {
            throw ReportsError.notAReport(what: what, detail: "root element is <\(root.name)>, expected <feedback>")
        }
        func required(_ node: XMLNode?, _ path: String, _ shown: String) throws -> String {
            guard let value = node?.value(path) else { throw ReportsError.missingField(what: what, field: shown) }
            return value
        }
        let meta = root.child("report_metadata")
        let orgName = try required(meta, "org_name", "report_metadata/org_name")
        let reportID = try required(meta, "report_id", "report_metadata/report_id")
        for (field, value) in [("report_metadata/org_name", orgName), ("report_metadata/report_id", reportID)]
        where value.count > 1024 {
            throw ReportsError.invalidField(what: what, field: field, value: value, reason: "longer than 1024 characters")
        }
        func time(_ path: String) throws -> Int64 {
            let text = try required(meta, "date_range/\(path)", "report_metadata/date_range/\(path)")
            guard let value = Int64(text), value >= 0 else {
                throw ReportsError.invalidField(what: what, field: "report_metadata/date_range/\(path)", value: text,
                                                reason: "expected Unix seconds")
            }
            return value
        }
        let begin = try time("begin"), end = try time("end")
        guard end >= begin else {
            throw ReportsError.invalidField(what: what, field: "report_metadata/date_range/end", value: String(end),
                                            reason: "ends before it begins (\(begin))")
        }
        let published = root.child("policy_published")
        let policyDomain = try normalizedDomain(try required(published, "domain", "policy_published/domain"),
                                                field: "policy_published/domain", what: what)
        let policy = published?.value("p").flatMap { DMARCPolicy(rawValue: $0.lowercased()) }
        let testing = published?.value("testing").map { $0.lowercased() == "y" }
        let rfc9990 = namespaced || published?.child("np") != nil || published?.child("testing") != nil
            || published?.child("discovery_method") != nil
        var records: [AggregateRecord] = []
        for (index, node) in root.all("record").enumerated() {
            records.append(try record(node, index: index + 1, policyDomain: policyDomain, what: what))
        }
        return AggregateReport(
            orgName: orgName, reportID: reportID, email: meta?.value("email"), begin: begin, end: end,
            policyDomain: policyDomain, policy: policy, testing: testing, schema: rfc9990 ? .rfc9990 : .rfc7489,
            records: records)
    }

    static func record(_ node: XMLNode, index: Int, policyDomain: String, what: String) throws -> AggregateRecord {
        let field = { (path: String) in "record[\(index)]/\(path)" }
        let row = node.child("row")
        guard let ipText = row?.value("source_ip") else { throw ReportsError.missingField(what: what, field: field("row/source_ip")) }
        let address: AnyIPAddress
        do { address = try AnyIPAddress.parse(ipText) } catch {
            throw ReportsError.invalidField(what: what, field: field("row/source_ip"), value: ipText, reason: "not an IP address")
        }
        guard let countText = row?.value("count") else { throw ReportsError.missingField(what: what, field: field("row/count")) }
        guard let count = Int64(countText), count >= 0, count <= 1_000_000_000_000 else {
            throw ReportsError.invalidField(what: what, field: field("row/count"), value: countText,
                                            reason: "expected a message count")
        }
        let evaluated = row?.child("policy_evaluated")
        let dispositionText = evaluated?.value("disposition")?.lowercased() ?? "none"
        guard let disposition = AggregateRecord.Disposition(rawValue: dispositionText) else {
            throw ReportsError.invalidField(what: what, field: field("row/policy_evaluated/disposition"), value: dispositionText,
                                            reason: "expected none, pass, quarantine or reject")
        }
        let identifiers = node.child("identifiers")
        let headerFrom = (identifiers?.value("header_from")).map { $0.lowercased() } ?? policyDomain
        let envelopeFrom = identifiers?.value("envelope_from")?.lowercased()
        let auth = node.child("auth_results")
        var dkimDomains: [String] = []
        for dkim in auth?.all("dkim") ?? [] where dkim.value("result")?.lowercased() == "pass" {
            if let domain = dkim.value("domain")?.lowercased(), !dkimDomains.contains(domain) { dkimDomains.append(domain) }
        }
        let spfPassDomains = (auth?.all("spf") ?? []).filter { $0.value("result")?.lowercased() == "pass" }
            .compactMap { $0.value("domain")?.lowercased() }
        func evaluatedPass(_ tag: String, fallback: [String]) -> Bool {
            if let text = evaluated?.value(tag)?.lowercased() { return text == "pass" }
            return fallback.contains { relaxedAligned($0, headerFrom) }
        }
        return AggregateRecord(
            sourceIP: address, count: count, disposition: disposition,
            dkimAligned: evaluatedPass("dkim", fallback: dkimDomains),
            spfAligned: evaluatedPass("spf", fallback: spfPassDomains),
            headerFrom: headerFrom, envelopeFrom: envelopeFrom, dkimDomains: dkimDomains)
    }

    /// Relaxed alignment approximated without the Public Suffix List: equal, or one a
    /// subdomain of the other (RFC 7489 §3.1.1).
    static func relaxedAligned(_ a: String, _ b: String) -> Bool {
        a == b || a.hasSuffix("." + b) || b.hasSuffix("." + a)
    }

    /// A lowercase domain without a trailing dot.
    static func normalizedDomain(_ text: String, field: String, what: String) throws -> String {
        var name = text.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        guard (1...253).contains(name.utf8.count), !name.contains(" "), !name.hasPrefix("."), !name.contains("..") else {
            throw ReportsError.invalidField(what: what, field: field, value: text, reason: "not a domain name")
        }
        return name
    }
}
