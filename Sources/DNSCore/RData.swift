/// Typed RDATA (RFC 1035 §3.3, §3.4; RFC 3596 §2.2; RFC 3597 for unknown types).
///
/// Typed values inside; rendered to wire (`RData+Wire`) or presentation text
/// (`RData+Presentation`) only at the edges.
public enum RData: Hashable, Sendable {
    /// An IPv4 address as a host-order 32-bit value (`192.0.2.1` = `0xC000_0201`) (RFC 1035 §3.4.1).
    case a(UInt32)
    /// An IPv6 address as a host-order 128-bit value (16 octets on the wire) (RFC 3596 §2.2).
    case aaaa(UInt128)
    /// A name server host (RFC 1035 §3.3.11).
    case ns(DNSName)
    /// The canonical name this owner is an alias for (RFC 1035 §3.3.1).
    case cname(DNSName)
    /// A pointer to another name (RFC 1035 §3.3.12).
    case ptr(DNSName)
    /// A mail exchange with its preference, lower preferred (RFC 1035 §3.3.9).
    case mx(preference: UInt16, exchange: DNSName)
    /// Start of authority (RFC 1035 §3.3.13).
    case soa(SOAData)
    /// One or more character-strings (RFC 1035 §3.3.14). Consumers join them without
    /// separators (RFC 7208 §3.3).
    case txt([CharacterString])
    /// Host information (RFC 1035 §3.3.2); used for the RFC 8482 ANY answer.
    case hinfo(cpu: CharacterString, os: CharacterString)
    /// RDATA of any other type, kept as raw octets (RFC 3597 §4).
    case unknown(type: RRType, bytes: [UInt8])

    /// The record type this RDATA belongs to.
    public var type: RRType {
        switch self {
        case .a: return .a
        case .aaaa: return .aaaa
        case .ns: return .ns
        case .cname: return .cname
        case .ptr: return .ptr
        case .mx: return .mx
        case .soa: return .soa
        case .txt: return .txt
        case .hinfo: return .hinfo
        case let .unknown(type, _): return type
        }
    }

    /// TXT RDATA from a single text value of any length, split into ≤255-octet strings
    /// (C30). Use `.txt([CharacterString])` when the split points matter (C08).
    public static func txt(splitting text: String) -> RData {
        .txt(CharacterString.split(text))
    }

    /// TXT RDATA from explicit strings.
    ///
    /// - Throws: `DNSCoreError.characterStringTooLong` when any string exceeds 255 octets.
    public static func txt(strings: [String]) throws -> RData {
        .txt(try strings.map { try CharacterString($0) })
    }

    /// A RDATA from four octets (`192, 0, 2, 1`).
    public static func a(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) -> RData {
        .a(UInt32(b0) << 24 | UInt32(b1) << 16 | UInt32(b2) << 8 | UInt32(b3))
    }

    /// AAAA RDATA from exactly 16 octets in network order.
    ///
    /// - Throws: `DNSCoreError.invalidRData` when `octets` is not 16 long.
    public static func aaaa(octets: [UInt8]) throws -> RData {
        guard octets.count == 16 else {
            throw DNSCoreError.invalidRData(type: "AAAA", reason: "address has \(octets.count) octets, expected 16")
        }
        var value: UInt128 = 0
        for octet in octets { value = value << 8 | UInt128(octet) }
        return .aaaa(value)
    }
}
