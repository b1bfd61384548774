/// An IPv4 or IPv6 network (address prefix), host bits cleared.
///
/// Used for a domain's own sending ranges and as the published `ip4:`/`ip6:` terms
/// (RFC 7208 §5.6). Text forms: `"192.0.2.0/24"`, `"2001:db8::/32"`, bare addresses
/// (`/32`, `/128`).
public enum IPNetwork: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// An IPv4 prefix.
    case v4(CIDRBlock<IPv4Address>)
    /// An IPv6 prefix.
    case v6(CIDRBlock<IPv6Address>)

    /// Parses `"addr"` or `"addr/len"`; the family is IPv6 when the text contains `:`.
    /// Host bits are cleared (`192.0.2.173/30` is `192.0.2.172/30`).
    /// - Throws: ``IPParseError`` naming `text`.
    public static func parse(_ text: String) throws(IPParseError) -> IPNetwork {
        let trimmed = text.trimmingASCIIWhitespace()
        if trimmed.contains(":") { return .v6(try CIDRBlock<IPv6Address>.parse(trimmed)) }
        return .v4(try CIDRBlock<IPv4Address>.parse(trimmed))
    }

    /// The prefix length in bits.
    public var prefixLength: Int {
        switch self {
        case .v4(let b): return b.prefixLength
        case .v6(let b): return b.prefixLength
        }
    }

    /// Whether `address` lies in the network (a different family never does).
    public func contains(_ address: AnyIPAddress) -> Bool {
        switch (self, address) {
        case (.v4(let b), .v4(let a)): return b.contains(a)
        case (.v6(let b), .v6(let a)): return b.contains(a)
        default: return false
        }
    }

    /// `address/len`, always with the length.
    public var description: String {
        switch self {
        case .v4(let b): return b.description
        case .v6(let b): return b.description
        }
    }

    /// The SPF term for this network as a `+` mechanism: `ip4:192.0.2.0/24`, `ip6:2001:db8::1`
    /// (`/32` and `/128` omitted, RFC 7208 §5.6).
    public var spfTerm: String {
        switch self {
        case .v4(let b): return "ip4:" + b.spfText
        case .v6(let b): return "ip6:" + b.spfText
        }
    }

    /// IPv4 before IPv6, then numeric order of the first address, then shorter prefix first.
    public static func < (lhs: IPNetwork, rhs: IPNetwork) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): return a < b
        case (.v6(let a), .v6(let b)): return a < b
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> String {
        let ws: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        guard let start = firstIndex(where: { !ws.contains($0) }) else { return "" }
        let end = lastIndex(where: { !ws.contains($0) })!
        return String(self[start...end])
    }
}
