/// Why an MTA-STS policy or TLS-RPT record is invalid (RFC 8461 §3.1, §3.2, §4.1; RFC 8460 §3).
public enum MTASTSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `pattern` is not a host name or a `*.` wildcard as the whole left-most label.
    case invalidMXPattern(String)
    /// `mode` is `testing` or `enforce` and there is no `mx` pattern.
    case noMXPatterns(mode: String)
    /// `value` is not an integer in 0...31557600.
    case invalidMaxAge(String)
    /// The policy body's line `line` is malformed or required field `field` is missing/invalid.
    case invalidPolicy(field: String, value: String)
    /// A TLS-RPT `rua` value is not a `mailto:` address or an `https:` URI.
    case invalidReportURI(String)
    /// A TLS-RPT record needs at least one `rua` URI.
    case noReportURIs

    /// A stable machine-readable code for the error kind.
    public var code: String {
        switch self {
        case .invalidMXPattern: return "mta-sts.invalid-mx"
        case .noMXPatterns: return "mta-sts.no-mx"
        case .invalidMaxAge: return "mta-sts.invalid-max-age"
        case .invalidPolicy: return "mta-sts.invalid-policy"
        case .invalidReportURI: return "tlsrpt.invalid-uri"
        case .noReportURIs: return "tlsrpt.no-uri"
        }
    }

    /// A message naming the field or term and the offending value.
    public var description: String {
        switch self {
        case .invalidMXPattern(let p):
            return "MTA-STS mx pattern \"\(p)\" must be a host name without trailing dot, optionally starting with \"*.\" (RFC 8461 §3.2, §4.1)"
        case .noMXPatterns(let m): return "MTA-STS mode \(m) needs at least one mx pattern (RFC 8461 §3.2)"
        case .invalidMaxAge(let v): return "MTA-STS max_age \"\(v)\" must be an integer 0...31557600 (RFC 8461 §3.2)"
        case .invalidPolicy(let f, let v): return "MTA-STS policy field \(f) is invalid: \"\(v)\" (RFC 8461 §3.2)"
        case .invalidReportURI(let v): return "TLS-RPT rua \"\(v)\" must be a mailto: address or an https: URI (RFC 8460 §3)"
        case .noReportURIs: return "TLS-RPT record needs at least one rua URI (RFC 8460 §3)"
        }
    }
}
