import Glibc

extension IPv4Address {
    /// Parses a dotted-decimal IPv4 address (`"192.0.2.1"`) with Glibc `inet_pton(AF_INET)`.
    ///
    /// Exactly four decimal octets, no leading zeros, no shorthand forms (RFC 7208 §4.6.1
    /// `ip4-network`, POSIX `inet_pton`).
    /// - Throws: ``IPParseError/invalidIPv4Address(_:)`` naming `text`.
    public static func parse(_ text: String) throws(IPParseError) -> IPv4Address {
        guard !text.isEmpty, !text.utf8.contains(0) else { throw .invalidIPv4Address(text) }
        var addr = in_addr()
        let ok = text.withCString { inet_pton(AF_INET, $0, &addr) }
        guard ok == 1 else { throw .invalidIPv4Address(text) }
        return IPv4Address(UInt32(bigEndian: addr.s_addr))
    }

    /// Parses a dotted-decimal IPv4 address, or returns `nil` (see ``parse(_:)``).
    public init?(_ text: String) {
        guard let a = try? IPv4Address.parse(text) else { return nil }
        self = a
    }

    /// The address in dotted-decimal form (`"192.0.2.1"`), formatted by Glibc `inet_ntop`.
    public var description: String {
        var addr = in_addr(s_addr: value.bigEndian)
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        let result = buffer.withUnsafeMutableBufferPointer { buf in
            inet_ntop(AF_INET, &addr, buf.baseAddress, socklen_t(buf.count))
        }
        precondition(result != nil, "inet_ntop(AF_INET) cannot fail on a valid buffer")
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
