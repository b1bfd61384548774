import Foundation

/// A DNS name as the inventory stores it: absolute, no trailing dot, lowercase, every label in
/// A-label form (IDNA, RFC 5890 §2.3.2.1), at most 255 octets on the wire (RFC 1035 §2.3.4).
///
/// Named `InventoryName` so it does not clash with `DNSCore`'s wire-level name type.
public struct InventoryName: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// What a name is for, which decides the characters its labels may hold.
    public enum Kind: Sendable {
        /// A host or customer domain: letters, digits, hyphens (RFC 1123 §2.1), U-labels
        /// converted; at least two labels, the last not all digits (RFC 3696 §2).
        case domain
        /// A name that may also hold `_` (an SPF entry point such as `_spf.google.com`,
        /// RFC 8552 §2); at least two labels.
        case serviceName
    }

    /// The lowercase A-label text without trailing dot, e.g. `xn--bcher-kva.example`.
    public let text: String

    /// Creates a name from text already validated and stored by the inventory.
    init(trusted text: String) { self.text = text }

    /// Parses operator input into a name.
    ///
    /// Accepts one trailing dot, upper case (folded), U-labels (lowercased and converted with
    /// Punycode, RFC 3492, after NFC normalisation) and A-labels (checked to decode).
    ///
    /// - Parameters:
    ///   - input: the name as typed.
    ///   - argument: the argument name to quote in errors (`DOMAIN`, `--zone`).
    ///   - kind: which characters labels may hold.
    /// - Throws: ``InventoryError/invalidValue(argument:value:reason:)`` for an empty name,
    ///   an empty label, a label over 63 octets, a name over 255 octets on the wire, a character
    ///   that is not allowed, a leading or trailing hyphen, a reserved `??--` label that is not
    ///   a valid `xn--` A-label, or too few labels.
    public init(parsing input: String, argument: String, kind: Kind = .domain) throws {
        func fail(_ reason: String) -> InventoryError {
            .invalidValue(argument: argument, value: input, reason: reason)
        }
        var raw = input
        if raw.hasSuffix(".") && raw != "." { raw.removeLast() }
        if raw.isEmpty || raw == "." { throw fail("a domain name cannot be empty") }
        // IDNA2003 §3.1 label separators, which users type with CJK keyboards.
        let separators: Set<Character> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]
        let labels = raw.split(omittingEmptySubsequences: false, whereSeparator: { separators.contains($0) })
        var out: [String] = []
        for (index, label) in labels.enumerated() {
            if label.isEmpty {
                throw fail("label \(index + 1) is empty (a leading dot or two dots in a row)")
            }
            out.append(try Self.aLabel(String(label), kind: kind, fail: fail))
        }
        let text = out.joined(separator: ".")
        let wire = text.utf8.count + 2
        if wire > 255 {
            throw fail("the name is \(wire) octets on the wire, \(wire - 255) more than the 255 allowed (RFC 1035 §2.3.4)")
        }
        if out.count < 2 {
            throw fail("a fully qualified name with at least two labels is needed")
        }
        if kind == .domain, out.last!.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            throw fail("the last label is all digits, which is not a host name (an IP address?)")
        }
        self.text = text
    }

    /// Converts one label to lowercase A-label form, or throws.
    private static func aLabel(_ label: String, kind: Kind, fail: (String) -> InventoryError) throws -> String {
        if label.unicodeScalars.allSatisfy({ $0.isASCII }) {
            let lower = label.lowercased()
            for scalar in lower.unicodeScalars {
                let ok = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") || scalar == "-"
                    || (kind == .serviceName && scalar == "_")
                if !ok {
                    throw fail("label '\(label)' holds '\(scalar.escaped(asASCII: true))'; only letters, digits and '-'"
                        + (kind == .serviceName ? " and '_'" : "") + " are allowed")
                }
            }
            try checkLength(lower, original: label, fail: fail)
            if lower.hasPrefix("-") || lower.hasSuffix("-") {
                throw fail("label '\(label)' starts or ends with '-' (RFC 5891 §4.2.3.1)")
            }
            let bytes = Array(lower.utf8)
            if bytes.count >= 4, bytes[2] == UInt8(ascii: "-"), bytes[3] == UInt8(ascii: "-") {
                guard lower.hasPrefix("xn--") else {
                    throw fail("label '\(label)' has '--' in the third and fourth positions, reserved for A-labels (RFC 5891 §4.2.3.1)")
                }
                let encoded = String(lower.dropFirst(4))
                guard let decoded = Punycode.decode(encoded),
                      !decoded.unicodeScalars.allSatisfy({ $0.isASCII }),
                      Punycode.encode(decoded) == encoded
                else {
                    throw fail("label '\(label)' is not a valid A-label: its Punycode does not decode (RFC 3492)")
                }
                try checkULabel(decoded, original: label, fail: fail)
            }
            return lower
        }
        let uLabel = label.precomposedStringWithCanonicalMapping.lowercased()
        try checkULabel(uLabel, original: label, fail: fail)
        guard let encoded = Punycode.encode(uLabel) else {
            throw fail("label '\(label)' cannot be encoded with Punycode")
        }
        let aLabel = "xn--" + encoded
        try checkLength(aLabel, original: label, fail: fail)
        return aLabel
    }

    /// Checks the code points of a U-label: letters, marks, digits and hyphens only, not
    /// starting with a combining mark (RFC 5891 §4.2.3.2), no leading or trailing hyphen.
    private static func checkULabel(_ label: String, original: String, fail: (String) -> InventoryError) throws {
        for scalar in label.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .lowercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark, .decimalNumber:
                continue
            default:
                if scalar == "-" { continue }
                throw fail("label '\(original)' holds U+\(String(scalar.value, radix: 16, uppercase: true)) "
                    + "'\(scalar)', which IDNA does not allow in a host name (RFC 5892)")
            }
        }
        if let first = label.unicodeScalars.first,
           [.nonspacingMark, .spacingMark, .enclosingMark].contains(first.properties.generalCategory) {
            throw fail("label '\(original)' starts with a combining mark (RFC 5891 §4.2.3.2)")
        }
        if label.hasPrefix("-") || label.hasSuffix("-") {
            throw fail("label '\(original)' starts or ends with '-' (RFC 5891 §4.2.3.1)")
        }
    }

    private static func checkLength(_ aLabel: String, original: String, fail: (String) -> InventoryError) throws {
        let count = aLabel.utf8.count
        if count > 63 {
            throw fail("label '\(original)' is \(count) octets"
                + (aLabel == original ? "" : " as the A-label '\(aLabel)'")
                + ", more than the 63 allowed (RFC 1035 §2.3.4)")
        }
    }

    /// The labels, left to right.
    public var labels: [Substring] { text.split(separator: ".") }

    /// Octets on the wire: each label's length plus one, plus the root label (RFC 1035 §3.1).
    public var wireLength: Int { text.utf8.count + 2 }

    /// The name for people: each `xn--` label decoded to its U-label, e.g. `bücher.example`.
    /// Equal to ``text`` for an all-ASCII name.
    public var unicode: String {
        labels.map { label -> String in
            if label.hasPrefix("xn--"), let decoded = Punycode.decode(String(label.dropFirst(4))) {
                return decoded
            }
            return String(label)
        }.joined(separator: ".")
    }

    /// `true` when some label is an A-label, so ``unicode`` differs from ``text``.
    public var isInternationalized: Bool { labels.contains { $0.hasPrefix("xn--") } }

    /// `self` prefixed with `prefix` labels (`"_dmarc"` + `example.com`), unchecked for length.
    public func prefixed(_ prefix: String) -> String { prefix + "." + text }

    public var description: String { text }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.text < rhs.text }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.text = try container.decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
