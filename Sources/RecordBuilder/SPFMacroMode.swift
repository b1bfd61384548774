/// Macro mode, the per-domain alternative to flattening (RECORDS.md "Macro mode"; RFC 7208
/// §5.7, §7.3).
///
/// The hosted record is `v=spf1 [include:<kept>…] exists:%{i}._ip.D._spf.H ~all`; the responder answers
/// `A 127.0.0.2` for `<ip-labels>._ip.D._spf.H` when the address is in D's pass set and NXDOMAIN
/// otherwise. `%{i}` is the dotted quad for IPv4 and 32 dot-separated nibbles for IPv6 (§7.3).
/// A receiver spends two lookups (the customer's include and the `exists`) plus those of kept
/// includes, and one void lookup (the `exists` miss) for an address outside the pass set.
public enum SPFMacroMode {
    /// The address the responder returns for a member (`127.0.0.2`).
    public static let memberAnswer = IPv4Address(127, 0, 0, 2)

    /// The suffix of query names for `domain`: `_ip.D._spf.H`.
    public static func zoneSuffix(domain: String, hostedZone: String) -> String {
        "_ip." + SPFRenderer.owner(domain: domain, hostedZone: hostedZone)
    }

    /// The hosted record `D._spf.H TXT "v=spf1 [include:<kept>…] exists:%{i}._ip.D._spf.H <all>"`.
    ///
    /// Senders kept unflattened (macros, `exists`, `ptr`) are still honoured through their own
    /// `include:`, sorted by name and placed before the `exists`. The record is split into
    /// character-strings between terms (§3.3) and must fit the non-EDNS RDATA limit of its owner
    /// (``SPFRenderer/rdataLimit(owner:maxRDATA:)``, §3.4). Lookup and void-lookup budgets are
    /// checked by ``SPFLookupBudget``.
    /// - Throws: ``SPFRenderError/permissiveAll(domain:)`` for `+`;
    ///   ``SPFRenderError/macroQueryNameTooLong(domain:name:octets:)`` when an IPv6 query name
    ///   would exceed 253 octets (§7.3 would then drop labels from the left and the lookup would
    ///   miss); ``SPFRenderError/recordTooLarge(owner:octets:limit:)`` when the kept includes make
    ///   the record too large; ``SPFRenderError/termTooLong(owner:term:)`` for an include name
    ///   that cannot fit a character-string.
    public static func record(domain: String, hostedZone: String, all: SPFQualifier,
                              keptIncludes: [SPFKeptInclude] = []) throws(SPFRenderError) -> HostedTXT {
        let d = normalizedDomain(domain)
        guard all != .pass else { throw .permissiveAll(domain: d) }
        let suffix = zoneSuffix(domain: d, hostedZone: hostedZone)
        let longest = 64 + suffix.utf8.count  // 32 nibbles + 31 dots + "." + suffix
        guard longest <= 253 else {
            throw .macroQueryNameTooLong(domain: d, name: "<32 nibbles>." + suffix, octets: longest)
        }
        let owner = SPFRenderer.owner(domain: d, hostedZone: hostedZone)
        let terms = ["v=spf1"] + SPFRenderer.uniqueSorted(keptIncludes).map { "include:\($0.name)" }
            + ["exists:%{i}.\(suffix)", "\(all.rawValue)all"]
        let record = try HostedTXT(owner: owner, terms: terms)
        let limit = SPFRenderer.rdataLimit(owner: owner)
        guard record.rdataLength <= limit else {
            throw .recordTooLarge(owner: owner, octets: record.rdataLength, limit: limit)
        }
        return record
    }

    /// The name a receiver queries for `ip` (§7.3 `%{i}` expansion).
    public static func queryName(for ip: AnyIPAddress, domain: String, hostedZone: String) -> String {
        SPFEvaluator.expand(SPFMacro(letter: "i", urlEscape: false, rightParts: nil, reverse: false, delimiters: ""),
                            ip: ip, domain: "", sender: "") + "." + zoneSuffix(domain: domain, hostedZone: hostedZone)
    }

    /// The address encoded in a query name under `_ip.D._spf.H`, or `nil` when the name is not
    /// exactly one address there (case-insensitive, trailing dot allowed).
    public static func address(fromQueryName name: String, domain: String, hostedZone: String) -> AnyIPAddress? {
        let n = normalizedDomain(name)
        let suffix = "." + zoneSuffix(domain: domain, hostedZone: hostedZone)
        guard n.hasSuffix(suffix) else { return nil }
        let labels = n.dropLast(suffix.count).split(separator: ".", omittingEmptySubsequences: false)
        if labels.count == 4 {
            return (try? IPv4Address.parse(labels.joined(separator: "."))).map(AnyIPAddress.v4)
        }
        guard labels.count == 32 else { return nil }
        var value: UInt128 = 0
        for l in labels {
            guard l.count == 1, let nibble = UInt8(l, radix: 16) else { return nil }
            value = value << 4 | UInt128(nibble)
        }
        return .v6(IPv6Address(value))
    }
}
