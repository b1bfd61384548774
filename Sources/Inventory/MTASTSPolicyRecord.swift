import RecordBuilder

/// One MTA-STS policy as served for a domain over a span of time: a row of the policy ledger
/// (migration `0005`).
///
/// RFC 8461 §3.1: senders refetch a policy only when the announced id changes, so a new row
/// starts exactly when the served body (and with it the id) changes. §8.3: a sender may cache a
/// policy until the last time it was served plus its `max_age`, which is ``cachedUntil(now:)``.
public struct MTASTSPolicyRecord: Sendable, Equatable, Codable {
    /// The id announced in `D._mta-sts.H` (1–32 of `[A-Za-z0-9]`).
    public var policyID: String
    /// The body served at `https://mta-sts.D/.well-known/mta-sts.txt` (CRLF lines).
    public var body: String
    /// The policy's `mode`.
    public var mode: MTASTSMode
    /// The policy's `max_age`, seconds.
    public var maxAge: Int
    /// When it started being served, Unix seconds.
    public var servedFrom: Int64
    /// When it stopped being served, Unix seconds, or `nil` while it is served.
    public var servedUntil: Int64?

    /// Creates a ledger value.
    public init(policyID: String, body: String, mode: MTASTSMode, maxAge: Int, servedFrom: Int64, servedUntil: Int64?) {
        self.policyID = policyID
        self.body = body
        self.mode = mode
        self.maxAge = maxAge
        self.servedFrom = servedFrom
        self.servedUntil = servedUntil
    }

    /// The latest time, Unix seconds, until which a sender may cache this policy if it stopped
    /// being served at `servedUntil` (or at `now`, when still served): that time plus `max_age`
    /// (RFC 8461 §8.3).
    public func cachedUntil(now: Int64) -> Int64 { (servedUntil ?? now) + Int64(maxAge) }

    enum CodingKeys: String, CodingKey {
        case policyID = "id", body, mode, maxAge = "max_age", servedFrom = "served_from", servedUntil = "served_until"
    }
}
