import RecordBuilder

/// Per-domain policy choices given to ``Inventory/addDomain(_:changes:senders:actor:now:)`` and
/// ``Inventory/updateDomain(_:changes:actor:now:reason:)``. Every field starts `.unchanged`.
public struct DomainChanges: Sendable {
    /// DMARC `sp`.
    public var subdomainPolicy: FieldChange<DMARCPolicy> = .unchanged
    /// DMARC `np`.
    public var nonexistentPolicy: FieldChange<DMARCPolicy> = .unchanged
    /// DMARC `adkim`.
    public var adkim: FieldChange<DMARCAlignment> = .unchanged
    /// DMARC `aspf`.
    public var aspf: FieldChange<DMARCAlignment> = .unchanged
    /// The customer's extra DMARC `rua` (`mailto:` only).
    public var extraRUA: FieldChange<ReportURI> = .unchanged
    /// DMARC `ruf` (`mailto:` only).
    public var ruf: FieldChange<ReportURI> = .unchanged
    /// The customer's TLS-RPT `rua` URIs (replaces the whole list; `.cleared` empties it).
    public var tlsrptRUAs: FieldChange<[ReportURI]> = .unchanged
    /// The SPF `all` qualifier (`-`, `~`, `?`; `+` is refused). `.cleared` restores `~`.
    public var spfAll: FieldChange<SPFQualifier> = .unchanged
    /// The hosted SPF mode (`flatten` or `macro`). `.cleared` restores `flatten`.
    public var spfMode: FieldChange<SPFMode> = .unchanged
    /// MTA-STS `mx:` patterns (replaces the whole list; `.cleared` empties it).
    public var mxPatterns: FieldChange<[MXPattern]> = .unchanged

    /// Creates an empty change set.
    public init() {}

    /// `true` when no field changes.
    public var isEmpty: Bool {
        if case .unchanged = subdomainPolicy, case .unchanged = nonexistentPolicy, case .unchanged = adkim,
           case .unchanged = aspf, case .unchanged = extraRUA, case .unchanged = ruf, case .unchanged = tlsrptRUAs,
           case .unchanged = spfAll, case .unchanged = spfMode, case .unchanged = mxPatterns {
            return true
        }
        return false
    }

    /// Applies the changes to `domain`, validating the combinations.
    ///
    /// - Throws: ``InventoryError/invalidValue(argument:value:reason:)`` for `+all`, an `https:`
    ///   DMARC URI, duplicate `mx` patterns, or an empty pattern list while MTA-STS is in
    ///   `testing`/`enforce`.
    func apply(to domain: inout HostedDomain) throws {
        domain.subdomainPolicy = subdomainPolicy.applied(to: domain.subdomainPolicy)
        domain.nonexistentPolicy = nonexistentPolicy.applied(to: domain.nonexistentPolicy)
        domain.adkim = adkim.applied(to: domain.adkim)
        domain.aspf = aspf.applied(to: domain.aspf)
        domain.extraRUA = extraRUA.applied(to: domain.extraRUA)
        domain.ruf = ruf.applied(to: domain.ruf)
        domain.tlsrptRUAs = tlsrptRUAs.applied(to: domain.tlsrptRUAs) ?? []
        domain.spfAll = spfAll.applied(to: domain.spfAll) ?? .softfail
        domain.spfMode = spfMode.applied(to: domain.spfMode) ?? .flatten
        domain.mxPatterns = mxPatterns.applied(to: domain.mxPatterns) ?? []
        try Self.validate(domain)
    }

    /// Checks the cross-field rules of a domain value.
    static func validate(_ domain: HostedDomain) throws {
        if domain.spfAll == .pass {
            throw InventoryError.invalidValue(argument: "--spf-all", value: "+",
                                              reason: "'+all' would authorise every address; use '-', '~' or '?' (RFC 7208 §5.1)")
        }
        for (argument, uri) in [("--rua", domain.extraRUA), ("--ruf", domain.ruf)] {
            if let uri, case .https = uri {
                throw InventoryError.invalidValue(argument: argument, value: uri.description,
                                                  reason: "DMARC report URIs must be 'mailto:' (RECORDS.md, RFC 7489 §6.2)")
            }
        }
        var seenURIs = Set<ReportURI>()
        for uri in domain.tlsrptRUAs where !seenURIs.insert(uri).inserted {
            throw InventoryError.invalidValue(argument: "--tlsrpt-rua", value: uri.description, reason: "the URI is listed twice")
        }
        var seen = Set<MXPattern>()
        for pattern in domain.mxPatterns where !seen.insert(pattern).inserted {
            throw InventoryError.invalidValue(argument: "--mx", value: pattern.text, reason: "the pattern is listed twice")
        }
        if let mode = domain.mtaSTSMode, mode != .none, domain.mxPatterns.isEmpty {
            throw InventoryError.invalidValue(argument: "--mx", value: "",
                                              reason: "MTA-STS mode '\(mode.rawValue)' needs at least one mx pattern (RFC 8461 §3.2)")
        }
        if let maxAge = domain.maxAge, !(0...31_557_600).contains(maxAge) {
            throw InventoryError.invalidValue(argument: "--max-age", value: String(maxAge),
                                              reason: "max_age must be 0 to 31557600 seconds (RFC 8461 §3.2)")
        }
    }
}
