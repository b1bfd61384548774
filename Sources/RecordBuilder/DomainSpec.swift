/// Operator-wide settings the builder needs (RECORDS.md terms `H`, `R`).
public struct OperatorSettings: Hashable, Sendable {
    /// The hosted zone `H`, e.g. `hosted.example.net`.
    public var hostedZone: String
    /// The report zone `R`, e.g. `reports.example.net` (may equal `H`).
    public var reportZone: String
    /// The operator's DMARC aggregate mailbox, e.g. `dmarc@reports.example.net`; always first in `rua`.
    public var dmarcMailbox: String
    /// The operator's TLS-RPT mailbox, e.g. `tlsrpt@reports.example.net`; always first in TLS-RPT `rua`.
    public var tlsrptMailbox: String
    /// Whether `t=y` stages also carry `pct=0` (RFC 7489 §6.6.4 shim; default on).
    public var pctShim: Bool

    /// Creates settings; names are lowercased and lose a trailing dot.
    public init(hostedZone: String, reportZone: String, dmarcMailbox: String, tlsrptMailbox: String, pctShim: Bool = true) {
        self.hostedZone = normalizedDomain(hostedZone)
        self.reportZone = normalizedDomain(reportZone)
        self.dmarcMailbox = dmarcMailbox
        self.tlsrptMailbox = tlsrptMailbox
        self.pctShim = pctShim
    }
}

/// An approved sender of a customer domain.
public struct SenderSpec: Hashable, Sendable {
    /// Short stable identifier (`google-workspace`), used in reports and errors.
    public var slug: String
    /// Display name (`Google Workspace`).
    public var name: String
    /// The sender's published SPF name (`_spf.google.com`); `nil` when it contributes no SPF.
    public var spfEntryPoint: String?

    /// Creates a sender.
    public init(slug: String, name: String, spfEntryPoint: String?) {
        self.slug = slug
        self.name = name
        self.spfEntryPoint = spfEntryPoint
    }
}

/// MTA-STS hosting settings of a domain (RFC 8461 §3.2).
public struct MTASTSSettings: Hashable, Sendable {
    /// The policy mode.
    public var mode: MTASTSMode
    /// The `mx` patterns.
    public var mx: [String]
    /// `max_age` in seconds; `nil` uses the mode's default.
    public var maxAge: Int?

    /// Creates settings.
    public init(mode: MTASTSMode, mx: [String], maxAge: Int? = nil) {
        self.mode = mode
        self.mx = mx
        self.maxAge = maxAge
    }
}

/// Everything the builder needs to know about one customer domain.
public struct DomainSpec: Hashable, Sendable {
    /// The customer domain `D` (A-label form).
    public var domain: String
    /// The DMARC ladder stage.
    public var stage: DMARCStage
    /// DMARC `sp`, when set.
    public var sp: DMARCPolicy?
    /// DMARC `np`, when set.
    public var np: DMARCPolicy?
    /// DMARC `adkim`, when set.
    public var adkim: DMARCAlignment?
    /// DMARC `aspf`, when set.
    public var aspf: DMARCAlignment?
    /// Customer `rua` addresses after the operator's (at most one).
    public var extraRUA: [String]
    /// Customer `ruf` addresses.
    public var ruf: [String]
    /// MTA-STS hosting, or `nil` when not hosted.
    public var mtaSTS: MTASTSSettings?
    /// Customer TLS-RPT addresses/URIs after the operator's.
    public var tlsrptRUA: [String]
    /// The `all` qualifier of the hosted SPF record (default `~`; `+` is refused).
    public var spfAll: SPFQualifier
    /// Approved senders.
    public var senders: [SenderSpec]
    /// The domain's own sending ranges.
    public var ownRanges: [IPNetwork]
    /// How the hosted SPF record is published: flattened terms (default) or macro mode.
    public var spfMode: SPFMode

    /// Creates a spec with defaults for the optional parts (`spfMode` defaults to `.flatten`).
    public init(domain: String, stage: DMARCStage = .monitor, sp: DMARCPolicy? = nil, np: DMARCPolicy? = nil,
                adkim: DMARCAlignment? = nil, aspf: DMARCAlignment? = nil, extraRUA: [String] = [], ruf: [String] = [],
                mtaSTS: MTASTSSettings? = nil, tlsrptRUA: [String] = [], spfAll: SPFQualifier = .softfail,
                senders: [SenderSpec] = [], ownRanges: [IPNetwork] = [], spfMode: SPFMode = .flatten) {
        self.domain = domain
        self.stage = stage
        self.sp = sp
        self.np = np
        self.adkim = adkim
        self.aspf = aspf
        self.extraRUA = extraRUA
        self.ruf = ruf
        self.mtaSTS = mtaSTS
        self.tlsrptRUA = tlsrptRUA
        self.spfAll = spfAll
        self.senders = senders
        self.ownRanges = ownRanges
        self.spfMode = spfMode
    }
}
