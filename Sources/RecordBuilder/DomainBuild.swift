/// An MTA-STS policy document and its id, from one snapshot (RFC 8461 §3.1, §3.2, §8.1).
public struct MTASTSDocument: Hashable, Sendable {
    /// The validated policy.
    public let policy: MTASTSPolicy
    /// The body served at `https://mta-sts.D/.well-known/mta-sts.txt` (CRLF, no BOM).
    public var body: String { policy.body }
    /// The id announced in `D._mta-sts.H`.
    public var id: String { policy.id }
}

/// What one sender contributed to a build (provenance, `herald spf explain`).
public struct SenderReport: Hashable, Sendable {
    /// The sender's slug.
    public var slug: String
    /// The sender's display name.
    public var name: String
    /// The SPF entry point, `nil` when the sender contributes no SPF.
    public var entryPoint: String?
    /// The exact pass set when flattened.
    public var passSet: AddressSet?
    /// The pass set as canonical networks (empty when kept or no SPF).
    public var ranges: [IPNetwork]
    /// Number of IPv4 addresses in the pass set.
    public var ipv4AddressCount: UInt128
    /// Whether the sender is published as `include:<entry point>` instead.
    public var keptAsInclude: Bool
    /// Why it was kept (each names the term and record).
    public var keptReasons: [String]
    /// DNS-querying terms inside the sender's tree (§4.6.4), not counting the include itself.
    public var lookups: Int
    /// Void lookups in the sender's tree.
    public var voidLookups: Int
    /// The names whose SPF records were read for this sender.
    public var upstreamNames: [String]
    /// Every upstream question asked for this sender.
    public var queries: [SPFUpstreamQuery]
}

/// Which senders (slugs, or `own` for the domain's own ranges) a published network came from.
public struct RangeProvenance: Hashable, Sendable {
    /// A network published in the hosted SPF records.
    public var network: IPNetwork
    /// Slugs of the senders whose pass sets overlap it, `own` for own ranges; sorted.
    public var sources: [String]
}

/// The octets a hosted record takes.
public struct RecordSize: Hashable, Sendable {
    /// The owner name.
    public var owner: String
    /// RDATA length in octets.
    public var rdataOctets: Int
}

/// Everything the build learned besides the records themselves.
public struct BuildReport: Hashable, Sendable {
    /// Per sender, in spec order.
    public var senders: [SenderReport]
    /// Per published SPF network, where it came from.
    public var provenance: [RangeProvenance]
    /// RDATA size of every record, in record order.
    public var recordSizes: [RecordSize]
    /// How the hosted SPF record is published.
    public var spfMode: SPFMode
    /// DNS lookups a receiver spends on the published record, counting the customer's
    /// `include:D._spf.H` (§4.6.4): chain links (flatten) or the `exists` (macro), plus kept
    /// includes with their own lookups. Never more than 10 in a successful build.
    public var lookups: Int
    /// The most void lookups a receiver can meet on the published record (§4.6.4): kept
    /// includes' void and client-dependent terms, plus the `exists` miss in macro mode, for the
    /// worse client family. Never more than 2 in a successful build.
    public var voidLookups: Int
    /// The full accounting behind ``lookups`` and ``voidLookups``.
    public var budget: SPFLookupBudget
    /// Human-readable remarks (kept includes and why, empty pass sets).
    public var notes: [String]
}

/// The complete output for one customer domain.
public struct DomainBuild: Hashable, Sendable {
    /// The customer domain, lowercase.
    public var domain: String
    /// Every TXT record owned in `H` or `R` for this domain, in a fixed order: DMARC, report
    /// authorizations, SPF (top then links), MTA-STS announcement, TLS-RPT.
    public var records: [HostedTXT]
    /// The DMARC record as a typed value.
    public var dmarc: DMARCRecord
    /// Everything the hosted SPF records authorise (flattened senders and own ranges); in macro
    /// mode, the table the responder answers `_ip.D._spf.H` queries from. Kept includes are not
    /// in it (receivers evaluate them themselves).
    public var spfPassSet: AddressSet
    /// Each flattened sender's pass set by slug, and `own` for the domain's own ranges (only
    /// when it has some): what ``SPFPublishGate`` compares between builds. Senders kept as
    /// includes and senders without SPF are absent; a sender whose tree authorises nothing is
    /// present with an empty set. Two senders with the same slug are merged. The union of the
    /// values is ``spfPassSet``.
    public var passSetsBySender: [String: AddressSet]
    /// Senders kept as includes.
    public var keptIncludes: [SPFKeptInclude]
    /// The MTA-STS policy document, when hosted.
    public var mtaSTSPolicy: MTASTSDocument?
    /// Sizes, lookups, provenance, notes.
    public var report: BuildReport
}
