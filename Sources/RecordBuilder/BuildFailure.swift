/// Why a domain's records could not be built. Nothing for that domain is published from a
/// failed build (RECORDS.md "SPF").
///
/// ``temporary(sender:name:reason:)`` is retryable: keep the last good records and warn
/// (RFC 7208 §2.6.6, §4.4). Every other case is permanent and names what is at fault.
public enum BuildFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// A temporary DNS failure for `name` while flattening `sender` (slug).
    case temporary(sender: String, name: String, reason: String)
    /// The SPF tree of `sender` (slug) at `entryPoint` is broken.
    case sender(sender: String, entryPoint: String, error: SPFFlattenError)
    /// The hosted SPF records cannot be rendered (size, lookups, `+all`).
    case spf(SPFRenderError)
    /// The DMARC settings are invalid.
    case dmarc(DMARCError)
    /// The MTA-STS or TLS-RPT settings are invalid.
    case mtaSTS(MTASTSError)
    /// `field` holds `value`, which is not acceptable; `reason` says why.
    case invalidInput(field: String, value: String, reason: String)
    /// The hosted name `name` is `excess` octets over 255 (RFC 1035 §2.3.4).
    case nameTooLong(name: String, excess: Int)

    /// Whether the failure may go away on retry.
    public var isTemporary: Bool {
        if case .temporary = self { return true }
        return false
    }

    /// A stable machine-readable code for the error kind.
    public var code: String {
        switch self {
        case .temporary: return "build.temporary"
        case .sender(_, _, let e): return e.code
        case .spf(let e): return e.code
        case .dmarc(let e): return e.code
        case .mtaSTS(let e): return e.code
        case .invalidInput: return "build.invalid-input"
        case .nameTooLong: return "build.name-too-long"
        }
    }

    /// A message naming the field or term and the offending value.
    public var description: String {
        switch self {
        case .temporary(let s, let n, let r):
            return "sender \(s): temporary DNS failure for \(n): \(r); keeping the last good records (RFC 7208 §4.4)"
        case .sender(let s, let entry, let e): return "sender \(s) (include:\(entry)): \(e)"
        case .spf(let e): return e.description
        case .dmarc(let e): return e.description
        case .mtaSTS(let e): return e.description
        case .invalidInput(let f, let v, let r): return "\(f) \"\(v)\" is invalid: \(r)"
        case .nameTooLong(let n, let e): return "hosted name \(n) is \(e) octets over the 255-octet limit (RFC 1035 §2.3.4)"
        }
    }
}
