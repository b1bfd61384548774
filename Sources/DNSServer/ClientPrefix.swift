import NIOCore

/// A client's address cut to a prefix, the "who" of a rate-limit bucket (NSD `rrl-ipv4-prefix-length`,
/// `rrl-ipv6-prefix-length`).
///
/// Stored as 128 bits: an IPv6 address as is, an IPv4 address (or an IPv4-mapped IPv6 address,
/// `::ffff:a.b.c.d`, RFC 4291 §2.5.5.2) in mapped form, so both families share one key space.
public struct ClientPrefix: Hashable, Sendable {
    /// The high 64 bits of the masked address.
    public let high: UInt64
    /// The low 64 bits of the masked address.
    public let low: UInt64

    /// An IPv4 address (host order, `127.0.0.1` = `0x7F00_0001`) masked to `prefixLength` bits (0…32).
    public init(ipv4 address: UInt32, prefixLength: Int) {
        let length = min(max(0, prefixLength), 32)
        let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length)
        self.init(high: 0, low: 0x0000_FFFF_0000_0000 | UInt64(address & mask))
    }

    /// A prefix from its two halves as stored.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An IPv6 address (two host-order halves) masked to `ipv6PrefixLength` bits (0…128); an
    /// IPv4-mapped address is treated as IPv4 and masked to `ipv4PrefixLength` bits.
    public init(ipv6High: UInt64, ipv6Low: UInt64, ipv6PrefixLength: Int, ipv4PrefixLength: Int) {
        if ipv6High == 0, ipv6Low >> 32 == 0xFFFF {
            self.init(ipv4: UInt32(truncatingIfNeeded: ipv6Low), prefixLength: ipv4PrefixLength)
            return
        }
        let length = min(max(0, ipv6PrefixLength), 128)
        let highMask: UInt64 = length >= 64 ? ~0 : (length == 0 ? 0 : ~UInt64(0) << UInt64(64 - length))
        let lowMask: UInt64 = length <= 64 ? 0 : (length == 128 ? ~0 : ~UInt64(0) << UInt64(128 - length))
        self.init(high: ipv6High & highMask, low: ipv6Low & lowMask)
    }

    /// Whether `address` is a loopback address: 127.0.0.0/8, ::1, or ::ffff:127.0.0.0/104
    /// (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3). Reads the address in place.
    public static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            return UInt32(bigEndian: v4.address.sin_addr.s_addr) >> 24 == 127
        case .v6(let v6):
            var storage = v6.address.sin6_addr
            return withUnsafeBytes(of: &storage) { raw in
                if raw[0..<15].allSatisfy({ $0 == 0 }) { return raw[15] == 1 }
                return raw[0..<10].allSatisfy { $0 == 0 } && raw[10] == 0xFF && raw[11] == 0xFF && raw[12] == 127
            }
        case .unixDomainSocket:
            return true
        }
    }

    /// The prefix of a datagram's source address under `limit`'s prefix lengths; a Unix
    /// socket peer maps to one shared prefix. Reads the socket address in place (no allocation).
    public init(_ address: SocketAddress, limit: RateLimit) {
        switch address {
        case .v4(let v4):
            self.init(ipv4: UInt32(bigEndian: v4.address.sin_addr.s_addr), prefixLength: limit.ipv4PrefixLength)
        case .v6(let v6):
            var storage = v6.address.sin6_addr
            let (high, low) = withUnsafeBytes(of: &storage) { raw -> (UInt64, UInt64) in
                var h: UInt64 = 0, l: UInt64 = 0
                for i in 0..<8 { h = h << 8 | UInt64(raw[i]) }
                for i in 8..<16 { l = l << 8 | UInt64(raw[i]) }
                return (h, l)
            }
            self.init(ipv6High: high, ipv6Low: low, ipv6PrefixLength: limit.ipv6PrefixLength,
                      ipv4PrefixLength: limit.ipv4PrefixLength)
        case .unixDomainSocket:
            self.init(high: ~0, low: ~0)
        }
    }
}
