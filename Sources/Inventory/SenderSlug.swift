/// A sender catalog key: `[a-z0-9-]+`, at most 63 characters, no leading or trailing hyphen
/// (so it can appear in DNS labels and file names), e.g. `google-workspace`.
public struct SenderSlug: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The slug text.
    public let text: String

    /// Parses a slug; upper case is folded.
    ///
    /// - Throws: ``InventoryError/invalidValue(argument:value:reason:)`` when empty, longer than
    ///   63, or holding anything but `a-z`, `0-9`, `-` (or starting/ending with `-`).
    public init(parsing input: String, argument: String) throws {
        let lower = input.lowercased()
        let valid = !lower.isEmpty && lower.utf8.count <= 63
            && lower.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
            && !lower.hasPrefix("-") && !lower.hasSuffix("-")
        guard valid else {
            throw InventoryError.invalidValue(argument: argument, value: input,
                                              reason: "a sender slug is 1 to 63 of 'a-z', '0-9', '-', not starting or ending with '-'")
        }
        // `own` names the domain's own ranges in stored pass sets and provenance.
        guard lower != "own" else {
            throw InventoryError.invalidValue(argument: argument, value: input,
                                              reason: "'own' is reserved for a domain's own ranges")
        }
        text = lower
    }

    init(trusted text: String) { self.text = text }

    public var description: String { text }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.text < rhs.text }

    /// Catalog slugs that look like `self`: sharing a prefix of 3 or more characters, containing
    /// one another, or within edit distance 2; closest first, at most 5.
    public func closeMatches(in catalog: [SenderSlug]) -> [SenderSlug] {
        let scored = catalog.compactMap { candidate -> (Int, SenderSlug)? in
            let distance = Self.editDistance(Array(text.utf8), Array(candidate.text.utf8))
            let related = candidate.text.contains(text) || text.contains(candidate.text)
                || zip(candidate.text.utf8, text.utf8).prefix(while: { $0 == $1 }).count >= 3
            guard distance <= 2 || related else { return nil }
            return (distance, candidate)
        }
        return scored.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.prefix(5).map(\.1)
    }

    /// Levenshtein distance between two byte strings.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    public init(from decoder: Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
