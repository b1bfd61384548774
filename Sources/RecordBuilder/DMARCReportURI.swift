/// A DMARC report destination: a `mailto:` URI (RFC 7489 §6.2–§6.4; RECORDS.md "DMARC").
///
/// Built from an address with or without `mailto:`. The domain part is lowercased; `,`, `!` and
/// `;` inside the address are percent-encoded so they cannot be read as list separators, size
/// limits or tag ends.
public struct DMARCReportURI: Hashable, Sendable, CustomStringConvertible {
    /// The local part as given.
    public let localPart: String
    /// The mail domain, lowercase, no trailing dot.
    public let host: String

    /// Parses `"dmarc@reports.example.net"` or `"mailto:dmarc@reports.example.net"`.
    /// - Parameter field: the tag name used in errors (`rua`, `ruf`).
    /// - Throws: ``DMARCError/invalidReportURI(field:value:reason:)`` naming the value.
    public init(_ text: String, field: String = "rua") throws(DMARCError) {
        let (local, host) = try parseMailAddress(text, field: field)
        localPart = local
        self.host = host
    }

    /// `mailto:local@host` with `,`, `!`, `;` percent-encoded in the local part.
    public var description: String { "mailto:" + encodeURIChars(localPart) + "@" + host }
}

/// Splits `[mailto:]local@host`, validating both parts; shared by DMARC and TLS-RPT.
func parseMailAddress(_ raw: String, field: String) throws(DMARCError) -> (String, String) {
    var text = raw.trimmingASCIIWhitespace()
    if text.lowercased().hasPrefix("mailto:") { text = String(text.dropFirst(7)) }
    guard !text.contains(where: { $0 == " " || $0 == "\t" || !$0.isASCII }) else {
        throw .invalidReportURI(field: field, value: raw, reason: "spaces and non-ASCII characters are not allowed")
    }
    guard let at = text.lastIndex(of: "@") else {
        throw .invalidReportURI(field: field, value: raw, reason: "no \"@\"")
    }
    let local = String(text[..<at])
    let host = normalizedDomain(String(text[text.index(after: at)...]))
    guard !local.isEmpty, !local.contains(":") || local.hasPrefix("\"") else {
        throw .invalidReportURI(field: field, value: raw, reason: "empty local part or a URI scheme other than mailto:")
    }
    guard isHostName(host) else {
        throw .invalidReportURI(field: field, value: raw, reason: "\"\(host)\" is not a host name")
    }
    return (local, host)
}

/// Whether `name` is an LDH host name (labels of 1...63 letters, digits, hyphens, not starting
/// or ending with a hyphen; underscores allowed), at least two labels, at most 253 octets.
func isHostName(_ name: String) -> Bool {
    // Byte-wise: every accepted character is ASCII, so UTF-8 octets are the characters.
    let bytes = name.utf8
    guard bytes.count <= 253 else { return false }
    var labels = 0
    var length = 0
    var previous: UInt8 = 0x2E  // "."
    var lastLabelHasLetter = false
    for b in bytes {
        if b == 0x2E {
            guard length > 0, previous != 0x2D else { return false }
            labels += 1
            length = 0
            lastLabelHasLetter = false
        } else {
            let letter = (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A
            let digit = b >= 0x30 && b <= 0x39
            guard letter || digit || b == 0x2D || b == 0x5F else { return false }
            guard !(length == 0 && b == 0x2D) else { return false }
            length += 1
            guard length <= 63 else { return false }
            if letter { lastLabelHasLetter = true }
        }
        previous = b
    }
    guard length > 0, previous != 0x2D else { return false }
    return labels + 1 >= 2 && lastLabelHasLetter
}

/// Percent-encodes `,` `!` `;` (RFC 7489 §6.4, RFC 8460 §3).
func encodeURIChars(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case ",": out += "%2C"
        case "!": out += "%21"
        case ";": out += "%3B"
        default: out.append(c)
        }
    }
    return out
}
