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
        var bytes: [UInt8] = []
        bytes.reserveCapacity(host.utf8.count)
        try appendKeyForm(of: host, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the key form of `host` (see ``normalize(_:)``) to `bytes`, checking it in the same
    /// pass without allocating; on error `bytes` is left as it was.
    /// - Throws: ``PolicyServerError/invalidHost(_:)`` as ``normalize(_:)`` does.
    public static func appendKeyForm(of host: String, to bytes: inout [UInt8]) throws(PolicyServerError) {
        let start = bytes.count
        var valid = true
        var labelLength = 0
        var previous: UInt8 = UInt8(ascii: ".")
        var total = host.utf8.count
        if host.utf8.last == UInt8(ascii: ".") { total -= 1 }
        if total == 0 || total > 253 { valid = false }
        var index = 0
        if valid {
            for raw in host.utf8 {
                if index == total { break }
                index += 1
                var byte = raw
                if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                if byte == UInt8(ascii: ".") {
                    // A label ends: 1…63 octets, no hyphen at its end.
                    if labelLength == 0 || previous == UInt8(ascii: "-") { valid = false; break }
                    labelLength = 0
                } else {
                    guard isLetterDigitHyphen(byte), labelLength < 63,
                          !(labelLength == 0 && byte == UInt8(ascii: "-")) else { valid = false; break }
                    labelLength += 1
                }
                bytes.append(byte)
                previous = byte
            }
            if valid && (labelLength == 0 || previous == UInt8(ascii: "-")) { valid = false }
        }
        guard valid else {
            bytes.removeSubrange(start...)
            throw .invalidHost(host)
        }
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
