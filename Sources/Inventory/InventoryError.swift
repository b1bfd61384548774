/// Every way an inventory operation can fail.
///
/// Messages name the argument (or field) and the offending value, so the CLI can print them
/// as they are. An operation that throws has written nothing: each public mutating call of
/// ``Inventory`` is one SQLite transaction.
public enum InventoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A value given for `argument` is malformed; `reason` says why (and, where possible, what
    /// would be accepted).
    case invalidValue(argument: String, value: String, reason: String)
    /// A hosted name derived from `domain` would exceed 255 octets on the wire
    /// (RFC 1035 §2.3.4): `name` is `octets` long, `octets - 255` too many.
    case hostedNameTooLong(domain: String, name: String, octets: Int)
    /// `herald init` has not been run on this database.
    case notInitialized
    /// `herald init` was already run on this database.
    case alreadyInitialized
    /// No domain named `name` in the inventory.
    case unknownDomain(String)
    /// A domain named `name` is already in the inventory.
    case domainExists(String)
    /// No sender with slug `slug`; `suggestions` are catalog slugs that look close.
    case unknownSender(slug: String, suggestions: [String])
    /// A sender with slug `slug` is already in the catalog.
    case senderExists(String)
    /// `sender` is already approved for `domain`.
    case alreadyApproved(domain: String, sender: String)
    /// `sender` is not approved for `domain`.
    case notApproved(domain: String, sender: String)
    /// `range` is already listed for `domain`.
    case rangeExists(domain: String, range: String)
    /// `range` is not listed for `domain`.
    case unknownRange(domain: String, range: String)
    /// A DMARC stage change that the ladder does not allow without `--force`
    /// (RECORDS.md "DMARC": moving forward needs the dwell time).
    case stageChangeRefused(domain: String, reason: String)
    /// An operation that is not allowed in the domain's current state.
    case conflict(subject: String, reason: String)
    /// `herald spf accept` for a domain that has no build held by the publish gate
    /// (RECORDS.md "SPF" Safety).
    case nothingHeld(domain: String)
    /// A stored value could not be read back (a row written outside Herald, or a bug).
    case corruptRow(table: String, column: String, value: String)
    /// SQLite refused the operation; `message` is SQLite's message.
    case database(String)

    /// The same error reported against the whole value an operator typed: an `invalidValue`
    /// found in a part (the domain of a mail address) is re-labelled with `argument` and `value`,
    /// its reason naming the part. Other errors are returned unchanged.
    public func reported(as argument: String, value: String) -> InventoryError {
        guard case let .invalidValue(_, part, reason) = self else { return self }
        return .invalidValue(argument: argument, value: value, reason: part == value ? reason : "'\(part)': \(reason)")
    }

    /// A stable short code for the error kind, used by the CLI to pick an exit status and in
    /// JSON error output.
    public var code: String {
        switch self {
        case .invalidValue: return "invalid-value"
        case .hostedNameTooLong: return "hosted-name-too-long"
        case .notInitialized: return "not-initialized"
        case .alreadyInitialized: return "already-initialized"
        case .unknownDomain: return "unknown-domain"
        case .domainExists: return "domain-exists"
        case .unknownSender: return "unknown-sender"
        case .senderExists: return "sender-exists"
        case .alreadyApproved: return "already-approved"
        case .notApproved: return "not-approved"
        case .rangeExists: return "range-exists"
        case .unknownRange: return "unknown-range"
        case .stageChangeRefused: return "stage-change-refused"
        case .conflict: return "conflict"
        case .nothingHeld: return "nothing-held"
        case .corruptRow: return "corrupt-row"
        case .database: return "database"
        }
    }

    public var description: String {
        switch self {
        case let .invalidValue(argument, value, reason):
            return "invalid \(argument) '\(value)': \(reason)"
        case let .hostedNameTooLong(domain, name, octets):
            return "domain '\(domain)' cannot be hosted: the hosted name '\(name)' would be "
                + "\(octets) octets on the wire, \(octets - 255) more than the 255 allowed (RFC 1035 §2.3.4)"
        case .notInitialized:
            return "the inventory has no settings yet: run 'herald init' first"
        case .alreadyInitialized:
            return "the inventory is already initialised ('herald init' runs once per database)"
        case let .unknownDomain(name):
            return "unknown domain '\(name)'"
        case let .domainExists(name):
            return "domain '\(name)' is already in the inventory"
        case let .unknownSender(slug, suggestions):
            if suggestions.isEmpty {
                return "unknown sender '\(slug)' (see 'herald sender list')"
            }
            return "unknown sender '\(slug)'; did you mean: \(suggestions.joined(separator: ", "))?"
        case let .senderExists(slug):
            return "sender '\(slug)' is already in the catalog"
        case let .alreadyApproved(domain, sender):
            return "sender '\(sender)' is already approved for domain '\(domain)'"
        case let .notApproved(domain, sender):
            return "sender '\(sender)' is not approved for domain '\(domain)'"
        case let .rangeExists(domain, range):
            return "range '\(range)' is already listed for domain '\(domain)'"
        case let .unknownRange(domain, range):
            return "range '\(range)' is not listed for domain '\(domain)'"
        case let .stageChangeRefused(domain, reason):
            return "DMARC stage change for '\(domain)' refused: \(reason)"
        case let .conflict(subject, reason):
            return "'\(subject)': \(reason)"
        case let .nothingHeld(domain):
            return "domain '\(domain)' has no SPF build held for confirmation; nothing to accept "
                + "(see 'herald domain show \(domain)')"
        case let .corruptRow(table, column, value):
            return "stored value '\(value)' in \(table).\(column) is not valid"
        case let .database(message):
            return "database error: \(message)"
        }
    }
}
