/// The records a customer leaving hosting publishes in their own zone to keep the same policy
/// (`herald records D --literal`): the literal TXT values at the customer's own names instead
/// of CNAMEs (and an include) pointing into `H`.
///
/// - DMARC: `_dmarc.D TXT` with the hosted record's text (RFC 7489 §6.1).
/// - SPF: `D TXT` with the hosted top record's terms inlined and the customer's own `all`
///   (RFC 7208 §5.2: `include:` of a record that does not pass falls through to the including
///   record's next term, so inlining the pass terms before the customer's `all` gives the same
///   result for every address). Chain links `_N.D._spf.H` become `_N._spf.D` with their
///   includes renamed, at the same lookup cost. A macro-mode record cannot be copied (its
///   `exists` is answered from Herald's table): it is reported, not inlined.
/// - MTA-STS: `_mta-sts.D TXT "v=STSv1; id=…"` and the policy body the customer must serve at
///   `https://mta-sts.D/.well-known/mta-sts.txt` (RFC 8461 §3.1–§3.3).
/// - TLS-RPT: `_smtp._tls.D TXT` with the hosted text (RFC 8460 §3).
public struct CustomerZoneRecords: Sendable, Equatable {
    /// The records at the customer's names, DMARC, SPF (apex then links), MTA-STS, TLS-RPT.
    public var records: [HostedTXT]
    /// The MTA-STS policy body to serve at `https://mta-sts.D/.well-known/mta-sts.txt`, or `nil`.
    public var policyBody: String?
    /// What the customer must know (ordering, limits, what cannot be copied).
    public var notes: [String]

    /// Builds the literal records of `domain` from its hosted records.
    ///
    /// - Parameters:
    ///   - domain: `D`.
    ///   - hostedZone: `H`.
    ///   - reportZone: `R` (for the note on report addresses in it).
    ///   - hosted: the records served for `D` in `H` and `R` (as ``DomainRecordBuilder`` or the
    ///     publisher produce them).
    ///   - policy: the MTA-STS policy to keep, or `nil` when none is hosted.
    ///   - customerAll: the `all` of the customer's own apex record (`-all` in the record Herald
    ///     asks customers to publish).
    ///   - unflattenedTerms: the terms of an unflattened record (`include:` of each approved
    ///     sender's own SPF name, `ip4:`/`ip6:` of the domain's own ranges), shown as an
    ///     alternative; empty for none.
    public init(domain: String, hostedZone: String, reportZone: String, hosted: [HostedTXT], policy: MTASTSPolicy?,
                customerAll: SPFQualifier = .fail, unflattenedTerms: [String] = []) {
        let d = normalizedDomain(domain)
        let h = normalizedDomain(hostedZone)
        let r = normalizedDomain(reportZone)
        let spfTop = SPFRenderer.owner(domain: d, hostedZone: h)
        var records: [HostedTXT] = []
        var notes: [String] = []

        if let dmarc = hosted.first(where: { $0.owner == "\(d)._dmarc.\(h)" }) {
            records.append(HostedTXT(owner: "_dmarc.\(d)", strings: dmarc.strings))
            if dmarc.text.contains("@\(r)") || dmarc.text.contains(".\(r)") {
                notes.append("DMARC rua/ruf addresses in \(r) receive reports only while \(d)._report._dmarc.\(r) is "
                             + "served (RFC 7489 §7.1); replace them with the customer's own addresses before hosting ends")
            }
        }

        let allTerm = (customerAll == .pass ? "~" : customerAll.rawValue) + "all"
        if let top = hosted.first(where: { $0.owner == spfTop }) {
            let links = hosted.filter { $0.owner.hasSuffix("." + spfTop) && $0.owner.hasPrefix("_") }
                .sorted { Self.linkNumber($0.owner, spfTop) < Self.linkNumber($1.owner, spfTop) }
            if top.text.contains("%{") {
                notes.append("the hosted SPF record uses macro mode (exists:%{i}…), answered by Herald itself: it cannot be "
                             + "copied. Switch to flattening first ('herald domain update \(d) --spf-mode flatten', then "
                             + "'herald build'), or publish the senders' own includes below")
            } else {
                func rename(_ term: Substring) -> String {
                    for link in links {
                        let n = Self.linkNumber(link.owner, spfTop)
                        if term.lowercased() == "include:\(link.owner)" { return "include:_\(n)._spf.\(d)" }
                    }
                    return String(term)
                }
                let topTerms = top.text.split(separator: " ").dropFirst()
                    .filter { !["all", "+all", "-all", "~all", "?all"].contains($0.lowercased()) }
                    .map(rename)
                if let apex = try? HostedTXT(owner: d, terms: ["v=spf1"] + topTerms + [allTerm]) {
                    records.append(apex)
                    if apex.rdataLength > SPFRenderer.maxRDATA {
                        notes.append("the apex SPF record is \(apex.rdataLength) octets: over 450, a UDP answer without EDNS "
                                     + "may be truncated (RFC 7208 §3.4)")
                    }
                }
                for link in links {
                    let n = Self.linkNumber(link.owner, spfTop)
                    let terms = link.text.split(separator: " ").map(rename)
                    if let copy = try? HostedTXT(owner: "_\(n)._spf.\(d)", terms: terms) { records.append(copy) }
                }
                notes.append("the SPF record replaces \"v=spf1 include:\(spfTop) \(allTerm)\" (keep exactly one v=spf1 record "
                             + "at \(d), RFC 7208 §3.2); its addresses are a snapshot of the senders' ranges, which change: "
                             + "re-copy it after each change, or publish the senders' own includes instead")
                if !links.isEmpty {
                    notes.append("the flattened addresses need \(links.count) more record(s) at _N._spf.\(d), chained by include "
                                 + "as in the hosted zone (\(links.count) lookup(s), RFC 7208 §4.6.4)")
                }
            }
            if !unflattenedTerms.isEmpty {
                notes.append("unflattened alternative: \(d). TXT \"v=spf1 \(unflattenedTerms.joined(separator: " ")) \(allTerm)\" "
                             + "(check that it stays within 10 DNS lookups, RFC 7208 §4.6.4)")
            }
        }

        if !hosted.contains(where: { $0.owner == spfTop }) {
            notes.append("there is no hosted SPF record yet (the domain was never built): nothing to copy for \(d)'s apex")
        }

        if let policy {
            records.append(HostedTXT(owner: "_mta-sts.\(d)", strings: ["v=STSv1; id=\(policy.id)"]))
            policyBody = policy.body
            notes.append("serve the MTA-STS policy at https://mta-sts.\(d)/.well-known/mta-sts.txt (200, Content-Type "
                         + "text/plain, no redirects, a certificate valid for mta-sts.\(d)) BEFORE changing the _mta-sts "
                         + "record: senders fetch the body when they see a new id (RFC 8461 §3.3, §8.1)")
        } else {
            policyBody = nil
        }

        if let tlsrpt = hosted.first(where: { $0.owner == "\(d)._smtp._tls.\(h)" }) {
            records.append(HostedTXT(owner: "_smtp._tls.\(d)", strings: tlsrpt.strings))
            if tlsrpt.text.contains("@\(r)") {
                notes.append("the TLS-RPT rua includes the operator's mailbox in \(r); keep or replace it as agreed")
            }
        }
        self.records = records
        self.notes = notes
    }

    /// `N` of a chain link `_N.<top>` (0 when not a link).
    static func linkNumber(_ owner: String, _ top: String) -> Int {
        guard owner.hasSuffix("." + top), owner.hasPrefix("_") else { return 0 }
        return Int(owner.dropFirst().prefix { $0 != "." }) ?? 0
    }
}
