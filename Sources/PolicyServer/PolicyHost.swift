/// Host-name handling shared by the store, the responder and the certificate directory.
///
/// A policy host is `mta-sts.<domain>` (RFC 8461 §3.3) in key form: lowercase ASCII (A-labels),
/// no trailing dot, no port.
public enum PolicyHost {
    /// The policy host for a customer domain: `mta-sts.` + the domain in key form.
    /// - Throws: ``PolicyServerError/invalidHost(_:)`` when the result is not a host name.
    public static func forDomain(_ domain: String) throws(PolicyServerError) -> String {
        try normalize("mta-sts." + domain)
    }

    /// The key form of `host`: lowercased, one trailing dot removed.
    /// - Throws: ``PolicyServerError/invalidHost(_:)`` unless every label is 1…63 octets of
    ///   letters, digits and hyphens (not at either end) and the name is ≤ 253 octets
    ///   (RFC 1123 §2.1, RFC 1035 §2.3.1). This also keeps names safe to use as file names.
    public static func normalize(_ host: String) throws(PolicyServerError) -> String {
        var bytes = Array(host.utf8)
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        guard !bytes.isEmpty, bytes.count <= 253 else { throw .invalidHost(host) }
        for index in bytes.indices where bytes[index] >= 0x41 && bytes[index] <= 0x5A {
            bytes[index] |= 0x20
        }
        for label in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard (1...63).contains(label.count),
                  label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ isLetterDigitHyphen($0) }) else {
                throw .invalidHost(host)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The host part of an HTTP `Host` header or `:authority` (RFC 9110 §7.2), in key form,
    /// with any `:port` removed; `nil` when it is not a DNS host name (IP literals included).
    public static func fromAuthority(_ authority: String) -> String? {
        var host = Substring(authority)
        if let userinfoEnd = host.lastIndex(of: "@") { host = host[host.index(after: userinfoEnd)...] }
        if host.hasPrefix("[") { return nil }
        if let colon = host.lastIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            host = host[..<colon]
        }
        return try? normalize(String(host))
    }

    private static func isLetterDigitHyphen(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-")
    }
}
