#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RecordBuilder

/// An IPv4 or IPv6 address, parsed and printed with the C library (`inet_pton`/`inet_ntop`,
/// RFC 4291 §2.2 input, RFC 5952 output on glibc).
public enum InventoryAddress: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// Parses dotted-quad IPv4 or any RFC 4291 §2.2 IPv6 text; `nil` for anything else
    /// (including IPv4 with fewer than four parts or leading zeros, which `inet_pton` rejects).
    public init?(_ text: String) {
        if text.contains(":") {
            var raw = in6_addr()
            guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
            let octets = withUnsafeBytes(of: &raw) { Array($0) }
            self = .v6(IPv6Address(octets: octets))
        } else {
            var raw = in_addr()
            guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
            let octets = withUnsafeBytes(of: &raw) { Array($0) }
            self = .v4(IPv4Address(octets[0], octets[1], octets[2], octets[3]))
        }
    }

    /// Prefix length of a host route: 32 or 128.
    public var bitCount: Int {
        switch self {
        case .v4: return 32
        case .v6: return 128
        }
    }

    /// Canonical text: dotted quad, or RFC 5952 IPv6 (lowercase, `::` for the longest zero run).
    public var description: String {
        switch self {
        case let .v4(address):
            var raw = in_addr()
            raw.s_addr = address.value.bigEndian
            return Self.ntop(AF_INET, &raw, INET_ADDRSTRLEN)
        case let .v6(address):
            var raw = in6_addr()
            var bits = address.value.bigEndian
            withUnsafeBytes(of: &bits) { source in
                withUnsafeMutableBytes(of: &raw) { $0.copyMemory(from: source) }
            }
            return Self.ntop(AF_INET6, &raw, INET6_ADDRSTRLEN)
        }
    }

    private static func ntop<T>(_ family: Int32, _ raw: inout T, _ size: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(size))
        _ = withUnsafePointer(to: &raw) { inet_ntop(family, $0, &buffer, socklen_t(size)) }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// IPv4 before IPv6, then numeric order.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case let (.v4(a), .v4(b)): return a < b
        case let (.v6(a), .v6(b)): return a < b
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let address = InventoryAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an IP address: \(text)"))
        }
        self = address
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
