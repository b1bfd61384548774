/// A pending MTA-STS mx migration (`herald mta-sts mx-change`): the union of old and new
/// patterns is already served; ``removed`` go once every policy that did not list the new
/// patterns may have expired from senders' caches (RFC 8461 §3.1, §8.1, §8.3; field case C24).
public struct MXChangePlan: Sendable, Equatable, Codable {
    /// Patterns added (served since ``plannedAt``).
    public var added: [MXPattern]
    /// Patterns to remove at ``removeAfter``; at least one.
    public var removed: [MXPattern]
    /// The id of the policy served before the union.
    public var oldPolicyID: String
    /// The id of the union policy served since ``plannedAt``.
    public var unionPolicyID: String
    /// When the union was published, Unix seconds.
    public var plannedAt: Int64
    /// When the removal is due, Unix seconds: the latest time a sender may still cache a policy
    /// served before the union (its last serving time plus its `max_age`).
    public var removeAfter: Int64
    /// Who planned it.
    public var actor: String
    /// Why, or `nil`.
    public var reason: String?

    /// The TTL of the hosted `_mta-sts` TXT record, seconds: senders see the new id within it.
    public static let announcementTTL: Int64 = 300

    /// The earliest time the customer should switch their MX records, Unix seconds: once the
    /// union's id has replaced the old id in resolvers' caches (``plannedAt`` + the TXT TTL).
    public var switchMXAfter: Int64 { plannedAt + Self.announcementTTL }

    /// Creates a plan value.
    public init(added: [MXPattern], removed: [MXPattern], oldPolicyID: String, unionPolicyID: String, plannedAt: Int64,
                removeAfter: Int64, actor: String, reason: String?) {
        self.added = added
        self.removed = removed
        self.oldPolicyID = oldPolicyID
        self.unionPolicyID = unionPolicyID
        self.plannedAt = plannedAt
        self.removeAfter = removeAfter
        self.actor = actor
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case added, removed, oldPolicyID = "old_policy_id", unionPolicyID = "union_policy_id", plannedAt = "planned_at"
        case removeAfter = "remove_after", actor, reason, switchMXAfter = "switch_mx_after"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        added = try c.decode([MXPattern].self, forKey: .added)
        removed = try c.decode([MXPattern].self, forKey: .removed)
        oldPolicyID = try c.decode(String.self, forKey: .oldPolicyID)
        unionPolicyID = try c.decode(String.self, forKey: .unionPolicyID)
        plannedAt = try c.decode(Int64.self, forKey: .plannedAt)
        removeAfter = try c.decode(Int64.self, forKey: .removeAfter)
        actor = try c.decode(String.self, forKey: .actor)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(added, forKey: .added)
        try c.encode(removed, forKey: .removed)
        try c.encode(oldPolicyID, forKey: .oldPolicyID)
        try c.encode(unionPolicyID, forKey: .unionPolicyID)
        try c.encode(plannedAt, forKey: .plannedAt)
        try c.encode(removeAfter, forKey: .removeAfter)
        try c.encode(switchMXAfter, forKey: .switchMXAfter)
        try c.encode(actor, forKey: .actor)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}
