/// Errors raised by `DNSCore` when parsing, constructing, encoding or decoding DNS data.
///
/// Every case names the field and the offending value so a message can be shown to an
/// operator as is. `code` is a stable short identifier for logs and metrics.
public enum DNSCoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A label is longer than 63 octets (RFC 1035 §2.3.4). `label` is its presentation form.
    case labelTooLong(label: String, length: Int)
    /// A name is longer than 255 octets in wire form (RFC 1035 §2.3.4).
    case nameTooLong(name: String, length: Int)
    /// A name has an empty label in the middle (`a..b`) or is empty text.
    case emptyLabel(name: String)
    /// A presentation-format escape (`\X` or `\DDD`) is malformed or out of range.
    case invalidEscape(text: String, reason: String)
    /// A character-string is longer than 255 octets (RFC 1035 §3.3).
    case characterStringTooLong(length: Int)
    /// An unknown record type or class mnemonic.
    case unknownMnemonic(kind: String, text: String)
    /// Wire data ended before `field` could be read at `offset`.
    case truncated(field: String, offset: Int)
    /// A compression pointer at `offset` points to `target`, which is not strictly earlier
    /// in the message (or points into the header) (RFC 1035 §4.1.4, RFC 9267 §2).
    case badPointer(offset: Int, target: Int)
    /// A label type other than 0b00 (normal) or 0b11 (pointer) at `offset` (RFC 6891 §5).
    case badLabelType(byte: UInt8, offset: Int)
    /// A wire name exceeded 255 octets while decoding at `offset`.
    case wireNameTooLong(offset: Int)
    /// RDATA of `type` has the wrong length or content.
    case invalidRData(type: String, reason: String)
    /// A message section is malformed (for example two OPT records, OPT owner not root).
    case malformedMessage(reason: String)
    /// A message would be larger than 65535 octets.
    case messageTooLarge(size: Int)

    /// A stable short code for this error kind.
    public var code: String {
        switch self {
        case .labelTooLong: return "label-too-long"
        case .nameTooLong: return "name-too-long"
        case .emptyLabel: return "empty-label"
        case .invalidEscape: return "invalid-escape"
        case .characterStringTooLong: return "character-string-too-long"
        case .unknownMnemonic: return "unknown-mnemonic"
        case .truncated: return "truncated"
        case .badPointer: return "bad-pointer"
        case .badLabelType: return "bad-label-type"
        case .wireNameTooLong: return "wire-name-too-long"
        case .invalidRData: return "invalid-rdata"
        case .malformedMessage: return "malformed-message"
        case .messageTooLarge: return "message-too-large"
        }
    }

    /// A human-readable message naming the field and the offending value.
    public var description: String {
        switch self {
        case let .labelTooLong(label, length):
            return "label '\(label)' is \(length) octets, over the 63-octet limit by \(length - 63) (RFC 1035 §2.3.4)"
        case let .nameTooLong(name, length):
            return "name '\(name)' is \(length) octets in wire form, over the 255-octet limit by \(length - 255) (RFC 1035 §2.3.4)"
        case let .emptyLabel(name):
            return "name '\(name)' has an empty label"
        case let .invalidEscape(text, reason):
            return "invalid escape in '\(text)': \(reason)"
        case let .characterStringTooLong(length):
            return "character-string is \(length) octets, over the 255-octet limit by \(length - 255) (RFC 1035 §3.3)"
        case let .unknownMnemonic(kind, text):
            return "unknown \(kind) '\(text)'"
        case let .truncated(field, offset):
            return "message truncated reading \(field) at offset \(offset)"
        case let .badPointer(offset, target):
            return "compression pointer at offset \(offset) to \(target) is not strictly backwards into the message body (RFC 9267 §2)"
        case let .badLabelType(byte, offset):
            return "unsupported label type 0x\(String(byte, radix: 16)) at offset \(offset)"
        case let .wireNameTooLong(offset):
            return "name starting at offset \(offset) exceeds 255 octets (RFC 1035 §2.3.4)"
        case let .invalidRData(type, reason):
            return "invalid \(type) RDATA: \(reason)"
        case let .malformedMessage(reason):
            return "malformed message: \(reason)"
        case let .messageTooLarge(size):
            return "message of \(size) octets exceeds 65535"
        }
    }
}
