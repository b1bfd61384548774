import Inventory
import RecordBuilder

/// Maps a source address to the approved sender whose SPF pass set holds it, from the pass sets
/// stored with the domain's last good build (`published_state.pass_sets`, slug → CIDRs, `own`
/// for the domain's own ranges).
///
/// When sets overlap, `own` wins, then the first slug in alphabetical order, so attribution is
/// deterministic.
public struct SenderAttribution: Sendable {
    /// Key of the domain's own ranges in the pass sets.
    public static let ownKey = "own"

    let sets: [(key: String, set: AddressSet)]

    /// Builds the lookup from stored pass sets; ranges that do not parse are skipped (the
    /// inventory checks them when it stores them).
    public init(passSets: [String: [String]]) {
        sets = passSets.keys.sorted { a, b in
            a == Self.ownKey ? b != Self.ownKey : (b == Self.ownKey ? false : a < b)
        }.map { key in
            (key, AddressSet(passSets[key]!.compactMap { try? IPNetwork.parse($0) }))
        }
    }

    /// The sender key (`own` or a slug) whose pass set holds `address`, or `nil` for an unknown source.
    public func sender(of address: AnyIPAddress) -> String? {
        sets.first { $0.set.contains(address) }?.key
    }
}
