/// What one `herald reports ingest` run did (its closing lines and `--json` shape).
public struct IngestTotals: Sendable, Equatable, Codable {
    /// One refused file: its path and the reason.
    public struct Rejection: Sendable, Equatable, Codable {
        /// The file.
        public var path: String
        /// ``ReportsError/category``.
        public var category: String
        /// The full message (names the file, the part, the field and the value).
        public var reason: String
    }

    /// Files read (every file named or found, other than ignored ones).
    public var files = 0
    /// Files in a directory walk skipped because they are not report-like by name.
    public var ignored = 0
    /// Aggregate reports stored.
    public var aggregateStored = 0
    /// TLS reports stored.
    public var tlsStored = 0
    /// Reports already stored (same organisation and report id), skipped.
    public var duplicates = 0
    /// Reports (or TLS policies) about domains not in the inventory, skipped.
    public var unknownDomain = 0
    /// Aggregate report rows stored.
    public var rows = 0
    /// Messages covered by the stored aggregate rows.
    public var messages: Int64 = 0
    /// TLS sessions covered by the stored TLS reports.
    public var tlsSessions: Int64 = 0
    /// Refused files.
    public var rejected: [Rejection] = []

    /// Creates empty totals.
    public init() {}

    /// Refused files counted by category, e.g. `["decompression-limit": 1, "malformed-xml": 2]`.
    public var rejectedByCategory: [String: Int] {
        rejected.reduce(into: [:]) { $0[$1.category, default: 0] += 1 }
    }

    enum CodingKeys: String, CodingKey {
        case files, ignored, aggregateStored = "aggregate_stored", tlsStored = "tls_stored", duplicates
        case unknownDomain = "unknown_domain", rows, messages, tlsSessions = "tls_sessions", rejected
        case rejectedByCategory = "rejected_by_category"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(files, forKey: .files)
        try c.encode(ignored, forKey: .ignored)
        try c.encode(aggregateStored, forKey: .aggregateStored)
        try c.encode(tlsStored, forKey: .tlsStored)
        try c.encode(duplicates, forKey: .duplicates)
        try c.encode(unknownDomain, forKey: .unknownDomain)
        try c.encode(rows, forKey: .rows)
        try c.encode(messages, forKey: .messages)
        try c.encode(tlsSessions, forKey: .tlsSessions)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(rejectedByCategory, forKey: .rejectedByCategory)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        files = try c.decode(Int.self, forKey: .files)
        ignored = try c.decode(Int.self, forKey: .ignored)
        aggregateStored = try c.decode(Int.self, forKey: .aggregateStored)
        tlsStored = try c.decode(Int.self, forKey: .tlsStored)
        duplicates = try c.decode(Int.self, forKey: .duplicates)
        unknownDomain = try c.decode(Int.self, forKey: .unknownDomain)
        rows = try c.decode(Int.self, forKey: .rows)
        messages = try c.decode(Int64.self, forKey: .messages)
        tlsSessions = try c.decode(Int64.self, forKey: .tlsSessions)
        rejected = try c.decode([Rejection].self, forKey: .rejected)
    }
}
