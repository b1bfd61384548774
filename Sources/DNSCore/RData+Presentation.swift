extension RData {
    /// The RDATA in master-file presentation form (RFC 1035 §5.1), as NSD and BIND load it:
    /// absolute names with a trailing dot, TXT/HINFO as quoted strings with `\"`, `\\` and
    /// `\DDD` escapes, SOA on one line, IPv6 in RFC 5952 form, unknown types in the RFC 3597
    /// §5 generic form `\# <length> <hex>`.
    public var presentation: String {
        switch self {
        case let .a(address):
            return "\(address >> 24).\((address >> 16) & 0xFF).\((address >> 8) & 0xFF).\(address & 0xFF)"
        case let .aaaa(address):
            return RData.ipv6Presentation(address)
        case let .ns(name), let .cname(name), let .ptr(name):
            return name.description
        case let .mx(preference, exchange):
            return "\(preference) \(exchange)"
        case let .soa(soa):
            return "\(soa.mname) \(soa.rname) \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimum)"
        case let .txt(strings):
            return strings.map(\.description).joined(separator: " ")
        case let .hinfo(cpu, os):
            return "\(cpu) \(os)"
        case let .unknown(_, bytes):
            if bytes.isEmpty { return "\\# 0" }
            return "\\# \(bytes.count) " + RData.hex(bytes)
        }
    }

    /// Lowercase hex of `bytes` without separators.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }

    /// RFC 5952 §4 text for an IPv6 address: lowercase hex, leading zeros dropped, the
    /// longest run (leftmost on ties) of two or more zero groups shown as `::`.
    static func ipv6Presentation(_ address: UInt128) -> String {
        var groups: [UInt16] = []
        for index in 0..<8 {
            groups.append(UInt16(truncatingIfNeeded: address >> (112 - 16 * UInt128(index))))
        }
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength && end - index >= 2 {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func text(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return text(0..<8) }
        return text(0..<bestStart) + "::" + text((bestStart + bestLength)..<8)
    }
}
