/// A DNS `<character-string>`: 0…255 octets, sent on the wire behind one length octet
/// (RFC 1035 §3.3). TXT RDATA is a list of these (§3.3.14).
///
/// Construction enforces the 255-octet limit, so a value that cannot be encoded can never be
/// stored (field case C30).
public struct CharacterString: Hashable, Sendable, CustomStringConvertible {
    /// The maximum length in octets (RFC 1035 §3.3).
    public static let maxLength = 255

    /// The raw octets, 0…255 of them.
    public let bytes: [UInt8]

    /// Creates a character-string from raw octets.
    ///
    /// - Throws: `DNSCoreError.characterStringTooLong` when `bytes` has more than 255 octets.
    public init(_ bytes: [UInt8]) throws {
        guard bytes.count <= CharacterString.maxLength else {
            throw DNSCoreError.characterStringTooLong(length: bytes.count)
        }
        self.bytes = bytes
    }

    /// Creates a character-string from the UTF-8 octets of `text`.
    ///
    /// - Throws: `DNSCoreError.characterStringTooLong` when the UTF-8 form exceeds 255 octets.
    public init(_ text: String) throws {
        try self.init(Array(text.utf8))
    }

    /// Internal unchecked initializer: callers guarantee `bytes.count <= 255`.
    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// Splits a value of any length into consecutive ≤255-octet character-strings whose
    /// concatenation is `value` (for stored data longer than one string, C30; the SPF
    /// generator chooses its own split points, C08). An empty value gives one empty string.
    ///
    /// - Parameter value: the octets to split.
    /// - Returns: `ceil(count / 255)` strings (at least one), all full except the last.
    public static func split(_ value: [UInt8]) -> [CharacterString] {
        if value.isEmpty { return [CharacterString(unchecked: [])] }
        var result: [CharacterString] = []
        result.reserveCapacity((value.count + maxLength - 1) / maxLength)
        var start = 0
        while start < value.count {
            let end = min(start + maxLength, value.count)
            result.append(CharacterString(unchecked: Array(value[start..<end])))
            start = end
        }
        return result
    }

    /// Splits the UTF-8 form of `text` into ≤255-octet strings (see `split(_:)` for octets).
    public static func split(_ text: String) -> [CharacterString] { split(Array(text.utf8)) }

    /// The quoted presentation form (RFC 1035 §5.1): `"` and `\` escaped with a backslash,
    /// octets outside 0x20…0x7E as `\DDD`.
    public var description: String {
        var out = "\""
        out.reserveCapacity(bytes.count + 2)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append("\\")
                out.append(Character(Unicode.Scalar(byte)))
            case 0x20...0x7E:
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out.append("\\")
                out.append(DNSName.threeDigits(byte))
            }
        }
        out.append("\"")
        return out
    }
}
