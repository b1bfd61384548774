/// Why a sender's SPF tree could not be flattened (RFC 7208 §4.4, §4.5, §4.6.4, §5.2, §6.1).
///
/// ``temporary(name:reason:)`` is the only retryable case: callers keep the last good record
/// (§2.6.6, §4.4). Every other case is permanent and names the record and term at fault.
public enum SPFFlattenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A DNS query for `name` failed in a way that may go away (timeout, SERVFAIL, truncation).
    case temporary(name: String, reason: String)
    /// `name`, reached by `term` in `record` (nil for the entry point), has no SPF record or
    /// does not exist (`nxdomain`), which makes `include`/`redirect` a permerror (§5.2, §6.1).
    case noSPFRecord(name: String, nxdomain: Bool, record: String?, term: String?)
    /// `name` publishes `count` SPF records (§4.5: permerror).
    case multipleSPFRecords(name: String, count: Int)
    /// The SPF record at `name` has a syntax error.
    case syntax(name: String, error: SPFSyntaxError)
    /// The include/redirect chain loops; `cycle` lists the names, first repeated last (`a→b→a`).
    case loop(cycle: [String])
    /// The tree needs `count` DNS-querying terms, counting the include that reaches `entryPoint`
    /// (§4.6.4: more than 10 is permerror).
    case tooManyLookups(entryPoint: String, count: Int)
    /// The tree has `count` void lookups for `family` ("IPv4"/"IPv6"), over the limit of 2
    /// (§4.6.4).
    case tooManyVoidLookups(entryPoint: String, family: String, count: Int)
    /// `term` in `record` found `count` MX names, more than 10 (§4.6.4: permerror).
    case tooManyMXNames(record: String, term: String, count: Int)
    /// `term` (`+all` or `?all`) in `record` would authorise or neutralise every address.
    case permissiveAll(record: String, term: String)

    /// Whether the failure may go away on retry (keep the last good record).
    public var isTemporary: Bool {
        if case .temporary = self { return true }
        return false
    }

    /// A stable machine-readable code for the error kind.
    public var code: String {
        switch self {
        case .temporary: return "spf.temporary"
        case .noSPFRecord: return "spf.no-record"
        case .multipleSPFRecords: return "spf.multiple-records"
        case .syntax: return "spf.syntax"
        case .loop: return "spf.loop"
        case .tooManyLookups: return "spf.too-many-lookups"
        case .tooManyVoidLookups: return "spf.too-many-void-lookups"
        case .tooManyMXNames: return "spf.too-many-mx"
        case .permissiveAll: return "spf.permissive-all"
        }
    }

    /// A message naming the field or term and the offending value.
    public var description: String {
        switch self {
        case .temporary(let name, let reason):
            return "temporary DNS failure for \(name): \(reason) (RFC 7208 §4.4); keeping the last good record"
        case .noSPFRecord(let name, let nx, let record, let term):
            let what = nx ? "does not exist (NXDOMAIN)" : "has no SPF record"
            if let record, let term {
                return "\(name) \(what); \"\(term)\" in \(record) is a permerror (RFC 7208 §5.2, §6.1)"
            }
            return "\(name) \(what) (RFC 7208 §4.5)"
        case .multipleSPFRecords(let name, let count):
            return "\(name) publishes \(count) SPF records; exactly one is allowed (RFC 7208 §4.5)"
        case .syntax(let name, let error):
            return "SPF record of \(name): \(error)"
        case .loop(let cycle):
            return "SPF include/redirect loop: \(cycle.joined(separator: "→")) (RFC 7208 §4.6.4)"
        case .tooManyLookups(let entry, let count):
            return "include:\(entry) needs \(count) DNS lookups, more than 10 (RFC 7208 §4.6.4)"
        case .tooManyVoidLookups(let entry, let family, let count):
            return "the SPF tree of \(entry) has \(count) void lookups for \(family) senders, more than 2 (RFC 7208 §4.6.4)"
        case .tooManyMXNames(let record, let term, let count):
            return "\"\(term)\" in \(record) finds \(count) MX names, more than 10 (RFC 7208 §4.6.4)"
        case .permissiveAll(let record, let term):
            return "\"\(term)\" in \(record) would make every address \(term.hasPrefix("?") ? "neutral" : "pass"); refusing to flatten"
        }
    }
}
