/// An exact set of IPv4 and IPv6 addresses: one ``CIDRSet`` per family.
///
/// The value an SPF pass set is made of (RFC 7208 §4.6.2): every operation is exact per family.
public struct AddressSet: Hashable, Sendable {
    /// The IPv4 part.
    public var v4: CIDRSet<IPv4Address>
    /// The IPv6 part.
    public var v6: CIDRSet<IPv6Address>

    /// Creates a set from its two family parts (both empty by default).
    public init(v4: CIDRSet<IPv4Address> = CIDRSet(), v6: CIDRSet<IPv6Address> = CIDRSet()) {
        self.v4 = v4
        self.v6 = v6
    }

    /// The set of the given networks.
    public init<S: Sequence>(_ networks: S) where S.Element == IPNetwork {
        var four: [CIDRBlock<IPv4Address>] = []
        var six: [CIDRBlock<IPv6Address>] = []
        for n in networks {
            switch n {
            case .v4(let b): four.append(b)
            case .v6(let b): six.append(b)
            }
        }
        self.init(v4: CIDRSet(four), v6: CIDRSet(six))
    }

    /// The empty set.
    public static var empty: AddressSet { AddressSet() }

    /// Every IPv4 and IPv6 address (what `all` matches, RFC 7208 §5.1).
    public static var everything: AddressSet { AddressSet(v4: .all, v6: .all) }

    /// Whether the set holds no address.
    public var isEmpty: Bool { v4.isEmpty && v6.isEmpty }

    /// Whether the set holds every address of both families.
    public var isEverything: Bool { v4.isFull && v6.isFull }

    /// Whether `address` is in the set.
    public func contains(_ address: AnyIPAddress) -> Bool {
        switch address {
        case .v4(let a): return v4.contains(a)
        case .v6(let a): return v6.contains(a)
        }
    }

    /// Addresses in `self` or `other`.
    public func union(_ other: AddressSet) -> AddressSet {
        AddressSet(v4: v4.union(other.v4), v6: v6.union(other.v6))
    }

    /// Adds the addresses of `other`.
    public mutating func formUnion(_ other: AddressSet) { self = union(other) }

    /// Addresses in `self` and not in `other`.
    public func subtracting(_ other: AddressSet) -> AddressSet {
        AddressSet(v4: v4.subtracting(other.v4), v6: v6.subtracting(other.v6))
    }

    /// Addresses in both sets.
    public func intersection(_ other: AddressSet) -> AddressSet {
        AddressSet(v4: v4.intersection(other.v4), v6: v6.intersection(other.v6))
    }

    /// The canonical minimal CIDR networks: IPv4 first, then IPv6, each in numeric order.
    public var networks: [IPNetwork] {
        v4.blocks.map(IPNetwork.v4) + v6.blocks.map(IPNetwork.v6)
    }
}
