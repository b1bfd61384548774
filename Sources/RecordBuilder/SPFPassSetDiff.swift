/// How a domain's per-sender SPF pass sets changed between two builds (RECORDS.md "SPF" Safety:
/// "a diff that names the sender each removed range came from").
///
/// Networks are canonical (merged, host bits clear, numeric order, IPv4 first) and encode as
/// CIDR text (`"203.0.113.0/24"`). Shares are ratios of address counts per family; IPv6 is
/// counted in raw addresses (a `UInt128` count), which gives the same ratio as /64 units for
/// /64-aligned ranges and stays exact for longer prefixes.
public struct SPFPassSetDiff: Sendable, Equatable, Codable {
    /// What changed for one sender (slug, or `own` for the domain's own ranges).
    public struct SenderChange: Sendable, Equatable, Codable {
        /// How the sender's presence changed.
        public enum Kind: String, Sendable, Equatable, Codable {
            /// Absent before, present now (newly approved, or no longer kept as an include).
            case approved
            /// Present before, absent now (revoked, or now kept as an include).
            case revoked
            /// Present in both, with different addresses.
            case changed
        }

        /// The sender's slug, or `own`.
        public var sender: String
        /// How its presence changed.
        public var kind: Kind
        /// Networks the sender authorises now and did not before.
        public var added: [IPNetwork]
        /// Networks the sender authorised before and does not now.
        public var removed: [IPNetwork]

        /// Creates a change entry.
        public init(sender: String, kind: Kind, added: [IPNetwork], removed: [IPNetwork]) {
            self.sender = sender
            self.kind = kind
            self.added = added
            self.removed = removed
        }
    }

    /// One entry per sender whose pass set changed, sorted by slug; unchanged senders are left out.
    public var senders: [SenderChange]
    /// Share (0…1) of the IPv4 addresses the retained senders authorised before that no sender
    /// authorises now. Revoked senders are left out of both sides (their removal is deliberate);
    /// 0 when there were none.
    public var removedShareIPv4: Double
    /// The same share for IPv6 addresses.
    public var removedShareIPv6: Double

    /// Creates a diff from its parts.
    public init(senders: [SenderChange], removedShareIPv4: Double, removedShareIPv6: Double) {
        self.senders = senders
        self.removedShareIPv4 = removedShareIPv4
        self.removedShareIPv6 = removedShareIPv6
    }

    /// Compares two builds' per-sender pass sets (``DomainBuild/passSetsBySender``).
    public init(previous: [String: AddressSet], next: [String: AddressSet]) {
        var changes: [SenderChange] = []
        for slug in Set(previous.keys).union(next.keys).sorted() {
            let before = previous[slug]
            let after = next[slug]
            let old = before ?? .empty
            let new = after ?? .empty
            let added = new.subtracting(old).networks
            let removed = old.subtracting(new).networks
            let kind: SenderChange.Kind
            switch (before, after) {
            case (nil, _): kind = .approved
            case (_, nil): kind = .revoked
            default:
                guard !added.isEmpty || !removed.isEmpty else { continue }
                kind = .changed
            }
            changes.append(SenderChange(sender: slug, kind: kind, added: added, removed: removed))
        }
        let (retained, lost) = Self.loss(previous: previous, next: next)
        self.init(senders: changes,
                  removedShareIPv4: Self.share(lost.v4.addressCount, of: retained.v4.addressCount),
                  removedShareIPv6: Self.share(lost.v6.addressCount, of: retained.v6.addressCount))
    }

    /// Whether nothing changed for any sender.
    public var isEmpty: Bool { senders.isEmpty }

    /// The change for `sender`, if any.
    public func change(for sender: String) -> SenderChange? { senders.first { $0.sender == sender } }

    /// The previous union of senders still present in `next`, and the part of it no sender in
    /// `next` authorises.
    static func loss(previous: [String: AddressSet], next: [String: AddressSet]) -> (retained: AddressSet, lost: AddressSet) {
        var retained = AddressSet.empty
        for (slug, set) in previous where next[slug] != nil { retained.formUnion(set) }
        let now = next.values.reduce(AddressSet.empty) { $0.union($1) }
        return (retained, retained.subtracting(now))
    }

    /// `part / whole` as a ratio, 0 when `whole` is 0.
    static func share(_ part: UInt128, of whole: UInt128) -> Double {
        whole == 0 ? 0 : Double(part) / Double(whole)
    }
}
