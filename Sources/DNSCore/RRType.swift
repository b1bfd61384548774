/// A resource record TYPE (RFC 1035 §3.2.2, §3.2.3): a 16-bit value with mnemonics for the
/// types Herald knows; any other value is kept and shown as `TYPEnnnnn` (RFC 3597 §5).
public struct RRType: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The numeric type value.
    public let rawValue: UInt16

    /// Creates a type from its numeric value (any value is allowed).
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Creates a type from its numeric value.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// IPv4 host address (RFC 1035 §3.4.1).
    public static let a = RRType(1)
    /// Authoritative name server (RFC 1035 §3.3.11).
    public static let ns = RRType(2)
    /// Canonical name (RFC 1035 §3.3.1).
    public static let cname = RRType(5)
    /// Start of authority (RFC 1035 §3.3.13).
    public static let soa = RRType(6)
    /// Domain name pointer (RFC 1035 §3.3.12).
    public static let ptr = RRType(12)
    /// Host information (RFC 1035 §3.3.2; RFC 8482 §4.2).
    public static let hinfo = RRType(13)
    /// Mail exchange (RFC 1035 §3.3.9).
    public static let mx = RRType(15)
    /// Text strings (RFC 1035 §3.3.14).
    public static let txt = RRType(16)
    /// IPv6 host address (RFC 3596 §2.1).
    public static let aaaa = RRType(28)
    /// Service locator (RFC 2782).
    public static let srv = RRType(33)
    /// EDNS option pseudo-record (RFC 6891 §6.1.1).
    public static let opt = RRType(41)
    /// DNSSEC signature (RFC 4034 §3).
    public static let rrsig = RRType(46)
    /// Incremental zone transfer (RFC 1995), QTYPE only.
    public static let ixfr = RRType(251)
    /// Full zone transfer (RFC 5936), QTYPE only.
    public static let axfr = RRType(252)
    /// Any type (RFC 1035 §3.2.3; RFC 8482), QTYPE only.
    public static let any = RRType(255)
    /// Certification authority authorization (RFC 8659).
    public static let caa = RRType(257)

    static let mnemonics: [(RRType, String)] = [
        (.a, "A"), (.ns, "NS"), (.cname, "CNAME"), (.soa, "SOA"), (.ptr, "PTR"),
        (.hinfo, "HINFO"), (.mx, "MX"), (.txt, "TXT"), (.aaaa, "AAAA"), (.srv, "SRV"),
        (.opt, "OPT"), (.rrsig, "RRSIG"), (.ixfr, "IXFR"), (.axfr, "AXFR"), (.any, "ANY"),
        (.caa, "CAA"),
    ]

    /// Parses a mnemonic (`TXT`, case-insensitive) or the generic form `TYPE65280`
    /// (RFC 3597 §5).
    ///
    /// - Throws: `DNSCoreError.unknownMnemonic` naming the text.
    public init(mnemonic text: String) throws {
        let upper = text.uppercased()
        if let found = RRType.mnemonics.first(where: { $0.1 == upper }) {
            self = found.0
            return
        }
        if upper.hasPrefix("TYPE"), let value = UInt16(upper.dropFirst(4)) {
            self.init(value)
            return
        }
        throw DNSCoreError.unknownMnemonic(kind: "record type", text: text)
    }

    /// The mnemonic, or `TYPEnnnnn` for a type without one (RFC 3597 §5).
    public var description: String {
        if let found = RRType.mnemonics.first(where: { $0.0 == self }) { return found.1 }
        return "TYPE\(rawValue)"
    }

    /// Whether this is a QTYPE-only meta type (RFC 6895 §3.1: 128…255) or OPT.
    public var isMetaType: Bool { (rawValue >= 128 && rawValue <= 255) || self == .opt }

    /// Orders by numeric value.
    public static func < (lhs: RRType, rhs: RRType) -> Bool { lhs.rawValue < rhs.rawValue }
}
