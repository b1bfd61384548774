/// The names Herald serves for a customer domain `D` (RECORDS.md, "What the customer
/// publishes, what the project serves"), as lowercase text without trailing dot.
public struct HostedNames: Sendable, Equatable, Codable {
    /// Highest SPF chain link number checked for length (`_9.D._spf.H`).
    public static let maximumSPFLink = 9

    /// `D._dmarc.H`: the DMARC record, target of the customer's `_dmarc.D` CNAME.
    public var dmarc: String
    /// `D._spf.H`: the flattened SPF record, included from the customer's apex.
    public var spf: String
    /// `_N.D._spf.H` for link `N` (1…9).
    public func spfLink(_ n: Int) -> String { "_\(n)." + spf }
    /// `D._mta-sts.H`: the MTA-STS announcement, target of `_mta-sts.D`.
    public var mtaSTS: String
    /// `D._smtp._tls.H`: the TLS-RPT record, target of `_smtp._tls.D`.
    public var tlsrpt: String
    /// `D._report._dmarc.R`: the external report authorization (RFC 7489 §7.1).
    public var reportAuthorization: String
    /// `mta-sts.H`: the policy host, target of the customer's `mta-sts.D` CNAME.
    public var policyHost: String

    /// Derives the hosted names of `domain` under `hostedZone` and `reportZone`.
    public init(domain: InventoryName, hostedZone: InventoryName, reportZone: InventoryName) {
        let d = domain.text, h = hostedZone.text, r = reportZone.text
        dmarc = "\(d)._dmarc.\(h)"
        spf = "\(d)._spf.\(h)"
        mtaSTS = "\(d)._mta-sts.\(h)"
        tlsrpt = "\(d)._smtp._tls.\(h)"
        reportAuthorization = "\(d)._report._dmarc.\(r)"
        policyHost = "mta-sts.\(h)"
    }

    /// Every name that must fit in 255 wire octets, longest SPF link included.
    public var allChecked: [String] {
        [spfLink(Self.maximumSPFLink), spf, dmarc, mtaSTS, tlsrpt, reportAuthorization]
    }

    /// Wire length of a dotted name: label octets plus one length octet each, plus the root.
    public static func wireLength(_ name: String) -> Int { name.utf8.count + 2 }

    /// Refuses a domain one of whose hosted names would exceed 255 octets (RFC 1035 §2.3.4).
    ///
    /// - Throws: ``InventoryError/hostedNameTooLong(domain:name:octets:)`` for the longest
    ///   offending name.
    public func check(domain: InventoryName) throws {
        let over = allChecked.map { ($0, Self.wireLength($0)) }.filter { $0.1 > 255 }
        if let worst = over.max(by: { $0.1 < $1.1 }) {
            throw InventoryError.hostedNameTooLong(domain: domain.text, name: worst.0, octets: worst.1)
        }
    }

    enum CodingKeys: String, CodingKey {
        case dmarc, spf, mtaSTS = "mta_sts", tlsrpt, reportAuthorization = "report_authorization"
        case policyHost = "policy_host"
    }
}
