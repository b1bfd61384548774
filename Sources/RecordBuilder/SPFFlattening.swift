/// One upstream DNS question the flattener asked (provenance: where a range came from).
public struct SPFUpstreamQuery: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The record type asked for.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// TXT, A, AAAA or MX (RFC 1035 §3.2.2, RFC 3596).
        case txt = "TXT", a = "A", aaaa = "AAAA", mx = "MX"
    }

    /// The record type.
    public var kind: Kind
    /// The absolute, lowercase name without the trailing dot.
    public var name: String

    /// Creates a query description.
    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// `name TYPE`, e.g. `_spf.google.com TXT`.
    public var description: String { "\(name) \(kind.rawValue)" }

    /// Name order, then type order.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.name, lhs.kind.rawValue) < (rhs.name, rhs.kind.rawValue)
    }
}

/// The result of flattening one sender's SPF tree (RFC 7208 §4.6.2, §5.2, §6.1).
public struct SPFFlattening: Hashable, Sendable {
    /// What can be published for the sender.
    public enum Outcome: Hashable, Sendable {
        /// The exact pass set: every address for which `check_host()` on the tree is `pass`.
        case flattened(AddressSet)
        /// The tree needs the sender's address or macros (`exists`, `ptr`, `%{…}`), so it must
        /// stay as `include:<entry point>`; the reasons name each such term and record.
        case keptAsInclude(reasons: [String])
    }

    /// The sender's entry point, lowercase without trailing dot (`_spf.google.com`).
    public let entryPoint: String
    /// Flattened pass set or kept include.
    public let outcome: Outcome
    /// DNS-querying terms evaluated in the tree, *not* counting the `include:` that reaches the
    /// entry point (§4.6.4). For a kept tree, terms hidden behind macros count as one each.
    public let lookups: Int
    /// Void lookups in the tree (NODATA/NXDOMAIN for `a`, `mx`), the larger of the IPv4 and
    /// IPv6 counts (§4.6.4).
    public let voidLookups: Int
    /// Void lookups an IPv4 client meets in the tree: `a` names without A records, `mx` names
    /// without MX records (§4.6.4). Known only for terms that do not depend on the client.
    public let voidLookupsIPv4: Int
    /// Void lookups an IPv6 client meets in the tree: `a` names without AAAA records, `mx` names
    /// without MX records (§4.6.4).
    public let voidLookupsIPv6: Int
    /// DNS-querying terms whose query depends on the client address or a macro (`exists`,
    /// `ptr`, `a`/`mx` with a macro): each may be a void lookup for some clients (an `exists`
    /// miss is NXDOMAIN or NODATA, §4.6.4, §5.7). Zero for a flattened tree.
    public let addressDependentLookups: Int
    /// Every upstream question the tree needed, sorted.
    public let queries: [SPFUpstreamQuery]
    /// The SPF record text used for each name in the tree (name → record), for provenance.
    public let records: [String: String]

    /// The pass set when flattened, `nil` when kept as an include.
    public var passSet: AddressSet? {
        if case .flattened(let s) = outcome { return s }
        return nil
    }

    /// The names whose SPF records the tree read, sorted.
    public var upstreamNames: [String] { records.keys.sorted() }
}
