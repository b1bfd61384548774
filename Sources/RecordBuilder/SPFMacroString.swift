/// One `macro-expand` of RFC 7208 §7.1: `%{` letter transformers delimiters `}`.
public struct SPFMacro: Hashable, Sendable, CustomStringConvertible {
    /// The macro letter, lowercase (`s l o d i p h c r t v`).
    public var letter: Character
    /// Whether the letter was written uppercase: the expansion is URL-escaped (§7.3).
    public var urlEscape: Bool
    /// Keep only this many right-hand parts (`nil`: all); at least 1 when present.
    public var rightParts: Int?
    /// Whether the parts are reversed (`r` transformer) before `rightParts` applies.
    public var reverse: Bool
    /// The delimiter characters splitting the value into parts (default `"."`).
    public var delimiters: String

    /// The macro in source form, `%{ir}`, `%{d2}`, `%{l-}`.
    public var description: String {
        var s = "%{" + String(urlEscape ? Character(letter.uppercased()) : letter)
        if let n = rightParts { s += String(n) }
        if reverse { s += "r" }
        return s + delimiters + "}"
    }
}

/// A `macro-string` or `domain-spec` of RFC 7208 §7.1: literal text and macros.
///
/// Escapes (`%%`, `%_`, `%-`) are stored as the literal text they expand to. A domain-spec with
/// no ``SPFMacro`` is a plain name: ``literalDomain`` gives it lowercase without the trailing dot.
public struct SPFMacroString: Hashable, Sendable, CustomStringConvertible {
    /// A piece of a macro-string.
    public enum Part: Hashable, Sendable {
        /// Literal text (escapes already replaced by what they stand for).
        case literal(String)
        /// A macro to expand at evaluation time (§7.3).
        case macro(SPFMacro)
    }

    /// The pieces, in order.
    public let parts: [Part]
    /// The text exactly as written in the record.
    public let source: String

    /// Whether any part is a ``SPFMacro`` (the value depends on the evaluation, §7.3).
    public var hasMacros: Bool {
        parts.contains { if case .macro = $0 { return true } else { return false } }
    }

    /// The plain domain name when there is no macro: lowercase, without trailing dot (§4.3,
    /// §4.6.1: names are case-insensitive); `nil` when the string has macros.
    public var literalDomain: String? {
        guard !hasMacros else { return nil }
        return normalizedDomain(parts.map { if case .literal(let t) = $0 { return t } else { return "" } }.joined())
    }

    /// The text as written.
    public var description: String { source }

    /// Parses a `macro-string` (§7.1). `allowExplanationLetters` admits `c`, `r`, `t`, which
    /// only an explanation string may use.
    /// - Throws: ``SPFSyntaxError/invalidMacro(term:reason:)`` naming `term`.
    public static func parseMacroString(_ text: String, term: String, allowExplanationLetters: Bool = false)
        throws(SPFSyntaxError) -> SPFMacroString
    {
        var parts: [Part] = []
        var literal = ""
        let chars = Array(text.unicodeScalars)
        var i = 0
        func flush() { if !literal.isEmpty { parts.append(.literal(literal)); literal = "" } }
        while i < chars.count {
            let c = chars[i]
            guard c.value >= 0x21 && c.value <= 0x7E else {
                throw .invalidMacro(term: term, reason: "character U+\(String(c.value, radix: 16, uppercase: true)) is not allowed")
            }
            if c != "%" { literal.unicodeScalars.append(c); i += 1; continue }
            guard i + 1 < chars.count else { throw .invalidMacro(term: term, reason: "\"%\" at the end") }
            let n = chars[i + 1]
            switch n {
            case "%": literal += "%"; i += 2
            case "_": literal += " "; i += 2
            case "-": literal += "%20"; i += 2
            case "{":
                guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                    throw .invalidMacro(term: term, reason: "\"%{\" without \"}\"")
                }
                let body = chars[(i + 2)..<close]
                guard let first = body.first else { throw .invalidMacro(term: term, reason: "empty \"%{}\"") }
                let letter = Character(String(first).lowercased())
                let letters: Set<Character> = allowExplanationLetters
                    ? ["s", "l", "o", "d", "i", "p", "h", "v", "c", "r", "t"]
                    : ["s", "l", "o", "d", "i", "p", "h", "v"]
                guard first.isASCII, letters.contains(letter) else {
                    throw .invalidMacro(term: term, reason: "unknown macro letter \"\(first)\"")
                }
                var rest = Array(body.dropFirst())
                var digits = ""
                while let d = rest.first, d.properties.numericType != nil, d.isASCII {
                    digits.unicodeScalars.append(d); rest.removeFirst()
                }
                var reverse = false
                if let r = rest.first, r == "r" || r == "R" { reverse = true; rest.removeFirst() }
                let allowed: Set<Unicode.Scalar> = [".", "-", "+", ",", "/", "_", "="]
                guard rest.allSatisfy({ allowed.contains($0) }) else {
                    throw .invalidMacro(term: term, reason: "invalid transformer or delimiter in \"%{\(String(String.UnicodeScalarView(body)))}\"")
                }
                var count: Int? = nil
                if !digits.isEmpty {
                    guard let v = Int(digits), v >= 1, v <= 128 else {
                        throw .invalidMacro(term: term, reason: "digit transformer \"\(digits)\" must be 1...128")
                    }
                    count = v
                }
                flush()
                var delims = ""
                delims.unicodeScalars.append(contentsOf: rest)
                parts.append(.macro(SPFMacro(letter: letter, urlEscape: first.properties.isUppercase,
                                             rightParts: count, reverse: reverse, delimiters: delims)))
                i = close + 1
            default:
                throw .invalidMacro(term: term, reason: "\"%\" must be followed by \"{\", \"%\", \"_\" or \"-\"")
            }
        }
        flush()
        return SPFMacroString(parts: parts, source: text)
    }

    /// Parses a `domain-spec` (§7.1): a macro-string ending in `"." toplabel ["."]` or a macro.
    /// A plain name must also have labels of 1...63 octets and at most 253 octets in all (§4.3).
    /// - Throws: ``SPFSyntaxError`` naming `term`.
    public static func parseDomainSpec(_ text: String, term: String) throws(SPFSyntaxError) -> SPFMacroString {
        guard !text.isEmpty else { throw .invalidTerm(term: term, reason: "empty domain-spec") }
        let spec = try parseMacroString(text, term: term)
        guard case .literal(let tail)? = spec.parts.last else { return spec }  // ends in a macro
        var t = Substring(tail)
        if t.hasSuffix(".") { t = t.dropLast() }
        guard let dot = t.lastIndex(of: ".") else {
            if spec.parts.count == 1 {
                throw .invalidTerm(term: term, reason: "\"\(text)\" is not a domain name with a top-level label")
            }
            throw .invalidTerm(term: term, reason: "domain-spec \"\(text)\" must end in \".\" and a top-level label or a macro")
        }
        let top = t[t.index(after: dot)...]
        guard isTopLabel(top) else {
            throw .invalidTerm(term: term, reason: "\"\(top)\" in \"\(text)\" is not a valid top-level label")
        }
        if let name = spec.literalDomain {
            let labels = name.split(separator: ".", omittingEmptySubsequences: false)
            if labels.contains(where: { $0.isEmpty || $0.utf8.count > 63 }) || name.utf8.count > 253 {
                throw .invalidTerm(term: term, reason: "\"\(text)\" has an empty label, a label over 63 octets, or more than 253 octets")
            }
        }
        return spec
    }

    /// `toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )`.
    static func isTopLabel(_ s: Substring) -> Bool {
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return false }
        if s.contains("-") { return s.first != "-" && s.last != "-" }
        return s.contains { $0.isLetter }
    }
}

/// A domain name as Herald keys it: lowercase, without the trailing dot.
func normalizedDomain(_ name: String) -> String {
    var n = name.lowercased()
    if n.hasSuffix(".") { n.removeLast() }
    return n
}
