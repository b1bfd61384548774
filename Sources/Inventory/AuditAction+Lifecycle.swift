extension AuditAction {
    /// `herald mta-sts mx-change`: the union of old and new patterns published, removal planned.
    public static let mxChangePlan = AuditAction("mta-sts.mx-change.plan")
    /// A planned mx change removed its old patterns (scheduled step).
    public static let mxChangeExecute = AuditAction("mta-sts.mx-change.execute")
    /// A planned mx change was cancelled (by an operator, or dropped by the scheduler).
    public static let mxChangeCancel = AuditAction("mta-sts.mx-change.cancel")
    /// A winding-down domain's MTA-STS policy and announcement were withdrawn (RFC 8461 §8.3).
    public static let mtaSTSWithdraw = AuditAction("mta-sts.withdraw")
    /// `herald domain remove`: a wind-down started.
    public static let domainWindDown = AuditAction("domain.wind-down")
    /// `herald domain restore`: a wind-down was cancelled.
    public static let domainRestore = AuditAction("domain.restore")
    /// The default wind-down grace period changed.
    public static let windDownGrace = AuditAction("settings.wind-down-grace")
}
