import Glibc

extension IPv6Address {
    /// Parses an IPv6 address in RFC 4291 §2.2 text form (`"2001:db8::1"`) with Glibc
    /// `inet_pton(AF_INET6)`.
    /// - Throws: ``IPParseError/invalidIPv6Address(_:)`` naming `text`.
    public static func parse(_ text: String) throws(IPParseError) -> IPv6Address {
        guard !text.isEmpty, !text.utf8.contains(0) else { throw .invalidIPv6Address(text) }
        var addr = in6_addr()
        let ok = text.withCString { inet_pton(AF_INET6, $0, &addr) }
        guard ok == 1 else { throw .invalidIPv6Address(text) }
        return withUnsafeBytes(of: &addr) { IPv6Address(octets: Array($0)) }
    }

    /// Parses an IPv6 address, or returns `nil` (see ``parse(_:)``).
    public init?(_ text: String) {
        guard let a = try? IPv6Address.parse(text) else { return nil }
        self = a
    }

    /// The 16 octets in network order.
    public var octets: [UInt8] {
        (0..<16).map { UInt8(truncatingIfNeeded: value >> (8 * (15 - $0))) }
    }

    /// The address in RFC 5952 canonical text form (`"2001:db8::1"`), formatted by Glibc
    /// `inet_ntop(AF_INET6)`: lowercase hex, leading zeros suppressed, the longest run of two or
    /// more zero groups shortened to `::`.
    public var description: String {
        var addr = in6_addr()
        let bytes = octets
        withUnsafeMutableBytes(of: &addr) { raw in
            for i in 0..<16 { raw[i] = bytes[i] }
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let result = buffer.withUnsafeMutableBufferPointer { buf in
            inet_ntop(AF_INET6, &addr, buf.baseAddress, socklen_t(buf.count))
        }
        precondition(result != nil, "inet_ntop(AF_INET6) cannot fail on a valid buffer")
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
