#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// What the query pipeline needs to know about a datagram's source: whether it is loopback
/// (exempt from rate limiting by default), its rate-limit prefix, and a text form for the
/// query log. Implemented by NIO's `SocketAddress` and by ``RawSocketAddress`` (the
/// `sockaddr_storage` filled in by `recvmmsg(2)`), so the pipeline is generic and the batched
/// UDP path never builds a `SocketAddress` per datagram.
protocol UDPClientAddress {
    /// Whether the address is loopback: 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104.
    var isLoopback: Bool { get }
    /// The address cut to `limit`'s prefix lengths.
    func prefix(limit: RateLimit) -> ClientPrefix
    /// `address:port` for the query log.
    var logDescription: String { get }
}

extension SocketAddress: UDPClientAddress {
    var isLoopback: Bool { ClientPrefix.isLoopback(self) }
    func prefix(limit: RateLimit) -> ClientPrefix { ClientPrefix(self, limit: limit) }
    var logDescription: String { "\(ipAddress ?? "?"):\(port ?? 0)" }
}

/// A source address as the kernel wrote it into a `sockaddr_storage` (AF_INET or AF_INET6),
/// read in place. Valid only while that storage is (one batch).
struct RawSocketAddress: UDPClientAddress {
    /// The storage filled in by `recvmmsg(2)`.
    let storage: UnsafePointer<sockaddr_storage>

    var isLoopback: Bool {
        switch Int32(storage.pointee.ss_family) {
        case AF_INET:
            let address = storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            return UInt32(bigEndian: address) >> 24 == 127
        case AF_INET6:
            let (high, low) = ipv6Halves
            if high == 0, low == 1 { return true }
            return high == 0 && low >> 24 == 0xFFFF_7F
        default:
            return false
        }
    }

    func prefix(limit: RateLimit) -> ClientPrefix {
        switch Int32(storage.pointee.ss_family) {
        case AF_INET:
            let address = storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            return ClientPrefix(ipv4: UInt32(bigEndian: address), prefixLength: limit.ipv4PrefixLength)
        case AF_INET6:
            let (high, low) = ipv6Halves
            return ClientPrefix(ipv6High: high, ipv6Low: low, ipv6PrefixLength: limit.ipv6PrefixLength,
                                ipv4PrefixLength: limit.ipv4PrefixLength)
        default:
            return ClientPrefix(high: ~0, low: ~0)
        }
    }

    /// The IPv6 address as two host-order halves.
    private var ipv6Halves: (UInt64, UInt64) {
        storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
            withUnsafeBytes(of: pointer.pointee.sin6_addr) { raw in
                (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                 UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
        }
    }

    /// The NIO form (only built for the query log).
    var socketAddress: SocketAddress? {
        switch Int32(storage.pointee.ss_family) {
        case AF_INET:
            return storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: "") }
        case AF_INET6:
            return storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee, host: "") }
        default:
            return nil
        }
    }

    var logDescription: String { socketAddress?.logDescription ?? "?" }
}
