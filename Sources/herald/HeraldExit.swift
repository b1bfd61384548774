import Inventory

/// The one place where errors become exit statuses (ARCHITECTURE.md rule 6).
///
/// | status | meaning |
/// |---|---|
/// | 0 | success |
/// | 64 | usage error (argument-parser's own: unknown option, missing argument) |
/// | 65 | an invalid value (names the argument and the value), or a hosted name too long |
/// | 66 | a domain, sender, range or approval that does not exist |
/// | 69 | refused by the current state: exists already, DMARC dwell not over, MTA-STS still on, no SPF build held to accept |
/// | 74 | SQLite error (cannot open, locked too long, constraint, corrupt row) |
/// | 78 | configuration: `herald init` missing or already done |
///
/// Errors of other modules (the lead's commands) get a case here too.
enum HeraldExit {
    /// The status for `error`, or `nil` to let argument-parser report it (help, usage, `ExitCode`).
    static func status(for error: Error) -> Int32? {
        guard let error = error as? InventoryError else { return nil }
        switch error {
        case .invalidValue, .hostedNameTooLong:
            return 65
        case .unknownDomain, .unknownSender, .unknownRange, .notApproved:
            return 66
        case .domainExists, .senderExists, .alreadyApproved, .rangeExists, .stageChangeRefused, .conflict, .nothingHeld:
            return 69
        case .database, .corruptRow:
            return 74
        case .notInitialized, .alreadyInitialized:
            return 78
        }
    }
}
