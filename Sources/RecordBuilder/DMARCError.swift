/// Why a DMARC record could not be built or parsed (RFC 7489 §6.3, §6.4; RFC 9989 §4.7).
public enum DMARCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// More than two `rua` URIs were asked for (RECORDS.md: at most two).
    case tooManyAggregateURIs(count: Int)
    /// `value` in tag `field` (`rua`/`ruf`) is not a usable mail address; `reason` says why.
    case invalidReportURI(field: String, value: String, reason: String)
    /// `text` is not a DMARC record: it must start with `v=DMARC1` (literal case-sensitive).
    case notDMARCRecord(String)
    /// Tag `tag` has an invalid value `value`.
    case invalidTagValue(tag: String, value: String)
    /// `text` has a part that is not `tag=value`.
    case malformedTag(String)
    /// Tag `tag` appears more than once.
    case duplicateTag(String)

    /// A stable machine-readable code for the error kind.
    public var code: String {
        switch self {
        case .tooManyAggregateURIs: return "dmarc.too-many-rua"
        case .invalidReportURI: return "dmarc.invalid-uri"
        case .notDMARCRecord: return "dmarc.not-dmarc"
        case .invalidTagValue: return "dmarc.invalid-tag-value"
        case .malformedTag: return "dmarc.malformed-tag"
        case .duplicateTag: return "dmarc.duplicate-tag"
        }
    }

    /// A message naming the field or term and the offending value.
    public var description: String {
        switch self {
        case .tooManyAggregateURIs(let n):
            return "rua would hold \(n) URIs; at most 2 are allowed (the operator's address and one more)"
        case .invalidReportURI(let f, let v, let r): return "\(f) address \"\(v)\" is invalid: \(r)"
        case .notDMARCRecord(let t): return "not a DMARC record (must start with \"v=DMARC1\"): \"\(t)\""
        case .invalidTagValue(let t, let v): return "DMARC tag \(t) has invalid value \"\(v)\" (RFC 7489 §6.3)"
        case .malformedTag(let t): return "DMARC record part \"\(t)\" is not tag=value (RFC 7489 §6.4)"
        case .duplicateTag(let t): return "DMARC tag \(t) appears more than once"
        }
    }
}
