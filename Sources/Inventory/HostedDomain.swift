import RecordBuilder

/// A customer domain `D` and its per-domain policy choices (RECORDS.md).
///
/// Optional fields are `nil` when not set, and the rendered record then omits the tag.
public struct HostedDomain: Sendable, Equatable, Codable {
    /// `D`, lowercase A-label form.
    public var name: InventoryName
    /// Current rung of the DMARC ladder.
    public var stage: DMARCStage
    /// When the domain entered ``stage``, Unix seconds.
    public var stageSince: Int64
    /// DMARC `sp` (RFC 7489 §6.3), or `nil`.
    public var subdomainPolicy: DMARCPolicy?
    /// DMARC `np` (RFC 9989), or `nil`.
    public var nonexistentPolicy: DMARCPolicy?
    /// DMARC `adkim`, or `nil` (receivers assume relaxed).
    public var adkim: DMARCAlignment?
    /// DMARC `aspf`, or `nil`.
    public var aspf: DMARCAlignment?
    /// The customer's own aggregate report URI, listed after the operator's (`mailto:` only).
    public var extraRUA: ReportURI?
    /// DMARC `ruf` (`mailto:` only), or `nil`.
    public var ruf: ReportURI?
    /// MTA-STS mode, or `nil` when MTA-STS is not hosted for `D`.
    public var mtaSTSMode: MTASTSMode?
    /// MTA-STS `mx:` patterns in the order given.
    public var mxPatterns: [MXPattern]
    /// MTA-STS `max_age` in seconds (0…31557600), or `nil` for the mode's default.
    public var maxAge: Int?
    /// The customer's own TLS-RPT `rua` URIs (`mailto:` or `https:`), in order, listed after the
    /// operator's (RFC 8460 §3: one record, URIs comma-separated); empty when none.
    public var tlsrptRUAs: [ReportURI]
    /// The qualifier of the hosted SPF record's `all` term (`~` by default; never `+`).
    public var spfAll: SPFQualifier
    /// How the hosted SPF record authorises senders: `flatten` (`ip4:`/`ip6:` terms, the
    /// default) or `macro` (`exists:%{i}._ip.D._spf.H`, answered from the pass set; RECORDS.md
    /// "Macro mode", RFC 7208 §5.7, §7.3).
    public var spfMode: SPFMode
    /// When the domain was added, Unix seconds.
    public var createdAt: Int64

    /// Creates a domain value; policy fields default to unset.
    public init(name: InventoryName, stage: DMARCStage = .monitor, stageSince: Int64, subdomainPolicy: DMARCPolicy? = nil,
                nonexistentPolicy: DMARCPolicy? = nil, adkim: DMARCAlignment? = nil, aspf: DMARCAlignment? = nil,
                extraRUA: ReportURI? = nil, ruf: ReportURI? = nil, mtaSTSMode: MTASTSMode? = nil,
                mxPatterns: [MXPattern] = [], maxAge: Int? = nil, tlsrptRUAs: [ReportURI] = [],
                spfAll: SPFQualifier = .softfail, spfMode: SPFMode = .flatten, createdAt: Int64) {
        self.name = name
        self.stage = stage
        self.stageSince = stageSince
        self.subdomainPolicy = subdomainPolicy
        self.nonexistentPolicy = nonexistentPolicy
        self.adkim = adkim
        self.aspf = aspf
        self.extraRUA = extraRUA
        self.ruf = ruf
        self.mtaSTSMode = mtaSTSMode
        self.mxPatterns = mxPatterns
        self.maxAge = maxAge
        self.tlsrptRUAs = tlsrptRUAs
        self.spfAll = spfAll
        self.spfMode = spfMode
        self.createdAt = createdAt
    }

    /// The `max_age` to publish: ``maxAge`` or the mode's default (RECORDS.md "MTA-STS").
    public var effectiveMaxAge: Int? {
        guard let mode = mtaSTSMode else { return nil }
        return maxAge ?? mode.defaultMaxAge
    }

    enum CodingKeys: String, CodingKey {
        case name, stage, stageSince = "stage_since", subdomainPolicy = "sp", nonexistentPolicy = "np"
        case adkim, aspf, extraRUA = "rua", ruf, mtaSTSMode = "mta_sts_mode", mxPatterns = "mx"
        case maxAge = "max_age", tlsrptRUAs = "tlsrpt_rua", spfAll = "spf_all", spfMode = "spf_mode"
        case createdAt = "created_at"
    }
}
