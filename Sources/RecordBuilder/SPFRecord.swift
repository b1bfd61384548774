/// A parsed SPF record (RFC 7208 §4.5, §4.6, §5, §6).
///
/// Names inside are case-insensitive and compared lowercase without the trailing dot.
public struct SPFRecord: Hashable, Sendable, CustomStringConvertible {
    /// All terms in record order.
    public let terms: [SPFTerm]

    /// Creates a record from terms.
    /// - Throws: ``SPFSyntaxError/duplicateModifier(name:)`` when `redirect` or `exp` repeats.
    public init(terms: [SPFTerm]) throws(SPFSyntaxError) {
        var seen: Set<String> = []
        for case .modifier(let m) in terms {
            let name: String
            switch m {
            case .redirect: name = "redirect"
            case .explanation: name = "exp"
            case .unknown: continue
            }
            guard seen.insert(name).inserted else { throw .duplicateModifier(name: name) }
        }
        self.terms = terms
    }

    /// The directives in order (§4.6.2 evaluates them left to right).
    public var directives: [SPFDirective] {
        terms.compactMap { if case .directive(let d) = $0 { return d } else { return nil } }
    }

    /// The `redirect=` target, if any.
    public var redirect: SPFMacroString? {
        for case .modifier(.redirect(let d)) in terms { return d }
        return nil
    }

    /// Whether an `all` mechanism appears anywhere (then `redirect` is ignored, §6.1).
    public var hasAll: Bool { directives.contains { $0.mechanism == .all } }

    /// The record text: `v=spf1` and the canonical terms separated by single spaces.
    public var description: String {
        (["v=spf1"] + terms.map(\.description)).joined(separator: " ")
    }

    /// Whether `text` is an SPF record: it begins with `v=spf1` (case-insensitive) followed by a
    /// space or the end (§4.5; `v=spf10` is not SPF).
    public static func isSPF(_ text: String) -> Bool {
        let u = Array(text.utf8)
        guard u.count >= 6, String(decoding: u[0..<6], as: UTF8.self).lowercased() == "v=spf1" else { return false }
        return u.count == 6 || u[6] == 0x20
    }

    /// The outcome of picking the SPF record from a TXT RRset (§4.5).
    public enum Selection: Hashable, Sendable {
        /// No record starts with `v=spf1`: the result is `none`.
        case none
        /// Exactly one SPF record, its text.
        case one(String)
        /// More than one SPF record (count): the result is `permerror`.
        case multiple(Int)
    }

    /// Picks the SPF record from the TXT strings at a name, discarding non-SPF text (§4.5).
    public static func select(from txt: [String]) -> Selection {
        let spf = txt.filter(isSPF)
        switch spf.count {
        case 0: return .none
        case 1: return .one(spf[0])
        default: return .multiple(spf.count)
        }
    }

    /// Parses an SPF record text (§4.6.1 ABNF): `v=spf1`, then terms separated by one or more
    /// spaces. Mechanism and modifier names are case-insensitive.
    /// - Throws: ``SPFSyntaxError`` naming the offending term.
    public static func parse(_ text: String) throws(SPFSyntaxError) -> SPFRecord {
        guard isSPF(text) else { throw .notSPFRecord(text) }
        let body = String(decoding: Array(text.utf8).dropFirst(6), as: UTF8.self)
        var terms: [SPFTerm] = []
        for piece in body.split(separator: " ", omittingEmptySubsequences: true) {
            terms.append(try parseTerm(String(piece)))
        }
        return try SPFRecord(terms: terms)
    }

    /// Length of the leading `name` (`ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )`) of `s`.
    private static func nameLength(_ s: Substring) -> Int {
        guard let f = s.first, f.isASCII, f.isLetter else { return 0 }
        var n = 0
        for c in s {
            guard c.isASCII, c.isLetter || c.isNumber || c == "-" || c == "_" || c == "." else { break }
            n += 1
        }
        return n
    }

    /// Parses one term (directive or modifier).
    static func parseTerm(_ term: String) throws(SPFSyntaxError) -> SPFTerm {
        let s = Substring(term)
        // A name followed by "=" is a modifier (§4.6.1).
        let n = nameLength(s)
        if n > 0, s.dropFirst(n).first == "=" {
            let name = s.prefix(n).lowercased()
            let value = String(s.dropFirst(n + 1))
            switch name {
            case "redirect": return .modifier(.redirect(try SPFMacroString.parseDomainSpec(value, term: term)))
            case "exp": return .modifier(.explanation(try SPFMacroString.parseDomainSpec(value, term: term)))
            default:
                return .modifier(.unknown(name: name, value: try SPFMacroString.parseMacroString(value, term: term, allowExplanationLetters: true)))
            }
        }
        var rest = s
        var qualifier = SPFQualifier.pass
        if let f = rest.first, let q = SPFQualifier(rawValue: String(f)) {
            qualifier = q
            rest = rest.dropFirst()
            let m = nameLength(rest)
            if m > 0, rest.dropFirst(m).first == "=" { throw .modifierWithQualifier(term: term) }
        }
        let nameEnd = rest.firstIndex(where: { $0 == ":" || $0 == "/" }) ?? rest.endIndex
        let name = rest[..<nameEnd].lowercased()
        let arg = rest[nameEnd...]
        let mechanism: SPFMechanism
        switch name {
        case "all":
            guard arg.isEmpty else { throw .invalidTerm(term: term, reason: "\"all\" takes no argument") }
            mechanism = .all
        case "include", "exists":
            guard arg.first == ":", arg.count > 1 else {
                throw .invalidTerm(term: term, reason: "\"\(name)\" needs \":\" and a domain-spec")
            }
            let spec = try SPFMacroString.parseDomainSpec(String(arg.dropFirst()), term: term)
            mechanism = name == "include" ? .include(spec) : .exists(spec)
        case "a", "mx":
            var a = arg
            var cidr = SPFDualCIDRLength()
            let isDigits = { (t: Substring) in !t.isEmpty && t.allSatisfy { $0.isASCII && $0.isNumber } }
            if let slash = a.lastIndex(of: "/"), slash > a.startIndex, a[a.index(before: slash)] == "/",
               isDigits(a[a.index(after: slash)...]) {
                let digits = a[a.index(after: slash)...]
                guard let v = parsePrefixLength(digits, maximum: 128) else {
                    throw .invalidTerm(term: term, reason: "IPv6 prefix length \"\(digits)\" must be 0...128 without leading zeros")
                }
                cidr.v6 = v
                a = a[..<a.index(before: slash)]
            }
            if let slash = a.lastIndex(of: "/"), isDigits(a[a.index(after: slash)...]) {
                let digits = a[a.index(after: slash)...]
                guard let v = parsePrefixLength(digits, maximum: 32) else {
                    throw .invalidTerm(term: term, reason: "IPv4 prefix length \"\(digits)\" must be 0...32 without leading zeros")
                }
                cidr.v4 = v
                a = a[..<slash]
            }
            var spec: SPFMacroString? = nil
            if !a.isEmpty {
                guard a.first == ":", a.count > 1 else {
                    throw .invalidTerm(term: term, reason: "expected \":\" and a domain-spec after \"\(name)\"")
                }
                spec = try SPFMacroString.parseDomainSpec(String(a.dropFirst()), term: term)
            }
            mechanism = name == "a" ? .a(spec, cidr) : .mx(spec, cidr)
        case "ptr":
            var spec: SPFMacroString? = nil
            if !arg.isEmpty {
                guard arg.first == ":", arg.count > 1 else {
                    throw .invalidTerm(term: term, reason: "expected \":\" and a domain-spec after \"ptr\"")
                }
                spec = try SPFMacroString.parseDomainSpec(String(arg.dropFirst()), term: term)
            }
            mechanism = .ptr(spec)
        case "ip4":
            guard arg.first == ":" else { throw .invalidTerm(term: term, reason: "\"ip4\" needs \":\" and a network") }
            do { mechanism = .ip4(try CIDRBlock<IPv4Address>.parse(String(arg.dropFirst()))) } catch {
                throw .invalidTerm(term: term, reason: error.description)
            }
        case "ip6":
            guard arg.first == ":" else { throw .invalidTerm(term: term, reason: "\"ip6\" needs \":\" and a network") }
            do { mechanism = .ip6(try CIDRBlock<IPv6Address>.parse(String(arg.dropFirst()))) } catch {
                throw .invalidTerm(term: term, reason: error.description)
            }
        default:
            throw .unknownMechanism(term: term)
        }
        return .directive(SPFDirective(qualifier: qualifier, mechanism: mechanism))
    }
}
