/// An IPv4 address as a 32-bit unsigned integer in host order (`192.0.2.1` is `0xC000_0201`).
public struct IPv4Address: Hashable, Comparable, Sendable {
    /// The address bits, most significant octet first.
    public var value: UInt32

    /// Creates an address from its 32 bits.
    public init(_ value: UInt32) { self.value = value }

    /// Creates an address from four octets in network order.
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// An IPv6 address as a 128-bit unsigned integer in host order.
public struct IPv6Address: Hashable, Comparable, Sendable {
    /// The address bits, most significant octet first.
    public var value: UInt128

    /// Creates an address from its 128 bits.
    public init(_ value: UInt128) { self.value = value }

    /// Creates an address from 16 octets in network order.
    /// - Precondition: `octets.count == 16`.
    public init<C: Collection>(octets: C) where C.Element == UInt8 {
        precondition(octets.count == 16, "IPv6 address needs 16 octets")
        var v: UInt128 = 0
        for o in octets { v = v << 8 | UInt128(o) }
        value = v
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}
