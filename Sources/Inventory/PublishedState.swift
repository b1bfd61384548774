/// One published TXT record: owner name and its character-strings (each ≤ 255 octets,
/// RFC 1035 §3.3.14), as the last successful build produced it.
public struct PublishedRecord: Sendable, Equatable, Codable {
    /// Owner name, absolute, lowercase, no trailing dot (`example.com._dmarc.hosted.example.net`).
    public var owner: String
    /// The TXT RDATA's character-strings, in order.
    public var strings: [String]

    /// Creates a record value.
    public init(owner: String, strings: [String]) {
        self.owner = owner
        self.strings = strings
    }
}

/// The MTA-STS policy document served for a domain and the `id` announced for it (RFC 8461 §3).
public struct PublishedPolicy: Sendable, Equatable, Codable {
    /// The policy body, CRLF line endings.
    public var body: String
    /// The policy id, 1–32 of `[A-Za-z0-9]`.
    public var id: String

    /// Creates a policy value.
    public init(body: String, id: String) {
        self.body = body
        self.id = id
    }
}

/// What is published for a domain: the last good build and the outcome of the last attempt.
///
/// A failed build leaves ``records`` and ``policy`` as they were and sets ``lastError`` and
/// ``stale`` (RECORDS.md "SPF", Safety; field case C10).
public struct PublishedState: Sendable, Equatable, Codable {
    /// Records of the last successful build, or `nil` if no build has succeeded yet.
    public var records: [PublishedRecord]?
    /// The MTA-STS policy of the last successful build, or `nil` (not hosted, or no success yet).
    public var policy: PublishedPolicy?
    /// Time of the last successful build, Unix seconds, or `nil`.
    public var builtAt: Int64?
    /// Time of the last build attempt, Unix seconds.
    public var attemptedAt: Int64
    /// The error of the last attempt, or `nil` if it succeeded.
    public var lastError: String?
    /// `true` while the published records are older than the inventory because the last
    /// attempt failed.
    public var stale: Bool

    /// Creates a state value.
    public init(records: [PublishedRecord]?, policy: PublishedPolicy?, builtAt: Int64?, attemptedAt: Int64,
                lastError: String?, stale: Bool) {
        self.records = records
        self.policy = policy
        self.builtAt = builtAt
        self.attemptedAt = attemptedAt
        self.lastError = lastError
        self.stale = stale
    }

    enum CodingKeys: String, CodingKey {
        case records, policy, builtAt = "built_at", attemptedAt = "attempted_at", lastError = "last_error", stale
    }
}
