/// An SMTP TLS report (RFC 8460 §4), reduced to what MTA-STS readiness needs.
public struct TLSReport: Sendable, Equatable {
    /// `organization-name`.
    public var orgName: String
    /// `report-id`.
    public var reportID: String
    /// `contact-info`, if given.
    public var contact: String?
    /// `date-range/start-datetime`, Unix seconds.
    public var begin: Int64
    /// `date-range/end-datetime`, Unix seconds.
    public var end: Int64
    /// One entry per `policies[]` element.
    public var policies: [Policy]

    /// One policy's results (RFC 8460 §4.3, §4.4).
    public struct Policy: Sendable, Equatable {
        /// `policy-type`: `sts`, `tlsa` or `no-policy-found` (RFC 8460 §4.3).
        public enum Kind: String, Sendable, Codable {
            case sts, tlsa
            case noPolicyFound = "no-policy-found"
        }
        /// The policy type.
        public var kind: Kind
        /// `policy-domain`, lowercase.
        public var domain: String
        /// `summary/total-successful-session-count`.
        public var successCount: Int64
        /// `summary/total-failure-session-count`.
        public var failureCount: Int64
        /// `failure-details[]`.
        public var failures: [Failure]

        /// Creates a policy value.
        public init(kind: Kind, domain: String, successCount: Int64, failureCount: Int64, failures: [Failure]) {
            self.kind = kind
            self.domain = domain
            self.successCount = successCount
            self.failureCount = failureCount
            self.failures = failures
        }
    }

    /// One `failure-details` element (RFC 8460 §4.3, result types §4.3.2).
    public struct Failure: Sendable, Equatable {
        /// `result-type`, lowercase (e.g. `certificate-expired`, `sts-policy-fetch-error`).
        public var resultType: String
        /// `failed-session-count`.
        public var count: Int64
        /// `sending-mta-ip`, if given.
        public var sendingMTA: String?
        /// `receiving-mx-hostname`, if given.
        public var receivingMX: String?

        /// Creates a failure value.
        public init(resultType: String, count: Int64, sendingMTA: String? = nil, receivingMX: String? = nil) {
            self.resultType = resultType
            self.count = count
            self.sendingMTA = sendingMTA
            self.receivingMX = receivingMX
        }

        /// How the result type bears on MTA-STS `enforce` (RFC 8460 §4.3.2).
        public var kind: TLSFailureKind { TLSFailureKind(resultType: resultType) }
    }

    /// Creates a report value.
    public init(orgName: String, reportID: String, contact: String?, begin: Int64, end: Int64, policies: [Policy]) {
        self.orgName = orgName
        self.reportID = reportID
        self.contact = contact
        self.begin = begin
        self.end = end
        self.policies = policies
    }
}

/// The groups of RFC 8460 §4.3.2 result types that matter for moving MTA-STS to `enforce`.
public enum TLSFailureKind: String, Sendable, Codable {
    /// `sts-policy-fetch-error`, `sts-policy-invalid`, `sts-webpki-invalid`: the policy itself.
    case policy
    /// `certificate-host-mismatch`, `certificate-expired`, `certificate-not-trusted`,
    /// `validation-failure`: the MX's certificate.
    case certificate
    /// `starttls-not-supported`: the MX offers no TLS at all.
    case starttls
    /// DANE/DNSSEC results and unknown types: reported, not blocking for MTA-STS.
    case other

    /// Classifies a lowercase result type.
    public init(resultType: String) {
        switch resultType {
        case "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid": self = .policy
        case "certificate-host-mismatch", "certificate-expired", "certificate-not-trusted", "validation-failure":
            self = .certificate
        case "starttls-not-supported": self = .starttls
        default: self = .other
        }
    }
}
