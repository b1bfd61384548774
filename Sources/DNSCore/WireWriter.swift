/// Appends DNS wire-format data to a growing message, compressing names (RFC 1035 §4.1.4).
///
/// Compression pointers only ever point backwards, to offsets below 0x3FFF, at names
/// written earlier by this writer (C39).
public struct WireWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]
    /// Canonical (lowercase) wire suffix → offset of its first occurrence.
    private var compressionTable: [[UInt8]: Int] = [:]

    /// Creates an empty writer.
    ///
    /// - Parameter capacity: initial capacity in octets.
    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The current length in octets (the offset the next byte will get).
    public var count: Int { bytes.count }

    /// Appends one octet.
    public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    /// Appends a 16-bit value in network order.
    public mutating func writeUInt16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a 32-bit value in network order.
    public mutating func writeUInt32(_ value: UInt32) {
        bytes.append(UInt8(value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends raw octets.
    public mutating func writeBytes<C: Collection>(_ data: C) where C.Element == UInt8 {
        bytes.append(contentsOf: data)
    }

    /// Overwrites a 16-bit value at `offset` (for lengths and counts filled in later).
    public mutating func setUInt16(_ value: UInt16, at offset: Int) {
        bytes[offset] = UInt8(value >> 8)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value)
    }

    /// Appends a character-string: one length octet then the octets (RFC 1035 §3.3).
    public mutating func writeCharacterString(_ string: CharacterString) {
        bytes.append(UInt8(string.bytes.count))
        bytes.append(contentsOf: string.bytes)
    }

    /// Appends a name, replacing its longest already-written suffix by a pointer when
    /// `compress` is true (RFC 1035 §4.1.4). Suffixes are remembered for later names only
    /// while their offset is below 0x3FFF.
    public mutating func writeName(_ name: DNSName, compress: Bool = true) {
        let wire = name.wire
        let key = name.key
        var index = 0
        while wire[index] != 0 {
            if compress {
                let suffix = Array(key[index...])
                if let offset = compressionTable[suffix] {
                    writeUInt16(0xC000 | UInt16(offset))
                    return
                }
                if bytes.count < 0x3FFF {
                    compressionTable[suffix] = bytes.count
                }
            }
            let length = Int(wire[index])
            bytes.append(contentsOf: wire[index...(index + length)])
            index += 1 + length
        }
        bytes.append(0)
    }
}
