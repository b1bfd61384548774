/// One row of the append-only audit log.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// Row id, increasing with time of writing.
    public var id: Int64
    /// When, Unix seconds.
    public var time: Int64
    /// Who (an operator name, `herald serve`, …).
    public var actor: String
    /// What, e.g. ``AuditAction/dmarcAdvance``.
    public var action: AuditAction
    /// The subject, usually a domain name (or a sender slug, or `settings`).
    public var subject: String
    /// The state before, as JSON text, or `nil` for a creation.
    public var before: String?
    /// The state after, as JSON text, or `nil` for a removal.
    public var after: String?
    /// The operator's reason, or `nil`.
    public var reason: String?

    /// Creates an entry value.
    public init(id: Int64, time: Int64, actor: String, action: AuditAction, subject: String,
                before: String?, after: String?, reason: String?) {
        self.id = id
        self.time = time
        self.actor = actor
        self.action = action
        self.subject = subject
        self.before = before
        self.after = after
        self.reason = reason
    }
}

/// The kind of change an audit row records. Extensible: other modules may declare more
/// (`AuditAction("build.confirm")`).
public struct AuditAction: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The stored text, `noun.verb`.
    public var rawValue: String
    /// Creates an action from its stored text.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates an action from its stored text.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static let initialize = AuditAction("settings.init")
    public static let serialPublished = AuditAction("settings.serial")
    public static let domainAdd = AuditAction("domain.add")
    public static let domainUpdate = AuditAction("domain.update")
    public static let domainRemove = AuditAction("domain.remove")
    public static let senderAdd = AuditAction("sender.add")
    public static let senderApprove = AuditAction("sender.approve")
    public static let senderRevoke = AuditAction("sender.revoke")
    public static let rangeAdd = AuditAction("range.add")
    public static let rangeRemove = AuditAction("range.remove")
    public static let dmarcSet = AuditAction("dmarc.set")
    public static let dmarcAdvance = AuditAction("dmarc.advance")
    public static let dmarcRollback = AuditAction("dmarc.rollback")
    public static let mtaSTSSet = AuditAction("mta-sts.set")
    /// The publish gate held a build (RECORDS.md "SPF" Safety); `reason` lists why.
    public static let spfHold = AuditAction("spf.hold")
    /// An operator published a held build (`herald spf accept`).
    public static let spfAccept = AuditAction("spf.accept")
}
