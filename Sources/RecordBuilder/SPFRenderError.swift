/// Why the hosted SPF records for a domain could not be rendered (RFC 7208 §3.3, §3.4, §4.6.4).
public enum SPFRenderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A receiver would spend `count` DNS lookups (customer include + kept includes and their
    /// own lookups + chain links), more than 10 (§4.6.4).
    case tooManyLookups(domain: String, count: Int, breakdown: String)
    /// `term` for `owner` cannot fit in one character-string with its separating space.
    case termTooLong(owner: String, term: String)
    /// The hosted record's `all` qualifier would be `+all` (every address passes).
    case permissiveAll(domain: String)
    /// The hosted name `name` is `excess` octets over the 255-octet wire limit (RFC 1035 §2.3.4).
    case nameTooLong(name: String, excess: Int)
    /// A receiver may meet `count` void lookups (NXDOMAIN or empty answers) evaluating the
    /// published record, more than 2 (§4.6.4); `breakdown` names where they come from.
    case tooManyVoidLookups(domain: String, count: Int, breakdown: String)
    /// The record at `owner` needs `octets` octets of RDATA, over `limit` (§3.4: a non-EDNS
    /// answer must fit 512 octets); raised in macro mode, which has no chain links.
    case recordTooLarge(owner: String, octets: Int, limit: Int)
    /// Macro mode for `domain`: the IPv6 query name `name` (32 nibble labels under
    /// `_ip.D._spf.H`) would be `octets` octets, over the 253 of §7.3 (receivers would drop
    /// labels from the left and the `exists` would miss).
    case macroQueryNameTooLong(domain: String, name: String, octets: Int)

    /// A stable machine-readable code for the error kind.
    public var code: String {
        switch self {
        case .tooManyLookups: return "spf-render.too-many-lookups"
        case .termTooLong: return "spf-render.term-too-long"
        case .permissiveAll: return "spf-render.permissive-all"
        case .nameTooLong: return "spf-render.name-too-long"
        case .tooManyVoidLookups: return "spf-render.too-many-void-lookups"
        case .recordTooLarge: return "spf-render.record-too-large"
        case .macroQueryNameTooLong: return "spf-render.macro-name-too-long"
        }
    }

    /// A message naming the field or term and the offending value.
    public var description: String {
        switch self {
        case .tooManyLookups(let d, let n, let b):
            return "SPF for \(d) would need \(n) DNS lookups at receivers (\(b)), more than 10 (RFC 7208 §4.6.4)"
        case .termTooLong(let o, let t):
            return "SPF term \"\(t)\" for \(o) does not fit in a 255-octet character-string (RFC 7208 §3.3)"
        case .permissiveAll(let d):
            return "the SPF all-qualifier for \(d) must not be \"+\": +all authorises every address"
        case .nameTooLong(let n, let e):
            return "hosted name \(n) is \(e) octets over the 255-octet limit (RFC 1035 §2.3.4)"
        case .tooManyVoidLookups(let d, let n, let b):
            return "SPF for \(d) may cost receivers \(n) void DNS lookups (\(b)), more than 2 (RFC 7208 §4.6.4)"
        case .recordTooLarge(let o, let n, let l):
            return "SPF record \(o) needs \(n) octets of RDATA, more than \(l) (RFC 7208 §3.4)"
        case .macroQueryNameTooLong(let d, let n, let o):
            return "macro mode for \(d): the IPv6 query name \(n) would be \(o) octets, more than 253 (RFC 7208 §7.3); use flatten mode"
        }
    }
}
