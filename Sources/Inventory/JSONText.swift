import Foundation

/// Fast JSON text for the published-state columns (RFC 8259), which a build of 10,000 domains
/// writes and every snapshot reads: records (`[{"owner":…,"strings":[…]}]`), string lists and
/// pass sets (`{"slug":["cidr",…]}`).
///
/// The output matches `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` (compact,
/// keys sorted, `"` `\` and control characters escaped, everything else as UTF-8), so a value
/// written either way gives the same text and the change triggers compare like with like.
/// Parsing accepts exactly these shapes (any whitespace, any string escape) and returns `nil`
/// for anything else; callers then fall back to `JSONDecoder`.
public enum JSONText {
    // MARK: - Writing

    /// `"text"` with RFC 8259 §7 escapes.
    static func string(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 2)
        append(text, to: &out)
        return out
    }

    /// `["a","b"]`.
    static func strings(_ list: [String]) -> String {
        var out = ""
        append(list, to: &out)
        return out
    }

    /// `{"key":["a"],…}`, keys in ascending order.
    static func passSets(_ sets: [String: [String]]) -> String {
        var out = "{"
        for (index, key) in sets.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            append(key, to: &out)
            out += ":"
            append(sets[key]!, to: &out)
        }
        return out + "}"
    }

    /// `[{"owner":"…","strings":["…"]},…]`.
    static func records(_ records: [PublishedRecord]) -> String {
        var out = "["
        for (index, record) in records.enumerated() {
            if index > 0 { out += "," }
            out += "{\"owner\":"
            append(record.owner, to: &out)
            out += ",\"strings\":"
            append(record.strings, to: &out)
            out += "}"
        }
        return out + "]"
    }

    private static func append(_ list: [String], to out: inout String) {
        out += "["
        for (index, item) in list.enumerated() {
            if index > 0 { out += "," }
            append(item, to: &out)
        }
        out += "]"
    }

    /// Appends `text` as a JSON string literal (RFC 8259 §7), escaping exactly what
    /// `JSONEncoder` escapes with `.withoutEscapingSlashes`.
    public static func appendString(_ text: String, to out: inout String) { append(text, to: &out) }

    private static func append(_ text: String, to out: inout String) {
        out += "\""
        // Fast path: nothing to escape (CIDRs, slugs, most record text).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += text
            return out += "\""
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    // MARK: - Reading

    /// Parses `[{"owner":…,"strings":[…]},…]`, or `nil` for any other text.
    static func parseRecords(_ text: String) -> [PublishedRecord]? {
        var parser = Parser(text)
        guard let value = parser.document(), case let .array(items) = value else { return nil }
        var records: [PublishedRecord] = []
        records.reserveCapacity(items.count)
        for item in items {
            guard case let .object(members) = item, members.count == 2,
                  case let .string(owner)? = members["owner"], case let .array(list)? = members["strings"],
                  let strings = stringList(list) else { return nil }
            records.append(PublishedRecord(owner: owner, strings: strings))
        }
        return records
    }

    /// Parses `["a",…]`, or `nil`.
    static func parseStrings(_ text: String) -> [String]? {
        var parser = Parser(text)
        guard let value = parser.document(), case let .array(items) = value else { return nil }
        return stringList(items)
    }

    /// Parses `{"key":["a",…],…}`, or `nil`.
    static func parsePassSets(_ text: String) -> [String: [String]]? {
        var parser = Parser(text)
        guard let value = parser.document(), case let .object(members) = value else { return nil }
        var sets: [String: [String]] = [:]
        sets.reserveCapacity(members.count)
        for (key, member) in members {
            guard case let .array(items) = member, let list = stringList(items) else { return nil }
            sets[key] = list
        }
        return sets
    }

    private static func stringList(_ items: [Value]) -> [String]? {
        var list: [String] = []
        list.reserveCapacity(items.count)
        for item in items {
            guard case let .string(text) = item else { return nil }
            list.append(text)
        }
        return list
    }

    /// The JSON values the parser understands: no numbers, booleans or null.
    enum Value {
        case string(String)
        case array([Value])
        case object([String: Value])
    }

    /// A recursive-descent parser over UTF-8 bytes (RFC 8259 §2–§7, strings, arrays, objects).
    struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(_ text: String) { bytes = Array(text.utf8) }

        /// One value and nothing after it but whitespace.
        mutating func document() -> Value? {
            guard let value = value(depth: 0) else { return nil }
            skipSpace()
            return index == bytes.count ? value : nil
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value(depth: Int) -> Value? {
            guard depth < 16 else { return nil }
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""): return string().map(Value.string)
            case UInt8(ascii: "["):
                index += 1
                var items: [Value] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                while true {
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                    return nil
                }
            case UInt8(ascii: "{"):
                index += 1
                var members: [String: Value] = [:]
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                    index += 1
                    guard let member = value(depth: depth + 1), members.updateValue(member, forKey: key) == nil else {
                        return nil
                    }
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                    return nil
                }
            default:
                return nil
            }
        }

        /// A string starting at the opening quote.
        mutating func string() -> String? {
            index += 1
            let start = index
            // Fast path: no escapes.
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                guard bytes[index] >= 0x20 else { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: bytes[start..<(index - 1)], as: UTF8.self)
            }
            var out = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let unit = hex4() else { return nil }
                        var scalarValue = UInt32(unit)
                        if (0xD800..<0xDC00).contains(unit) {
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                                  bytes[index + 1] == UInt8(ascii: "u") else { return nil }
                            index += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            scalarValue = 0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default:
                        return nil
                    }
                default:
                    guard byte >= 0x20 else { return nil }
                    out.append(byte)
                }
            }
            return nil
        }

        /// Four hex digits after `\u`.
        mutating func hex4() -> UInt16? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt16 = 0
            for byte in bytes[index..<(index + 4)] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt16(digit)
            }
            index += 4
            return value
        }
    }
}
