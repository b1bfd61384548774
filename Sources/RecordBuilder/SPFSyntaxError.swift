/// Why a TXT string is not a valid SPF record (RFC 7208 §4.6.1 ABNF, §6, §7.1).
///
/// A syntax error in any record of a tree is a `permerror` for the whole evaluation (§4.6),
/// so the flattener reports it against the record's name and the offending term.
public enum SPFSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text does not start with `v=spf1` followed by a space or the end (§4.5).
    case notSPFRecord(String)
    /// `term` is malformed; `reason` says how.
    case invalidTerm(term: String, reason: String)
    /// `term` is a modifier with a qualifier (`~redirect=x`), which the ABNF forbids (§4.6.1).
    case modifierWithQualifier(term: String)
    /// `term` names no mechanism RFC 7208 defines (§5: unknown mechanisms are permerror).
    case unknownMechanism(term: String)
    /// The macro-string in `term` violates §7.1; `reason` says how.
    case invalidMacro(term: String, reason: String)
    /// The modifier `name` (`redirect` or `exp`) appears more than once (§6).
    case duplicateModifier(name: String)

    /// A stable machine-readable code for the error kind.
    public var code: String {
        switch self {
        case .notSPFRecord: return "spf.not-spf"
        case .invalidTerm: return "spf.invalid-term"
        case .modifierWithQualifier: return "spf.modifier-with-qualifier"
        case .unknownMechanism: return "spf.unknown-mechanism"
        case .invalidMacro: return "spf.invalid-macro"
        case .duplicateModifier: return "spf.duplicate-modifier"
        }
    }

    /// A message naming the field or term and the offending value.
    public var description: String {
        switch self {
        case .notSPFRecord(let t):
            return "not an SPF record (must start with \"v=spf1\" followed by a space or the end): \"\(t)\""
        case .invalidTerm(let term, let reason): return "invalid SPF term \"\(term)\": \(reason)"
        case .modifierWithQualifier(let term):
            return "invalid SPF term \"\(term)\": a modifier cannot carry a qualifier (RFC 7208 §4.6.1)"
        case .unknownMechanism(let term): return "unknown SPF mechanism in \"\(term)\" (RFC 7208 §5)"
        case .invalidMacro(let term, let reason): return "invalid SPF macro in \"\(term)\": \(reason) (RFC 7208 §7.1)"
        case .duplicateModifier(let name): return "SPF modifier \"\(name)=\" appears more than once (RFC 7208 §6)"
        }
    }
}
