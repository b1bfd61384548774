import Crypto

/// An MTA-STS policy (RFC 8461 §3.2) and its identifier (§3.1).
///
/// The body is rendered with CRLF line endings, no BOM, `version: STSv1` first, one `mx:` line
/// per pattern and `max_age` last, ending in CRLF. The ``id`` is derived from the body, so the
/// body changes exactly when the id does.
public struct MTASTSPolicy: Hashable, Sendable {
    /// The largest `max_age` allowed, in seconds (one year, §3.2).
    public static let maxMaxAge = 31_557_600

    /// `mode`.
    public let mode: MTASTSMode
    /// `mx` patterns, lowercase, no trailing dot, duplicates removed, in the order given.
    public let mx: [String]
    /// `max_age` in seconds, 0...``maxMaxAge``.
    public let maxAge: Int

    /// Creates a validated policy.
    /// - Parameters:
    ///   - mode: `testing`, `enforce` or `none`.
    ///   - mx: host names or `*.`-wildcards (§4.1); at least one unless `mode` is `none`.
    ///   - maxAge: seconds; `nil` uses the mode's default (86400 testing/none, 604800 enforce).
    /// - Throws: ``MTASTSError`` naming the pattern or value at fault.
    public init(mode: MTASTSMode, mx: [String], maxAge: Int? = nil) throws(MTASTSError) {
        var patterns: [String] = []
        for raw in mx {
            let p = try Self.validatePattern(raw)
            if !patterns.contains(p) { patterns.append(p) }
        }
        guard mode == .none || !patterns.isEmpty else { throw .noMXPatterns(mode: mode.rawValue) }
        let age = maxAge ?? mode.defaultMaxAge
        guard (0...Self.maxMaxAge).contains(age) else { throw .invalidMaxAge(String(age)) }
        self.mode = mode
        self.mx = patterns
        self.maxAge = age
    }

    /// Validates an `mx` pattern: lowercase LDH host name of two or more labels without a
    /// trailing dot, optionally `*.` followed by such a name; no IP literals (§3.2, §4.1).
    static func validatePattern(_ raw: String) throws(MTASTSError) -> String {
        let p = raw.lowercased()
        guard !p.hasSuffix(".") else { throw .invalidMXPattern(raw) }
        let base = p.hasPrefix("*.") ? String(p.dropFirst(2)) : p
        guard !base.contains("*"), isHostName(base), !base.contains("_") else { throw .invalidMXPattern(raw) }
        return p
    }

    /// The policy body: CRLF lines, `version` first, `max_age` last, trailing CRLF.
    public var body: String {
        var lines = ["version: STSv1", "mode: \(mode.rawValue)"]
        lines += mx.map { "mx: \($0)" }
        lines.append("max_age: \(maxAge)")
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// The policy id: the first 32 hex digits of SHA-256 over the UTF-8 ``body``
    /// (`[0-9a-f]{32}`, within §3.1's `1*32(ALPHA / DIGIT)`).
    public var id: String {
        let digest = SHA256.hash(data: Array(body.utf8))
        return digest.prefix(16).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The announcement record `D._mta-sts.H TXT "v=STSv1; id=<id>"` (§3.1).
    public func announcement(domain: String, hostedZone: String) -> HostedTXT {
        HostedTXT(owner: "\(normalizedDomain(domain))._mta-sts.\(normalizedDomain(hostedZone))",
                  strings: ["v=STSv1; id=\(id)"])
    }

    /// Parses a policy body (§3.2): LF or CRLF line endings, `key: value` lines, unknown keys
    /// ignored, `version: STSv1` required, `mode` and `max_age` required, `mx` for
    /// testing/enforce.
    /// - Throws: ``MTASTSError`` naming the field and value at fault.
    public static func parse(_ body: String) throws(MTASTSError) -> MTASTSPolicy {
        var version: String?
        var mode: MTASTSMode?
        var maxAge: Int?
        var mx: [String] = []
        let lines = body.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars in
            var s = String(String.UnicodeScalarView(scalars))
            if s.hasSuffix("\r") { s.removeLast() }
            return s
        }
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .invalidPolicy(field: "line", value: line) }
            let key = String(line[..<colon]).lowercased()
            let value = String(line[line.index(after: colon)...]).trimmingASCIIWhitespace()
            switch key {
            case "version":
                guard version == nil, value == "STSv1" else { throw .invalidPolicy(field: "version", value: value) }
                version = value
            case "mode":
                guard mode == nil, let m = MTASTSMode(rawValue: value) else { throw .invalidPolicy(field: "mode", value: value) }
                mode = m
            case "max_age":
                guard maxAge == nil, !value.isEmpty, value.count <= 10, value.allSatisfy({ $0.isASCII && $0.isNumber }),
                      let n = Int(value), n <= maxMaxAge else { throw .invalidMaxAge(value) }
                maxAge = n
            case "mx":
                mx.append(value)
            default:
                continue
            }
        }
        guard version != nil else { throw .invalidPolicy(field: "version", value: "") }
        guard let mode else { throw .invalidPolicy(field: "mode", value: "") }
        guard let maxAge else { throw .invalidPolicy(field: "max_age", value: "") }
        return try MTASTSPolicy(mode: mode, mx: mx, maxAge: maxAge)
    }
}
