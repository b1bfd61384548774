/// A customer domain on its way out (`herald domain remove`; RFC 8461 §8.3, field case C24).
///
/// From ``startedAt`` the MTA-STS policy is `mode: none` with a new id until ``mtaSTSUntil``
/// (the latest time a sender may still cache an earlier policy), then withdrawn; DMARC, SPF and
/// TLS-RPT stay served until ``recordsUntil`` (the grace period). Once both have passed the
/// domain is removed.
public struct WindDown: Sendable, Equatable, Codable {
    /// When the wind-down started, Unix seconds.
    public var startedAt: Int64
    /// The grace period for DMARC/SPF/TLS-RPT, days.
    public var graceDays: Int
    /// ``startedAt`` + ``graceDays`` days, Unix seconds.
    public var recordsUntil: Int64
    /// When the `mode: none` policy may be withdrawn, Unix seconds; `nil` when the domain never
    /// served an MTA-STS policy.
    public var mtaSTSUntil: Int64?
    /// When the MTA-STS policy and its TXT record were withdrawn, or `nil` while served.
    public var mtaSTSWithdrawnAt: Int64?
    /// Who started it.
    public var actor: String
    /// Why, or `nil`.
    public var reason: String?

    /// Creates a wind-down value.
    public init(startedAt: Int64, graceDays: Int, recordsUntil: Int64, mtaSTSUntil: Int64?, mtaSTSWithdrawnAt: Int64?,
                actor: String, reason: String?) {
        self.startedAt = startedAt
        self.graceDays = graceDays
        self.recordsUntil = recordsUntil
        self.mtaSTSUntil = mtaSTSUntil
        self.mtaSTSWithdrawnAt = mtaSTSWithdrawnAt
        self.actor = actor
        self.reason = reason
    }

    /// When the domain is removed, Unix seconds: once both the grace period and the MTA-STS
    /// wait have passed.
    public var removeAt: Int64 { max(recordsUntil, mtaSTSUntil ?? recordsUntil) }

    /// Whether the `mode: none` policy is still served.
    public var servesMTASTS: Bool { mtaSTSUntil != nil && mtaSTSWithdrawnAt == nil }

    enum CodingKeys: String, CodingKey {
        case startedAt = "started_at", graceDays = "grace_days", recordsUntil = "records_until"
        case mtaSTSUntil = "mta_sts_until", mtaSTSWithdrawnAt = "mta_sts_withdrawn_at", actor, reason
        case removeAt = "remove_at"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        startedAt = try c.decode(Int64.self, forKey: .startedAt)
        graceDays = try c.decode(Int.self, forKey: .graceDays)
        recordsUntil = try c.decode(Int64.self, forKey: .recordsUntil)
        mtaSTSUntil = try c.decodeIfPresent(Int64.self, forKey: .mtaSTSUntil)
        mtaSTSWithdrawnAt = try c.decodeIfPresent(Int64.self, forKey: .mtaSTSWithdrawnAt)
        actor = try c.decode(String.self, forKey: .actor)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(graceDays, forKey: .graceDays)
        try c.encode(recordsUntil, forKey: .recordsUntil)
        try c.encodeIfPresent(mtaSTSUntil, forKey: .mtaSTSUntil)
        try c.encodeIfPresent(mtaSTSWithdrawnAt, forKey: .mtaSTSWithdrawnAt)
        try c.encode(removeAt, forKey: .removeAt)
        try c.encode(actor, forKey: .actor)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}
