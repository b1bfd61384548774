/// Why a piece of text is not an IP address, network or prefix length.
///
/// Every case carries the offending text so messages name the value the operator typed.
public enum IPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `text` is not an IPv4 address in dotted-decimal form (RFC 7208 §4.6.1 `ip4-network`).
    case invalidIPv4Address(String)
    /// `text` is not an IPv6 address in RFC 4291 §2.2 text form.
    case invalidIPv6Address(String)
    /// `text` is neither an IPv4 nor an IPv6 address.
    case invalidAddress(String)
    /// The prefix length in `network` is not a decimal number in `0...maximum`.
    case invalidPrefixLength(network: String, maximum: Int)

    /// A stable machine-readable code for the error kind.
    public var code: String {
        switch self {
        case .invalidIPv4Address: return "ip.invalid-ipv4"
        case .invalidIPv6Address: return "ip.invalid-ipv6"
        case .invalidAddress: return "ip.invalid-address"
        case .invalidPrefixLength: return "ip.invalid-prefix-length"
        }
    }

    /// A message naming the field or term and the offending value.
    public var description: String {
        switch self {
        case .invalidIPv4Address(let t): return "not an IPv4 address: \"\(t)\""
        case .invalidIPv6Address(let t): return "not an IPv6 address: \"\(t)\""
        case .invalidAddress(let t): return "not an IPv4 or IPv6 address: \"\(t)\""
        case .invalidPrefixLength(let n, let max):
            return "prefix length in \"\(n)\" must be a decimal number 0...\(max) without leading zeros"
        }
    }
}
