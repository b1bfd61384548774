import RecordBuilder

/// A DMARC aggregate report (RFC 7489 Appendix C; RFC 9990 §3, namespace
/// `urn:ietf:params:xml:ns:dmarc-2.0`), reduced to what readiness needs.
public struct AggregateReport: Sendable, Equatable {
    /// Which schema the report follows.
    public enum Schema: String, Sendable, Codable {
        /// RFC 7489 Appendix C (no namespace, `version` 1.0 or none).
        case rfc7489
        /// RFC 9990 (the `dmarc-2.0` namespace, or RFC 9990-only fields such as `np`, `testing`,
        /// `discovery_method`).
        case rfc9990
    }

    /// The reporting organisation (`report_metadata/org_name`), trimmed.
    public var orgName: String
    /// The report id, unique per organisation (`report_metadata/report_id`), trimmed.
    public var reportID: String
    /// The organisation's contact address (`report_metadata/email`), if given.
    public var email: String?
    /// Start of the reporting period, Unix seconds (`date_range/begin`).
    public var begin: Int64
    /// End of the reporting period, Unix seconds (`date_range/end`).
    public var end: Int64
    /// The domain the published policy was found at (`policy_published/domain`), lowercase.
    public var policyDomain: String
    /// The published `p` the receiver saw, if given.
    public var policy: DMARCPolicy?
    /// `true` when the receiver saw `t=y` (RFC 9990 `testing` = `y`), `nil` when not reported.
    public var testing: Bool?
    /// The schema.
    public var schema: Schema
    /// The rows (`<record>` elements).
    public var records: [AggregateRecord]

    /// Creates a report value.
    public init(orgName: String, reportID: String, email: String?, begin: Int64, end: Int64, policyDomain: String,
                policy: DMARCPolicy?, testing: Bool?, schema: Schema, records: [AggregateRecord]) {
        self.orgName = orgName
        self.reportID = reportID
        self.email = email
        self.begin = begin
        self.end = end
        self.policyDomain = policyDomain
        self.policy = policy
        self.testing = testing
        self.schema = schema
        self.records = records
    }

    /// Messages covered: the sum of the rows' counts.
    public var messageCount: Int64 { records.reduce(0) { $0 + $1.count } }
}

/// One `<record>` of an aggregate report: a source address, a message count and the DMARC
/// evaluation (RFC 7489 Appendix C `RowType`, `PolicyEvaluatedType`).
public struct AggregateRecord: Sendable, Equatable {
    /// What the receiver did (`policy_evaluated/disposition`; RFC 9990 adds `pass`).
    public enum Disposition: String, Sendable, Codable, CaseIterable {
        case none, pass, quarantine, reject
    }

    /// The sending address (`row/source_ip`).
    public var sourceIP: AnyIPAddress
    /// Messages from it with these results (`row/count`).
    public var count: Int64
    /// The disposition applied.
    public var disposition: Disposition
    /// DKIM passed *and* aligned with the From domain (`policy_evaluated/dkim` = `pass`).
    public var dkimAligned: Bool
    /// SPF passed *and* aligned (`policy_evaluated/spf` = `pass`).
    public var spfAligned: Bool
    /// The RFC 5322 From domain (`identifiers/header_from`), lowercase.
    public var headerFrom: String
    /// The envelope sender domain (`identifiers/envelope_from`), if reported.
    public var envelopeFrom: String?
    /// Domains of DKIM signatures that verified (`auth_results/dkim[result=pass]/domain`), lowercase.
    public var dkimDomains: [String]

    /// Creates a row value.
    public init(sourceIP: AnyIPAddress, count: Int64, disposition: Disposition, dkimAligned: Bool, spfAligned: Bool,
                headerFrom: String, envelopeFrom: String? = nil, dkimDomains: [String] = []) {
        self.sourceIP = sourceIP
        self.count = count
        self.disposition = disposition
        self.dkimAligned = dkimAligned
        self.spfAligned = spfAligned
        self.headerFrom = headerFrom
        self.envelopeFrom = envelopeFrom
        self.dkimDomains = dkimDomains
    }

    /// DMARC passes when DKIM or SPF passes aligned (RFC 7489 §4.2).
    public var dmarcPass: Bool { dkimAligned || spfAligned }
}
