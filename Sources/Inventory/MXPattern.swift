/// An MTA-STS `mx:` pattern (RFC 8461 §3.2, §4.1): a host name without trailing dot, or
/// `*.` followed by a host name, where `*` is the whole left-most label and matches exactly
/// one label. IP literals are refused.
public struct MXPattern: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The pattern text, lowercase A-label form: `mail.example.com`, `*.mx.example.net`.
    public let text: String

    /// `true` for a `*.` pattern.
    public var isWildcard: Bool { text.hasPrefix("*.") }

    /// Parses a pattern.
    ///
    /// - Throws: ``InventoryError/invalidValue(argument:value:reason:)`` for an IP literal,
    ///   a `*` anywhere but as the whole left-most label, a wildcard over a single label
    ///   (`*.com`), or a host name that ``InventoryName`` refuses.
    public init(parsing input: String, argument: String) throws {
        func fail(_ reason: String) -> InventoryError {
            .invalidValue(argument: argument, value: input, reason: reason)
        }
        var body = input
        if body.hasSuffix(".") { body.removeLast() }
        if body.hasPrefix("[") || InventoryAddress(body) != nil || Self.looksLikeIPv4(body) {
            throw fail("IP literals are not allowed in MTA-STS mx patterns (RFC 8461 §3.2)")
        }
        var wildcard = false
        if body.hasPrefix("*.") {
            wildcard = true
            body.removeFirst(2)
        }
        if body.contains("*") {
            throw fail("'*' is allowed only as the whole left-most label, as in '*.example.net' (RFC 8461 §3.2)")
        }
        let name: InventoryName
        do {
            name = try InventoryName(parsing: body, argument: argument)
        } catch let error as InventoryError {
            throw error.reported(as: argument, value: input)
        }
        if wildcard, name.labels.count < 2 {
            throw fail("a wildcard needs at least two labels after '*.'")
        }
        text = (wildcard ? "*." : "") + name.text
    }

    /// Reads a stored pattern.
    init(trusted text: String) { self.text = text }

    /// Whether `host` (lowercase, no trailing dot) matches: exactly, or, for `*.rest`, with one
    /// extra left-most label (RFC 8461 §4.1).
    public func matches(_ host: String) -> Bool {
        if isWildcard {
            let suffix = text.dropFirst(1)  // ".rest"
            guard host.hasSuffix(suffix) else { return false }
            let head = host.dropLast(suffix.count)
            return !head.isEmpty && !head.contains(".")
        }
        return host == text
    }

    public var description: String { text }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.text < rhs.text }

    public init(from decoder: Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// Recognises IPv4 literal shapes that `inet_pton` refuses but a resolver might still read
    /// as an address (`10.1`, `192.0.2.010`): one to four all-digit labels.
    static func looksLikeIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.count <= 4
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
