/// An address of either family: what a receiver sees as the SMTP client `<ip>` (RFC 7208 §4.1).
public enum AnyIPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// An IPv4 address.
    case v4(IPv4Address)
    /// An IPv6 address.
    case v6(IPv6Address)

    /// Parses an IPv4 address if the text contains no `:`, otherwise an IPv6 address.
    /// - Throws: ``IPParseError`` naming `text`.
    public static func parse(_ text: String) throws(IPParseError) -> AnyIPAddress {
        if text.contains(":") { return .v6(try IPv6Address.parse(text)) }
        return .v4(try IPv4Address.parse(text))
    }

    /// Dotted-decimal or RFC 5952 text.
    public var description: String {
        switch self {
        case .v4(let a): return a.description
        case .v6(let a): return a.description
        }
    }

    /// IPv4 orders before IPv6; within a family, numeric order.
    public static func < (lhs: AnyIPAddress, rhs: AnyIPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): return a < b
        case (.v6(let a), .v6(let b)): return a < b
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}
