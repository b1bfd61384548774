/// A resource record CLASS (RFC 1035 §3.2.4, §3.2.5): a 16-bit value; unknown values are
/// kept and shown as `CLASSnnnnn` (RFC 3597 §5).
public struct RRClass: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric class value.
    public let rawValue: UInt16

    /// Creates a class from its numeric value (any value is allowed).
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Creates a class from its numeric value.
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// The Internet (RFC 1035 §3.2.4).
    public static let `in` = RRClass(1)
    /// Chaos (RFC 1035 §3.2.4), used for `version.bind` / `id.server`.
    public static let ch = RRClass(3)
    /// Hesiod (RFC 1035 §3.2.4).
    public static let hs = RRClass(4)
    /// NONE (RFC 2136 §1).
    public static let none = RRClass(254)
    /// Any class, QCLASS only (RFC 1035 §3.2.5).
    public static let any = RRClass(255)

    /// Parses `IN`, `CH`, `HS`, `NONE`, `ANY` (case-insensitive) or `CLASSnnnnn`.
    ///
    /// - Throws: `DNSCoreError.unknownMnemonic` naming the text.
    public init(mnemonic text: String) throws {
        switch text.uppercased() {
        case "IN": self = .in
        case "CH": self = .ch
        case "HS": self = .hs
        case "NONE": self = .none
        case "ANY": self = .any
        case let upper where upper.hasPrefix("CLASS"):
            guard let value = UInt16(upper.dropFirst(5)) else {
                throw DNSCoreError.unknownMnemonic(kind: "record class", text: text)
            }
            self.init(value)
        default:
            throw DNSCoreError.unknownMnemonic(kind: "record class", text: text)
        }
    }

    /// The mnemonic, or `CLASSnnnnn` (RFC 3597 §5).
    public var description: String {
        switch self {
        case .in: return "IN"
        case .ch: return "CH"
        case .hs: return "HS"
        case .none: return "NONE"
        case .any: return "ANY"
        default: return "CLASS\(rawValue)"
        }
    }
}
