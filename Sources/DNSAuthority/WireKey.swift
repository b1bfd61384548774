/// A wire name (or a label-aligned suffix of one) used as a hash key, compared and hashed
/// ASCII case-insensitively (RFC 4343 §3), held as a slice so the QNAME inside a query's bytes
/// is looked up in place: no lowercase copy, no allocation.
///
/// Hashing folds case eight octets at a time and feeds whole words to the hasher.
struct WireKey: Hashable, Sendable {
    /// The octets: labels then the root octet, in any case.
    let bytes: ArraySlice<UInt8>

    /// A key for a whole wire name.
    init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

    /// A key for a slice of a wire name (a suffix, or the QNAME inside a message); shares
    /// storage.
    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    /// Equality ignoring ASCII case (length octets are below 0x40, so never folded).
    static func == (lhs: WireKey, rhs: WireKey) -> Bool {
        lhs.bytes.count == rhs.bytes.count && lhs.bytes.elementsEqual(rhs.bytes) { $0 == $1 || foldCase($0) == foldCase($1) }
    }

    /// Feeds the case-folded octets to the hasher a 64-bit word at a time, then the length.
    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset &+ 8 <= raw.count {
                hasher.combine(Self.foldCase(word: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                offset &+= 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < raw.count {
                tail |= UInt64(Self.foldCase(raw[offset])) << shift
                shift &+= 8
                offset &+= 1
            }
            hasher.combine(tail)
        }
        hasher.combine(bytes.count)
    }

    /// `A`–`Z` to `a`–`z`; every other octet unchanged.
    @inline(__always)
    static func foldCase(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// `foldCase` applied to each octet of a word (SWAR: no carries cross octets).
    @inline(__always)
    static func foldCase(word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low = word & (0x7F &* ones)
        let atLeastA = low &+ ((0x80 - 0x41) &* ones)   // bit 7 set where low >= 0x41
        let aboveZ = low &+ ((0x80 - 0x5B) &* ones)     // bit 7 set where low >= 0x5B
        let upper = atLeastA & ~aboveZ & ~word & (0x80 &* ones)
        return word | (upper >> 2)
    }
}
