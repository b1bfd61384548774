extension DMARCRecord {
    /// A DMARC record as found in DNS (import and monitoring), RFC 7489 §6.3, §6.4, §6.6.3 and
    /// RFC 9989 tags `t`, `psd`, `np`.
    public struct Parsed: Hashable, Sendable {
        /// `p`; `none` when the tag is missing (§6.6.3 step 6, RFC 9989).
        public var policy: DMARCPolicy = .none
        /// Whether the record had no `p` tag.
        public var policyMissing = true
        /// `sp`.
        public var subdomainPolicy: DMARCPolicy?
        /// `np`.
        public var nonexistentPolicy: DMARCPolicy?
        /// `adkim`.
        public var dkimAlignment: DMARCAlignment?
        /// `aspf`.
        public var spfAlignment: DMARCAlignment?
        /// `pct`, 0...100.
        public var percent: Int?
        /// `t`: `true` for `y`, `false` for `n`.
        public var testing: Bool?
        /// `psd`: `y`, `n` or `u`.
        public var publicSuffixDomain: String?
        /// `rua` URIs as written (split on `,`).
        public var aggregateReports: [String] = []
        /// `ruf` URIs as written.
        public var failureReports: [String] = []
        /// `fo`.
        public var failureOptions: String?
        /// Names of tags that were ignored (unknown, `rf`, `ri`), lowercase, in order.
        public var ignoredTags: [String] = []
    }

    /// Parses a DMARC record (RFC 7489 §6.4 ABNF): `v=DMARC1` first with the `DMARC1` literal
    /// case-sensitive (`v=DMARC10`, `v=dmarc1` are not DMARC); tag names case-insensitive;
    /// whitespace around `;` and `=` accepted; unknown tags ignored; no `p` means `none`.
    /// - Throws: ``DMARCError`` naming the tag and value at fault.
    public static func parse(_ text: String) throws(DMARCError) -> Parsed {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
            .map { String($0).trimmingASCIIWhitespace() }
        var pairs: [(String, String)] = []
        for (i, part) in parts.enumerated() {
            if part.isEmpty {
                // Only a trailing ";" (or one between tags) may leave an empty part.
                if i == 0 { throw .notDMARCRecord(text) }
                continue
            }
            guard let eq = part.firstIndex(of: "=") else {
                if i == 0 { throw .notDMARCRecord(text) }
                throw .malformedTag(part)
            }
            let name = String(part[..<eq]).trimmingASCIIWhitespace().lowercased()
            let value = String(part[part.index(after: eq)...]).trimmingASCIIWhitespace()
            pairs.append((name, value))
        }
        guard let first = pairs.first, first.0 == "v", first.1 == "DMARC1" else { throw .notDMARCRecord(text) }
        var out = Parsed()
        var seen: Set<String> = ["v"]
        func policy(_ tag: String, _ v: String) throws(DMARCError) -> DMARCPolicy {
            guard let p = DMARCPolicy(rawValue: v.lowercased()) else { throw .invalidTagValue(tag: tag, value: v) }
            return p
        }
        func alignment(_ tag: String, _ v: String) throws(DMARCError) -> DMARCAlignment {
            guard let a = DMARCAlignment(rawValue: v.lowercased()) else { throw .invalidTagValue(tag: tag, value: v) }
            return a
        }
        for (name, value) in pairs.dropFirst() {
            guard seen.insert(name).inserted else { throw .duplicateTag(name) }
            switch name {
            case "p": out.policy = try policy(name, value); out.policyMissing = false
            case "sp": out.subdomainPolicy = try policy(name, value)
            case "np": out.nonexistentPolicy = try policy(name, value)
            case "adkim": out.dkimAlignment = try alignment(name, value)
            case "aspf": out.spfAlignment = try alignment(name, value)
            case "pct":
                guard !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(value), n <= 100 else {
                    throw .invalidTagValue(tag: name, value: value)
                }
                out.percent = n
            case "t":
                switch value.lowercased() {
                case "y": out.testing = true
                case "n": out.testing = false
                default: throw .invalidTagValue(tag: name, value: value)
                }
            case "psd":
                guard ["y", "n", "u"].contains(value.lowercased()) else { throw .invalidTagValue(tag: name, value: value) }
                out.publicSuffixDomain = value.lowercased()
            case "rua", "ruf":
                let uris = value.split(separator: ",").map { String($0).trimmingASCIIWhitespace() }
                guard !uris.isEmpty, !uris.contains(where: \.isEmpty) else { throw .invalidTagValue(tag: name, value: value) }
                if name == "rua" { out.aggregateReports = uris } else { out.failureReports = uris }
            case "fo": out.failureOptions = value
            default: out.ignoredTags.append(name)
            }
        }
        return out
    }
}
