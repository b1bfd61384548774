/// A DMARC policy record Herald publishes at `D._dmarc.H` (RFC 7489 §6.3; RFC 9989 §4.7;
/// RECORDS.md "DMARC").
///
/// Rendered with tags always in this order, `; ` between them, lowercase except `DMARC1`:
/// `v=DMARC1; p=…; [t=y; [pct=0;]] [sp=…;] [np=…;] [adkim=…;] [aspf=…;] rua=…[; ruf=…]`.
/// `pct` is only ever `0` (the shim for RFC 7489 receivers), `rf` and `ri` are never emitted.
public struct DMARCRecord: Hashable, Sendable, CustomStringConvertible {
    /// `p`.
    public let policy: DMARCPolicy
    /// `t=y`: test mode, receivers apply one level less (RFC 9989 §4.7).
    public let testing: Bool
    /// `pct=0` after `t=y` (RFC 7489 §6.6.4 gives the same result); only when ``testing``.
    public let pctZero: Bool
    /// `sp`, when set.
    public let subdomainPolicy: DMARCPolicy?
    /// `np`, when set.
    public let nonexistentPolicy: DMARCPolicy?
    /// `adkim`, when set.
    public let dkimAlignment: DMARCAlignment?
    /// `aspf`, when set.
    public let spfAlignment: DMARCAlignment?
    /// `rua`: 1...2 URIs, the operator's first.
    public let aggregateReports: [DMARCReportURI]
    /// `ruf`, possibly empty.
    public let failureReports: [DMARCReportURI]

    /// Builds the record for a ladder stage.
    /// - Parameters:
    ///   - stage: the rung; `quarantine-test`/`reject-test` give `t=y` (and `pct=0` with the shim).
    ///   - pctShim: emit `pct=0` with `t=y` (default on).
    ///   - rua: aggregate report URIs, the operator's first; at most 2.
    ///   - ruf: failure report URIs.
    /// - Throws: ``DMARCError/tooManyAggregateURIs(count:)``.
    public init(stage: DMARCStage, pctShim: Bool = true, sp: DMARCPolicy? = nil, np: DMARCPolicy? = nil,
                adkim: DMARCAlignment? = nil, aspf: DMARCAlignment? = nil,
                rua: [DMARCReportURI], ruf: [DMARCReportURI] = []) throws(DMARCError) {
        var uniqueRUA: [DMARCReportURI] = []
        for u in rua where !uniqueRUA.contains(u) { uniqueRUA.append(u) }
        guard uniqueRUA.count <= 2 else { throw .tooManyAggregateURIs(count: uniqueRUA.count) }
        switch stage {
        case .monitor: policy = .none; testing = false
        case .quarantineTest: policy = .quarantine; testing = true
        case .quarantine: policy = .quarantine; testing = false
        case .rejectTest: policy = .reject; testing = true
        case .reject: policy = .reject; testing = false
        }
        pctZero = testing && pctShim
        subdomainPolicy = sp
        nonexistentPolicy = np
        dkimAlignment = adkim
        spfAlignment = aspf
        aggregateReports = uniqueRUA
        var uniqueRUF: [DMARCReportURI] = []
        for u in ruf where !uniqueRUF.contains(u) { uniqueRUF.append(u) }
        failureReports = uniqueRUF
    }

    /// The tags in publication order as `(name, value)` pairs.
    public var tags: [(String, String)] {
        var t: [(String, String)] = [("v", "DMARC1"), ("p", policy.rawValue)]
        if testing { t.append(("t", "y")) }
        if pctZero { t.append(("pct", "0")) }
        if let sp = subdomainPolicy { t.append(("sp", sp.rawValue)) }
        if let np = nonexistentPolicy { t.append(("np", np.rawValue)) }
        if let a = dkimAlignment { t.append(("adkim", a.rawValue)) }
        if let a = spfAlignment { t.append(("aspf", a.rawValue)) }
        if !aggregateReports.isEmpty { t.append(("rua", aggregateReports.map(\.description).joined(separator: ","))) }
        if !failureReports.isEmpty { t.append(("ruf", failureReports.map(\.description).joined(separator: ","))) }
        return t
    }

    /// The record text, e.g. `v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@reports.example.net`.
    public var description: String { tags.map { "\($0.0)=\($0.1)" }.joined(separator: "; ") }

    /// The hosted TXT record `D._dmarc.H`.
    public func hostedRecord(domain: String, hostedZone: String) -> HostedTXT {
        HostedTXT(owner: "\(normalizedDomain(domain))._dmarc.\(normalizedDomain(hostedZone))",
                  text: description)
    }

    /// The external report authorization record `D._report._dmarc.<host> TXT "v=DMARC1;"`
    /// (RFC 7489 §7.1) for a report host the operator serves.
    public static func reportAuthorization(domain: String, reportHost: String) -> HostedTXT {
        HostedTXT(owner: "\(normalizedDomain(domain))._report._dmarc.\(normalizedDomain(reportHost))",
                  strings: ["v=DMARC1;"])
    }
}
