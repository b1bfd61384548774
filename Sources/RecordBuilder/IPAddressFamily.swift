/// An IP address family value (IPv4 or IPv6) seen as an unsigned integer of fixed width.
///
/// Lets ``CIDRBlock`` and ``CIDRSet`` work on both families with one implementation: an address
/// is its `bits` (most significant bit first), and a prefix of length `n` is the first `n` bits
/// (RFC 4632 §3.1, RFC 4291 §2.3).
public protocol IPAddressFamily: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The unsigned integer type holding the address bits (`UInt32` or `UInt128`).
    associatedtype Bits: FixedWidthInteger & UnsignedInteger & Sendable
    /// Address width in bits: 32 for IPv4, 128 for IPv6.
    static var bitWidth: Int { get }
    /// The address as an unsigned integer, most significant octet first.
    var bits: Bits { get }
    /// Creates an address from its bits.
    init(bits: Bits)
    /// Parses an address in its standard text form (dotted quad, or RFC 4291 §2.2 for IPv6).
    /// - Throws: ``IPParseError`` naming `text`.
    static func parse(_ text: String) throws(IPParseError) -> Self
}

extension IPv4Address: IPAddressFamily {
    /// 32.
    public static var bitWidth: Int { 32 }
    /// The address bits (same as ``value``).
    public var bits: UInt32 { value }
    /// Creates an address from its 32 bits.
    public init(bits: UInt32) { self.init(bits) }
}

extension IPv6Address: IPAddressFamily {
    /// 128.
    public static var bitWidth: Int { 128 }
    /// The address bits (same as ``value``).
    public var bits: UInt128 { value }
    /// Creates an address from its 128 bits.
    public init(bits: UInt128) { self.init(bits) }
}
