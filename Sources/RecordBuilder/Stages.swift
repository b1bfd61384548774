/// A rung of Herald's DMARC ladder (RECORDS.md "DMARC"; RFC 9989 §4.7 `t=y`; RFC 7489 §6.6.4).
///
/// Raw values are the names stored in the inventory and accepted on the command line.
public enum DMARCStage: String, CaseIterable, Sendable, Codable, Comparable {
    /// `p=none`.
    case monitor
    /// `p=quarantine; t=y; pct=0`: receivers act as for `none`.
    case quarantineTest = "quarantine-test"
    /// `p=quarantine`.
    case quarantine
    /// `p=reject; t=y; pct=0`: receivers act as for `quarantine`.
    case rejectTest = "reject-test"
    /// `p=reject`.
    case reject

    /// Position on the ladder, 0 (`monitor`) … 4 (`reject`).
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    /// The next stage up, or `nil` at `reject`.
    public var next: DMARCStage? { rank + 1 < Self.allCases.count ? Self.allCases[rank + 1] : nil }

    /// The next stage down, or `nil` at `monitor`.
    public var previous: DMARCStage? { rank > 0 ? Self.allCases[rank - 1] : nil }

    /// Minimum time, in seconds, a domain stays at this stage before `advance` may move it on.
    public var minimumDwell: Int64 {
        switch self {
        case .monitor: return 14 * 86_400
        case .quarantineTest: return 7 * 86_400
        case .quarantine: return 14 * 86_400
        case .rejectTest: return 7 * 86_400
        case .reject: return 0
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// A DMARC policy value for `p`, `sp`, `np` (RFC 7489 §6.3).
public enum DMARCPolicy: String, CaseIterable, Sendable, Codable {
    case none, quarantine, reject
}

/// DMARC identifier alignment mode for `adkim`/`aspf` (RFC 7489 §6.3).
public enum DMARCAlignment: String, CaseIterable, Sendable, Codable {
    /// `r`, relaxed.
    case relaxed = "r"
    /// `s`, strict.
    case strict = "s"
}

/// MTA-STS policy mode (RFC 8461 §3.2).
public enum MTASTSMode: String, CaseIterable, Sendable, Codable {
    case testing, enforce, none

    /// The default `max_age` in seconds for a policy in this mode (RECORDS.md).
    public var defaultMaxAge: Int { self == .enforce ? 604_800 : 86_400 }
}

/// An SPF qualifier (RFC 7208 §4.6.2), used for the `all` term of a hosted record.
public enum SPFQualifier: String, CaseIterable, Sendable, Codable {
    case pass = "+", fail = "-", softfail = "~", neutral = "?"
}
