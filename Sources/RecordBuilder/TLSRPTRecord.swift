/// A TLS-RPT policy record (RFC 8460 §3): `v=TLSRPTv1; rua=<uri>[,<uri>]`.
///
/// URIs are `mailto:` (added when a bare address is given; `,` `!` `;` in the address
/// percent-encoded) or `https:`.
public struct TLSRPTRecord: Hashable, Sendable, CustomStringConvertible {
    /// The report URIs, in order, duplicates removed.
    public let reportURIs: [String]

    /// Creates a record from addresses or URIs (the operator's first).
    /// - Throws: ``MTASTSError/invalidReportURI(_:)`` naming the value, or
    ///   ``MTASTSError/noReportURIs``.
    public init(rua: [String]) throws(MTASTSError) {
        var uris: [String] = []
        for raw in rua {
            let t = raw.trimmingASCIIWhitespace()
            let uri: String
            if t.lowercased().hasPrefix("https://") {
                let rest = t.dropFirst(8)
                let host = rest.prefix { $0 != "/" && $0 != ":" }
                guard isHostName(normalizedDomain(String(host))),
                      !t.contains(where: { $0 == " " || $0 == "," || $0 == ";" || !$0.isASCII }) else {
                    throw .invalidReportURI(raw)
                }
                uri = "https://" + host.lowercased() + rest.dropFirst(host.count)
            } else {
                do {
                    let (local, host) = try parseMailAddress(t, field: "rua")
                    uri = "mailto:" + encodeURIChars(local) + "@" + host
                } catch {
                    throw .invalidReportURI(raw)
                }
            }
            if !uris.contains(uri) { uris.append(uri) }
        }
        guard !uris.isEmpty else { throw .noReportURIs }
        reportURIs = uris
    }

    /// `v=TLSRPTv1; rua=…` with URIs comma-separated without spaces.
    public var description: String { "v=TLSRPTv1; rua=" + reportURIs.joined(separator: ",") }

    /// The hosted record `D._smtp._tls.H`.
    public func hostedRecord(domain: String, hostedZone: String) -> HostedTXT {
        HostedTXT(owner: "\(normalizedDomain(domain))._smtp._tls.\(normalizedDomain(hostedZone))",
                  text: description)
    }
}
