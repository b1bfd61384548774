/// One sender's numbers over the readiness window (RFC 7489 §4.2: DMARC passes when SPF or DKIM
/// passes aligned).
public struct SenderEvidence: Sendable, Equatable, Codable {
    /// Sender slug, `own` for the domain's own ranges, or `unknown` for unattributed sources.
    public var sender: String
    /// The sender's display name (the slug for `own`/`unknown`).
    public var displayName: String
    /// `true` for approved senders and own ranges; `false` for the unknown sources.
    public var approved: Bool
    /// Messages reported.
    public var messages: Int64
    /// Messages whose SPF passed aligned.
    public var spfAligned: Int64
    /// Messages whose DKIM passed aligned.
    public var dkimAligned: Int64
    /// Messages that passed DMARC.
    public var dmarcPass: Int64
    /// Distinct source addresses.
    public var sources: Int

    /// Creates evidence.
    public init(sender: String, displayName: String, approved: Bool, messages: Int64 = 0, spfAligned: Int64 = 0,
                dkimAligned: Int64 = 0, dmarcPass: Int64 = 0, sources: Int = 0) {
        self.sender = sender
        self.displayName = displayName
        self.approved = approved
        self.messages = messages
        self.spfAligned = spfAligned
        self.dkimAligned = dkimAligned
        self.dmarcPass = dmarcPass
        self.sources = sources
    }

    /// Share of messages with SPF aligned, 0…1 (0 without messages).
    public var spfRate: Double { Self.rate(spfAligned, messages) }
    /// Share of messages with DKIM aligned, 0…1.
    public var dkimRate: Double { Self.rate(dkimAligned, messages) }
    /// Share of messages passing DMARC, 0…1.
    public var passRate: Double { Self.rate(dmarcPass, messages) }

    static func rate(_ part: Int64, _ whole: Int64) -> Double { whole > 0 ? Double(part) / Double(whole) : 0 }

    enum CodingKeys: String, CodingKey {
        case sender, displayName = "display_name", approved, messages, spfAligned = "spf_aligned"
        case dkimAligned = "dkim_aligned", dmarcPass = "dmarc_pass", sources
    }
}

/// One unattributed source address and its numbers.
public struct UnknownSource: Sendable, Equatable, Codable {
    /// The address, RFC 5952 form for IPv6.
    public var address: String
    /// Messages reported.
    public var messages: Int64
    /// Messages that passed DMARC.
    public var dmarcPass: Int64

    /// Creates a value.
    public init(address: String, messages: Int64, dmarcPass: Int64) {
        self.address = address
        self.messages = messages
        self.dmarcPass = dmarcPass
    }

    enum CodingKeys: String, CodingKey { case address, messages, dmarcPass = "dmarc_pass" }
}
