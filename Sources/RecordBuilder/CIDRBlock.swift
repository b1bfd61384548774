/// An address prefix of one family: the first `prefixLength` bits of `address`, host bits clear.
///
/// RFC 4632 §3.1 (IPv4 CIDR) and RFC 4291 §2.3 (IPv6 prefixes). A block built from an address
/// with host bits set (`192.0.2.173/30`) covers the same addresses as its cleared form
/// (`192.0.2.172/30`), which is what RFC 7208 §5.6 matching does, so the initialiser clears them.
public struct CIDRBlock<Address: IPAddressFamily>: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The first address of the block (host bits cleared).
    public let address: Address
    /// The prefix length in bits, `0...Address.bitWidth`.
    public let prefixLength: Int

    /// Creates the block of `prefixLength` leading bits of `address`, clearing the host bits.
    /// - Precondition: `0 <= prefixLength <= Address.bitWidth`.
    public init(address: Address, prefixLength: Int) {
        precondition((0...Address.bitWidth).contains(prefixLength), "prefix length out of range")
        self.prefixLength = prefixLength
        self.address = Address(bits: address.bits & Self.mask(prefixLength))
    }

    /// The network mask for a prefix length: `prefixLength` one bits followed by zeros.
    static func mask(_ prefixLength: Int) -> Address.Bits {
        prefixLength == 0 ? 0 : Address.Bits.max << Address.Bits(Address.bitWidth - prefixLength)
    }

    /// The lowest address bits in the block.
    public var first: Address.Bits { address.bits }

    /// The highest address bits in the block.
    public var last: Address.Bits { address.bits | ~Self.mask(prefixLength) }

    /// Whether `candidate` lies in the block (RFC 7208 §5.6: the first `prefixLength` bits match).
    public func contains(_ candidate: Address) -> Bool {
        candidate.bits & Self.mask(prefixLength) == address.bits
    }

    /// `address/prefixLength`, always with the length (`192.0.2.0/24`, `2001:db8::1/128`).
    public var description: String { "\(address)/\(prefixLength)" }

    /// The SPF `ip4-network`/`ip6-network` text: the length omitted for a single host
    /// (`/32`, `/128`), as RECORDS.md "Canonical output" requires.
    public var spfText: String {
        prefixLength == Address.bitWidth ? address.description : description
    }

    /// Numeric order of the first address, then shorter prefix first.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.first, lhs.prefixLength) < (rhs.first, rhs.prefixLength)
    }

    /// Parses `"addr"` or `"addr/len"`; host bits are cleared. The length is decimal without
    /// leading zeros, `0...Address.bitWidth`; a bare address is a single-host block.
    /// - Throws: ``IPParseError`` naming `text`.
    public static func parse(_ text: String) throws(IPParseError) -> CIDRBlock<Address> {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address = try Address.parse(String(parts[0]))
        var length = Address.bitWidth
        if parts.count == 2 {
            guard let l = parsePrefixLength(parts[1], maximum: Address.bitWidth) else {
                throw .invalidPrefixLength(network: text, maximum: Address.bitWidth)
            }
            length = l
        }
        return CIDRBlock(address: address, prefixLength: length)
    }
}

/// Parses a decimal prefix length without leading zeros in `0...maximum` (RFC 7208 §4.6.1
/// `ip4-cidr-length`/`ip6-cidr-length`), or returns `nil`.
func parsePrefixLength(_ text: Substring, maximum: Int) -> Int? {
    guard !text.isEmpty, text.count <= 3, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    if text.count > 1 && text.first == "0" { return nil }
    guard let v = Int(text), v <= maximum else { return nil }
    return v
}
