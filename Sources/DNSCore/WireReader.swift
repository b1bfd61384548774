/// Reads DNS wire-format data from a message, safely, for untrusted input (RFC 1035 §4.1;
/// RFC 9267).
///
/// Every read is bounds-checked and throws `DNSCoreError` instead of trapping. Name
/// decompression accepts only pointers that point strictly before the start of the label
/// run being read and not into the 12-octet header, so it always terminates in at most
/// one pass over the message (C39).
public struct WireReader: Sendable {
    /// The whole message (pointers are offsets into it).
    public let bytes: [UInt8]
    /// The offset of the next octet to read.
    public var offset: Int
    /// The lowest offset a compression pointer may target (12 for messages: the header
    /// holds no names).
    public let minimumPointerTarget: Int

    /// Creates a reader at `offset` of `bytes`.
    public init(_ bytes: [UInt8], offset: Int = 0, minimumPointerTarget: Int = 12) {
        self.bytes = bytes
        self.offset = offset
        self.minimumPointerTarget = minimumPointerTarget
    }

    /// Octets left after `offset`.
    public var remaining: Int { bytes.count - offset }

    /// Reads one octet.
    ///
    /// - Throws: `DNSCoreError.truncated` naming `field`.
    public mutating func readUInt8(_ field: String) throws -> UInt8 {
        guard offset < bytes.count else { throw DNSCoreError.truncated(field: field, offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Reads a network-order 16-bit value.
    ///
    /// - Throws: `DNSCoreError.truncated` naming `field`.
    public mutating func readUInt16(_ field: String) throws -> UInt16 {
        guard offset + 2 <= bytes.count else { throw DNSCoreError.truncated(field: field, offset: offset) }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    /// Reads a network-order 32-bit value.
    ///
    /// - Throws: `DNSCoreError.truncated` naming `field`.
    public mutating func readUInt32(_ field: String) throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw DNSCoreError.truncated(field: field, offset: offset) }
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// Reads `count` raw octets.
    ///
    /// - Throws: `DNSCoreError.truncated` naming `field`.
    public mutating func readBytes(_ count: Int, _ field: String) throws -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else { throw DNSCoreError.truncated(field: field, offset: offset) }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Reads a character-string (length octet + octets, RFC 1035 §3.3).
    ///
    /// - Throws: `DNSCoreError.truncated`.
    public mutating func readCharacterString(_ field: String) throws -> CharacterString {
        let length = Int(try readUInt8(field))
        return CharacterString(unchecked: try readBytes(length, field))
    }

    /// Reads a possibly compressed name and advances past it (RFC 1035 §4.1.4).
    ///
    /// - Throws: `DNSCoreError.truncated` (incl. a lone pointer octet), `.badPointer`
    ///   (forward, self, into-header or past-the-end pointers and loops), `.badLabelType`
    ///   (0x40/0x80 label types), `.wireNameTooLong` (over 255 octets).
    public mutating func readName() throws -> DNSName {
        let (name, end) = try WireReader.decodeName(bytes, at: offset, minimumPointerTarget: minimumPointerTarget)
        offset = end
        return name
    }

    /// Steps over a name with exactly the checks of `readName()` (same errors, same end
    /// offset) but without building it: no allocation. For skipping the owners of records a
    /// responder does not need (RFC 1035 §4.1.4; RFC 9267).
    ///
    /// - Returns: the name's uncompressed wire length in octets (1 for the root).
    /// - Throws: the `DNSCoreError` that `readName()` would throw at this offset.
    public mutating func skipName() throws -> Int {
        let minimum = minimumPointerTarget
        let (wireLength, end) = try bytes.withUnsafeBytes { raw in
            try WireReader.skipName(in: raw, at: offset, minimumPointerTarget: minimum)
        }
        offset = end
        return wireLength
    }

    /// `skipName()` over raw memory (a message in place, as received), for readers that do
    /// not hold an array.
    ///
    /// - Parameters:
    ///   - bytes: the whole message (pointers are offsets into it).
    ///   - start: the offset of the name.
    ///   - minimumPointerTarget: the lowest offset a compression pointer may target.
    /// - Returns: the uncompressed wire length and the offset just after the name.
    /// - Throws: the `DNSCoreError` that `readName()` would throw.
    public static func skipName(in bytes: UnsafeRawBufferPointer, at start: Int,
                                minimumPointerTarget: Int) throws -> (wireLength: Int, end: Int) {
        var position = start
        var runStart = start
        var end: Int? = nil
        var wireLength = 0
        while true {
            guard position >= 0, position < bytes.count else {
                throw DNSCoreError.truncated(field: "name", offset: position)
            }
            let length = bytes[position]
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    return (wireLength + 1, end ?? position + 1)
                }
                let labelLength = Int(length)
                guard position + 1 + labelLength <= bytes.count else {
                    throw DNSCoreError.truncated(field: "name label", offset: position)
                }
                guard wireLength + 1 + labelLength + 1 <= DNSName.maxWireLength else {
                    throw DNSCoreError.wireNameTooLong(offset: start)
                }
                wireLength += 1 + labelLength
                position += 1 + labelLength
            case 0xC0:
                guard position + 1 < bytes.count else {
                    throw DNSCoreError.truncated(field: "compression pointer", offset: position)
                }
                let target = Int(length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < runStart, target >= minimumPointerTarget else {
                    throw DNSCoreError.badPointer(offset: position, target: target)
                }
                if end == nil { end = position + 2 }
                position = target
                runStart = target
            default:
                throw DNSCoreError.badLabelType(byte: length, offset: position)
            }
        }
    }

    /// Decodes the name at `start`; returns it and the offset just after it in the stream.
    static func decodeName(_ bytes: [UInt8], at start: Int, minimumPointerTarget: Int) throws -> (DNSName, Int) {
        var wire: [UInt8] = []
        wire.reserveCapacity(32)
        var position = start
        var runStart = start
        var end: Int? = nil
        while true {
            guard position < bytes.count else {
                throw DNSCoreError.truncated(field: "name", offset: position)
            }
            let length = bytes[position]
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    wire.append(0)
                    return (DNSName(uncheckedWire: wire), end ?? position + 1)
                }
                let labelLength = Int(length)
                guard position + 1 + labelLength <= bytes.count else {
                    throw DNSCoreError.truncated(field: "name label", offset: position)
                }
                // +1 for this length octet, +1 for the root label still to come.
                guard wire.count + 1 + labelLength + 1 <= DNSName.maxWireLength else {
                    throw DNSCoreError.wireNameTooLong(offset: start)
                }
                wire.append(contentsOf: bytes[position...(position + labelLength)])
                position += 1 + labelLength
            case 0xC0:
                guard position + 1 < bytes.count else {
                    throw DNSCoreError.truncated(field: "compression pointer", offset: position)
                }
                let target = Int(length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < runStart, target >= minimumPointerTarget else {
                    throw DNSCoreError.badPointer(offset: position, target: target)
                }
                if end == nil { end = position + 2 }
                position = target
                runStart = target
            default:
                throw DNSCoreError.badLabelType(byte: length, offset: position)
            }
        }
    }
}
