/// The result of `check_host()` (RFC 7208 §2.6).
public enum SPFResult: String, Hashable, Sendable, CaseIterable {
    /// The seven results of §2.6: `none`, `neutral`, `pass`, `fail`, `softfail`, `temperror`, `permerror`.
    case none, neutral, pass, fail, softfail, temperror, permerror

    /// The result a matching directive with `qualifier` gives (§4.6.2).
    public init(_ qualifier: SPFQualifier) {
        switch qualifier {
        case .pass: self = .pass
        case .fail: self = .fail
        case .softfail: self = .softfail
        case .neutral: self = .neutral
        }
    }
}
