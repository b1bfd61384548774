import RecordBuilder

/// An IPv4 or IPv6 network in CIDR notation (RFC 4632 §3.1, RFC 4291 §2.3), with no host bits
/// set below the prefix.
///
/// Operator input with host bits set (`192.0.2.173/30`) is **refused**, with an error that
/// suggests the network (`192.0.2.172/30`): a typo in a customer's own range should not silently
/// authorise neighbours. A bare address means a host route (`/32` or `/128`).
public struct InventoryCIDR: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The network address (host bits all zero).
    public let address: InventoryAddress
    /// Prefix length: 0…32 for IPv4, 0…128 for IPv6.
    public let prefixLength: Int

    /// Parses `ADDRESS[/LEN]`.
    ///
    /// - Parameters:
    ///   - input: the text as typed.
    ///   - argument: the argument name quoted in errors (`CIDR`).
    /// - Throws: ``InventoryError/invalidValue(argument:value:reason:)`` when the address does
    ///   not parse, the length is not a number in range, or host bits are set (the message
    ///   names the canonical network).
    public init(parsing input: String, argument: String) throws {
        func fail(_ reason: String) -> InventoryError {
            .invalidValue(argument: argument, value: input, reason: reason)
        }
        let parts = input.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = InventoryAddress(String(parts[0])) else {
            throw fail("'\(parts[0])' is not an IPv4 or IPv6 address")
        }
        var length = address.bitCount
        if parts.count == 2 {
            guard let value = Int(parts[1]), parts[1].allSatisfy(\.isASCII), parts[1].first != "+",
                  (0...address.bitCount).contains(value) else {
                throw fail("prefix length '\(parts[1])' is not a number from 0 to \(address.bitCount)")
            }
            length = value
        }
        let network = Self.network(of: address, prefixLength: length)
        if network != address {
            throw fail("host bits are set below /\(length); the network is \(network)/\(length)")
        }
        self.address = address
        self.prefixLength = length
    }

    /// Creates a block from stored canonical text, or `nil` if it is not canonical.
    init?(canonical text: String) {
        guard let block = try? InventoryCIDR(parsing: text, argument: "range"), block.description == text else { return nil }
        self = block
    }

    /// `address` with every bit below `prefixLength` cleared.
    static func network(of address: InventoryAddress, prefixLength: Int) -> InventoryAddress {
        switch address {
        case let .v4(a):
            let mask: UInt32 = prefixLength == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefixLength)
            return .v4(IPv4Address(a.value & mask))
        case let .v6(a):
            let mask: UInt128 = prefixLength == 0 ? 0 : ~UInt128(0) << UInt128(128 - prefixLength)
            return .v6(IPv6Address(a.value & mask))
        }
    }

    /// Canonical text: `192.0.2.0/24`, `2001:db8::/32`; the length is always written.
    public var description: String { "\(address)/\(prefixLength)" }

    /// IPv4 before IPv6, then by address, then shorter prefix first.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.address, lhs.prefixLength) < (rhs.address, rhs.prefixLength)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let block = InventoryCIDR(canonical: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a canonical CIDR: \(text)"))
        }
        self = block
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
