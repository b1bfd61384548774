import DNSCore

/// Settings of the `Responder` that are not zone data.
public struct ResponderConfiguration: Sendable {
    /// How to answer QTYPE ANY (RFC 8482 §4).
    public enum AnyQueryPolicy: Sendable, Equatable {
        /// Return one RRset of the name (the CNAME if present, else the lowest type).
        case oneRRset
        /// Return a synthesized `HINFO "RFC8482" ""` with this TTL in seconds (§4.2).
        case hinfo(ttl: UInt32)
    }

    /// The largest UDP response in octets, and the payload size advertised in our OPT
    /// (RFC 6891 §6.2.3, §6.2.5). Default 1232 (DNS flag day 2020). Clamped to 512…65535.
    public var maxUDPPayload: Int
    /// How QTYPE ANY is answered.
    public var anyPolicy: AnyQueryPolicy
    /// The text for CH TXT `version.bind` / `version.server`; nil → REFUSED.
    public var chaosVersion: String?
    /// The text for CH TXT `id.server` / `hostname.bind`; nil → REFUSED.
    public var chaosIdentity: String?
    /// The most CNAMEs followed inside served zones for one answer (RFC 1034 §4.3.2).
    public var maxCNAMEChain: Int

    /// Creates a configuration; every parameter has the documented default.
    public init(maxUDPPayload: Int = 1232, anyPolicy: AnyQueryPolicy = .oneRRset, chaosVersion: String? = nil,
                chaosIdentity: String? = nil, maxCNAMEChain: Int = 8) {
        self.maxUDPPayload = min(max(maxUDPPayload, 512), 65535)
        self.anyPolicy = anyPolicy
        self.chaosVersion = chaosVersion
        self.chaosIdentity = chaosIdentity
        self.maxCNAMEChain = max(0, maxCNAMEChain)
    }
}
