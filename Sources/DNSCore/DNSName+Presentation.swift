extension DNSName {
    /// Parses a name from presentation text (RFC 1035 §5.1): labels separated by `.`, a
    /// trailing dot optional (the name is always taken as absolute), `\X` for a literal
    /// character and `\DDD` (decimal 000…255) for any octet. `"."` is the root.
    ///
    /// - Throws: `DNSCoreError.emptyLabel` for empty text or `a..b`; `.invalidEscape` for a
    ///   bad escape; `.labelTooLong` (label over 63 octets) or `.nameTooLong` (over 255
    ///   octets in wire form), naming the value.
    public init(_ text: String) throws {
        if text == "." {
            self = .root
            return
        }
        let bytes = Array(text.utf8)
        if bytes.isEmpty { throw DNSCoreError.emptyLabel(name: text) }
        var labels: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        var endedWithDot = false
        while index < bytes.count {
            let byte = bytes[index]
            endedWithDot = false
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else {
                    throw DNSCoreError.invalidEscape(text: text, reason: "backslash at end of text")
                }
                let next = bytes[index + 1]
                if next >= 0x30 && next <= 0x39 {
                    guard index + 3 < bytes.count else {
                        throw DNSCoreError.invalidEscape(text: text, reason: "\\DDD needs three digits")
                    }
                    var value = 0
                    for k in 1...3 {
                        let digit = bytes[index + k]
                        guard digit >= 0x30 && digit <= 0x39 else {
                            throw DNSCoreError.invalidEscape(text: text, reason: "\\DDD needs three digits")
                        }
                        value = value * 10 + Int(digit - 0x30)
                    }
                    guard value <= 255 else {
                        throw DNSCoreError.invalidEscape(text: text, reason: "\\\(value) is over 255")
                    }
                    current.append(UInt8(value))
                    index += 4
                } else {
                    current.append(next)
                    index += 2
                }
                continue
            }
            if byte == UInt8(ascii: ".") {
                if current.isEmpty { throw DNSCoreError.emptyLabel(name: text) }
                labels.append(current)
                current = []
                endedWithDot = true
                index += 1
                continue
            }
            current.append(byte)
            index += 1
        }
        if !current.isEmpty {
            labels.append(current)
        } else if !endedWithDot {
            throw DNSCoreError.emptyLabel(name: text)
        }
        try self.init(labels: labels)
    }

    /// Presentation form of labels joined by dots, without a trailing dot.
    static func presentation(ofLabels labels: [[UInt8]]) -> String {
        labels.map { presentation(ofLabel: $0) }.joined(separator: ".")
    }

    /// Presentation form of one label: `. \ " ; ( ) @ $` escaped with a backslash,
    /// octets outside 0x21…0x7E as `\DDD` (RFC 1035 §5.1).
    static func presentation(ofLabel label: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity(label.count)
        for byte in label {
            switch byte {
            case UInt8(ascii: "."), UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: ";"),
                 UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "@"), UInt8(ascii: "$"):
                out.append("\\")
                out.append(Character(Unicode.Scalar(byte)))
            case 0x21...0x7E:
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out.append("\\")
                out.append(DNSName.threeDigits(byte))
            }
        }
        return out
    }

    /// `byte` as exactly three decimal digits (`7` → `"007"`).
    static func threeDigits(_ byte: UInt8) -> String {
        let value = Int(byte)
        return String(value / 100) + String((value / 10) % 10) + String(value % 10)
    }
}
