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

/// What is published for a domain: the last good build, the outcome of the last attempt, and a
/// build held by the publish gate, if any.
///
/// A failed build leaves ``records`` and ``policy`` as they were and sets ``lastError`` and
/// ``stale`` (RECORDS.md "SPF", Safety; field case C10). A held build does the same and keeps
/// the candidate in ``held`` until `herald spf accept` publishes it or a later build that passes
/// the gate replaces it.
public struct PublishedState: Sendable, Equatable, Codable {
    /// Records of the last successful build, or `nil` if no build has succeeded yet.
    public var records: [PublishedRecord]?
    /// The MTA-STS policy of the last successful build, or `nil` (not hosted, or no success yet).
    public var policy: PublishedPolicy?
    /// The SPF pass sets of the last successful build: sender slug → canonical CIDR texts
    /// (`192.0.2.0/24`, `2001:db8::/32`), key `own` for the domain's own ranges; `nil` when the
    /// build did not record them. Macro mode answers from these (RECORDS.md "Macro mode").
    public var passSets: [String: [String]]?
    /// Provenance of every published range, as JSON text the inventory does not interpret (the
    /// publisher stores an array of `{network, sources, upstream}`), or `nil`.
    public var provenance: String?
    /// DNS lookups a receiver spends on the published SPF record (RFC 7208 §4.6.4), or `nil`.
    public var lookups: Int?
    /// Lookups that may return no answer (RFC 7208 §4.6.4 void lookups), or `nil`.
    public var voidLookups: Int?
    /// Time of the last successful build, Unix seconds, or `nil`.
    public var builtAt: Int64?
    /// Time of the last build attempt, Unix seconds.
    public var attemptedAt: Int64
    /// The error of the last attempt (or why its build is held), or `nil` if it was published.
    public var lastError: String?
    /// `true` while the published records are older than the inventory because the last
    /// attempt failed or was held.
    public var stale: Bool
    /// The build held for confirmation by the publish gate, or `nil`.
    public var held: HeldBuild?

    /// Creates a state value.
    public init(records: [PublishedRecord]?, policy: PublishedPolicy?, builtAt: Int64?, attemptedAt: Int64,
                lastError: String?, stale: Bool, passSets: [String: [String]]? = nil, provenance: String? = nil,
                lookups: Int? = nil, voidLookups: Int? = nil, held: HeldBuild? = nil) {
        self.records = records
        self.policy = policy
        self.passSets = passSets
        self.provenance = provenance
        self.lookups = lookups
        self.voidLookups = voidLookups
        self.builtAt = builtAt
        self.attemptedAt = attemptedAt
        self.lastError = lastError
        self.stale = stale
        self.held = held
    }

    enum CodingKeys: String, CodingKey {
        case records, policy, passSets = "pass_sets", provenance, lookups, voidLookups = "void_lookups"
        case builtAt = "built_at", attemptedAt = "attempted_at", lastError = "last_error", stale, held
    }
}
