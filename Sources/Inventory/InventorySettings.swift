import RecordBuilder

/// The operator's settings: one row per inventory, written by `herald init`.
public struct InventorySettings: Sendable, Equatable, Codable {
    /// SOA timers of the served zones, in seconds (RFC 1035 §3.3.13, RFC 2308 §4).
    public struct SOATimers: Sendable, Equatable, Codable {
        /// Secondary refresh interval, seconds.
        public var refresh: Int32
        /// Secondary retry interval, seconds.
        public var retry: Int32
        /// Secondary expiry, seconds.
        public var expire: Int32
        /// Negative-caching TTL cap (RFC 2308 §4), seconds.
        public var minimum: Int32
        /// TTL of the SOA record itself, seconds.
        public var ttl: Int32

        /// Creates timers; the defaults are 7200 / 3600 / 1209600 / 300 / 3600.
        public init(refresh: Int32 = 7200, retry: Int32 = 3600, expire: Int32 = 1_209_600,
                    minimum: Int32 = 300, ttl: Int32 = 3600) {
            self.refresh = refresh
            self.retry = retry
            self.expire = expire
            self.minimum = minimum
            self.ttl = ttl
        }
    }

    /// `H`, the hosted zone (`hosted.example.net`).
    public var hostedZone: InventoryName
    /// `R`, the report zone (`reports.example.net`); may equal ``hostedZone``.
    public var reportZone: InventoryName
    /// The name servers for `H` and `R` (NS RRset and SOA MNAME = the first), at least one.
    public var nameServers: [InventoryName]
    /// SOA timers.
    public var soa: SOATimers
    /// Addresses of the HTTPS policy servers, served as `mta-sts.H` A/AAAA; at least one.
    public var policyAddresses: [InventoryAddress]
    /// The operator's DMARC aggregate report mailbox, `local@domain` (default `dmarc@R`);
    /// listed first in every `rua` (RECORDS.md "DMARC").
    public var dmarcMailbox: String
    /// The operator's TLS-RPT mailbox, `local@domain` (default `tlsrpt@R`).
    public var tlsrptMailbox: String
    /// Whether staged DMARC records carry `pct=0` for RFC 7489 receivers (default on).
    public var pctShim: Bool
    /// The SOA serial of the last published snapshot (0 before the first).
    public var publishedSerial: UInt32
    /// The publish gate: a build whose SPF pass set loses more than this share of the published
    /// addresses is held for confirmation (`herald spf accept`) instead of published
    /// (RECORDS.md "SPF" Safety). A fraction in (0, 1]; default 0.10 (10 %).
    public var spfShrinkThreshold: Double
    /// Seconds between scheduled re-resolutions of senders' SPF trees in `herald serve`
    /// (60…86400; default 3600).
    public var refreshInterval: Int
    /// Days DMARC, SPF and TLS-RPT stay served after `herald domain remove` starts a wind-down
    /// (0…3650; default 30).
    public var windDownGraceDays: Int

    /// The allowed ``spfShrinkThreshold`` values: above 0, at most 1.
    public static func isValidShrinkThreshold(_ share: Double) -> Bool { share > 0 && share <= 1 }
    /// The allowed ``refreshInterval`` values, seconds.
    public static let refreshIntervalRange = 60...86_400

    /// Creates settings; mailboxes default to `dmarc@R` and `tlsrpt@R`.
    public init(hostedZone: InventoryName, reportZone: InventoryName, nameServers: [InventoryName],
                soa: SOATimers = SOATimers(), policyAddresses: [InventoryAddress],
                dmarcMailbox: String? = nil, tlsrptMailbox: String? = nil, pctShim: Bool = true,
                publishedSerial: UInt32 = 0, spfShrinkThreshold: Double = 0.10, refreshInterval: Int = 3600,
                windDownGraceDays: Int = 30) {
        self.hostedZone = hostedZone
        self.reportZone = reportZone
        self.nameServers = nameServers
        self.soa = soa
        self.policyAddresses = policyAddresses
        self.dmarcMailbox = dmarcMailbox ?? "dmarc@" + reportZone.text
        self.tlsrptMailbox = tlsrptMailbox ?? "tlsrpt@" + reportZone.text
        self.pctShim = pctShim
        self.publishedSerial = publishedSerial
        self.spfShrinkThreshold = spfShrinkThreshold
        self.refreshInterval = refreshInterval
        self.windDownGraceDays = windDownGraceDays
    }

    enum CodingKeys: String, CodingKey {
        case hostedZone = "hosted_zone", reportZone = "report_zone", nameServers = "name_servers", soa
        case policyAddresses = "policy_addresses", dmarcMailbox = "dmarc_mailbox"
        case tlsrptMailbox = "tlsrpt_mailbox", pctShim = "pct_shim", publishedSerial = "published_serial"
        case spfShrinkThreshold = "spf_shrink_threshold", refreshInterval = "refresh_interval"
        case windDownGraceDays = "wind_down_grace_days"
    }
}
