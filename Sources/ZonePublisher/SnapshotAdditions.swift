import DNSAuthority
import DNSCore
import Inventory
import RecordBuilder

/// What `herald serve` adds to the inventory's snapshot: static zones, and the certificate gate
/// on MTA-STS announcements (field case C22). Offline commands (`herald records`, `zone export`)
/// do not use it and print everything.
///
/// ``ReloadService`` polls ``generation`` next to the inventory's change counter (every 200 ms)
/// and rebuilds when either moves.
public struct SnapshotAdditions: Sendable {
    /// The MTA-STS policies the inventory wants served, before the gate.
    public struct PolicyTargets: Sendable, Equatable {
        /// Policy hosts (`mta-sts.D`, key form), sorted.
        public var hosts: [String]
        /// The policy servers' addresses (`mta-sts.H` A/AAAA), as configured.
        public var policyAddresses: [String]

        /// Memberwise initializer.
        public init(hosts: [String], policyAddresses: [String]) {
            self.hosts = hosts
            self.policyAddresses = policyAddresses
        }
    }

    /// A number that changes whenever a static zone file or the certificate gate would give a
    /// different answer.
    public var generation: @Sendable () -> UInt64
    /// The compiled static zones to serve next to H and R; given H and R's origins (a zone that
    /// overlaps them must be refused). `nil`: none.
    public var staticZones: (@Sendable (_ servedZones: [DNSName]) throws -> [Zone])?
    /// Whether the policy of `policyHost` may be announced (its `D._mta-sts.H` TXT published and
    /// its body served): a usable certificate for it is installed (RFC 8461 §3.3, C22). `nil`:
    /// no gate.
    public var announcesPolicy: (@Sendable (_ policyHost: String) -> Bool)?
    /// Called on each rebuild, before the gate, with every policy the inventory wants served
    /// (to obtain certificates for them).
    public var observePolicyTargets: (@Sendable (PolicyTargets) -> Void)?
    /// Called once before the first rebuild (for example to read the certificate directory,
    /// which at 100,000 customers is slow enough to run after a snapshot image is serving).
    public var prepare: (@Sendable () -> Void)?

    /// Additions; every part is optional.
    public init(generation: @escaping @Sendable () -> UInt64,
                staticZones: (@Sendable (_ servedZones: [DNSName]) throws -> [Zone])? = nil,
                announcesPolicy: (@Sendable (_ policyHost: String) -> Bool)? = nil,
                observePolicyTargets: (@Sendable (PolicyTargets) -> Void)? = nil,
                prepare: (@Sendable () -> Void)? = nil) {
        self.generation = generation
        self.prepare = prepare
        self.staticZones = staticZones
        self.announcesPolicy = announcesPolicy
        self.observePolicyTargets = observePolicyTargets
    }

    /// Reports the wanted policies, then drops from `current` the policy body and the
    /// `D._mta-sts.H` TXT of every domain whose policy host is not announced.
    /// - Returns: the policy hosts held back, sorted.
    @discardableResult
    public func gate(_ current: inout Publisher.CurrentRecords, inventory: InventorySnapshot) -> [String] {
        observePolicyTargets?(PolicyTargets(hosts: current.policies.keys.sorted(),
                                            policyAddresses: inventory.settings.policyAddresses.map(\.description)))
        guard let announcesPolicy else { return [] }
        var heldBack: [String] = []
        var withheldOwners: Set<String> = []
        for entry in inventory.entries {
            let host = "mta-sts.\(entry.domain.name.text)"
            guard current.policies[host] != nil, !announcesPolicy(host) else { continue }
            heldBack.append(host)
            current.policies[host] = nil
            withheldOwners.insert(entry.hostedNames.mtaSTS)
        }
        if !withheldOwners.isEmpty {
            current.records.removeAll { withheldOwners.contains($0.owner) }
        }
        return heldBack.sorted()
    }

    /// `snapshot` with the static zones added next to its zones.
    /// - Throws: the static zones' error, or `DNSAuthorityError.duplicateZone`.
    public func addingStaticZones(to snapshot: PublishedSnapshot) throws -> PublishedSnapshot {
        guard let staticZones else { return snapshot }
        let served = snapshot.zones.zones.map(\.origin)
        let extra = try staticZones(served)
        guard !extra.isEmpty else { return snapshot }
        var result = snapshot
        result.zones = try ZoneSnapshot(zones: snapshot.zones.zones + extra, generation: snapshot.zones.generation)
        return result
    }
}
