/// A TXT record Herald serves: an owner name in `H` or `R` and its character-strings.
///
/// RFC 1035 §3.3, §3.3.14: the RDATA is one or more character-strings of at most 255 octets
/// each; SPF (RFC 7208 §3.3) and the other consumers join them without separators.
public struct HostedTXT: Hashable, Sendable, CustomStringConvertible {
    /// The absolute owner name, lowercase, without the trailing dot.
    public let owner: String
    /// The character-strings, each 1...255 octets.
    public let strings: [String]

    /// Creates a record from already-split strings.
    /// - Precondition: every string is 1...255 octets and there is at least one.
    public init(owner: String, strings: [String]) {
        precondition(!strings.isEmpty && strings.allSatisfy { (1...255).contains($0.utf8.count) },
                     "TXT character-strings must be 1...255 octets")
        self.owner = normalizedDomain(owner)
        self.strings = strings
    }

    /// Creates a record whose text is `terms` joined by single spaces, split into
    /// character-strings only between terms (the space stays at the end of a string).
    /// - Throws: ``SPFRenderError/termTooLong(owner:term:)`` when one term cannot fit in 254 octets.
    public init(owner: String, terms: [String]) throws(SPFRenderError) {
        guard let strings = Self.split(terms: terms) else {
            let long = terms.first { $0.utf8.count > 254 } ?? terms.joined(separator: " ")
            throw .termTooLong(owner: normalizedDomain(owner), term: long)
        }
        self.init(owner: owner, strings: strings)
    }

    /// Splits `terms` (to be joined by single spaces) into character-strings of at most 255
    /// octets, breaking only between terms and keeping each separating space at the end of the
    /// earlier string; `nil` if a term with its space exceeds 255 octets.
    public static func split(terms: [String]) -> [String]? {
        var out: [String] = []
        var current = ""
        for (i, term) in terms.enumerated() {
            let piece = i + 1 < terms.count ? term + " " : term
            let n = piece.utf8.count
            guard n <= 255, !term.isEmpty else { return nil }
            if current.utf8.count + n <= 255 {
                current += piece
            } else {
                out.append(current)
                current = piece
            }
        }
        if !current.isEmpty { out.append(current) }
        return out.isEmpty ? nil : out
    }

    /// Creates a record holding `text`, split between space-separated words where possible and
    /// otherwise every 255 octets (legal for records whose consumers join strings without
    /// separators, such as DMARC and TLS-RPT; RFC 7489 §6.4 via RFC 7208 §3.3 practice).
    /// - Precondition: `text` is non-empty ASCII.
    public init(owner: String, text: String) {
        precondition(!text.isEmpty && text.utf8.allSatisfy { $0 < 0x80 }, "TXT text must be non-empty ASCII")
        if !text.contains("  "), !text.hasPrefix(" "), !text.hasSuffix(" "),
           let strings = Self.split(terms: text.split(separator: " ").map(String.init)) {
            self.init(owner: owner, strings: strings)
            return
        }
        let bytes = Array(text.utf8)
        let strings = stride(from: 0, to: bytes.count, by: 255).map {
            String(decoding: bytes[$0..<min($0 + 255, bytes.count)], as: UTF8.self)
        }
        self.init(owner: owner, strings: strings)
    }

    /// The record text: the strings joined without separators (RFC 7208 §3.3).
    public var text: String { strings.joined() }

    /// RDATA length in octets: one length octet plus the octets of each string.
    public var rdataLength: Int { strings.reduce(0) { $0 + 1 + $1.utf8.count } }

    /// Presentation form: `owner. TXT "…" "…"` with `"` and `\` escaped (RFC 1035 §5.1).
    public var description: String {
        let quoted = strings.map { s -> String in
            var e = ""
            for c in s { if c == "\"" || c == "\\" { e.append("\\") }; e.append(c) }
            return "\"\(e)\""
        }
        return "\(owner). TXT " + quoted.joined(separator: " ")
    }
}
