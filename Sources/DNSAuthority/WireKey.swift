/// A wire name (or a label-aligned suffix of one) used as a hash key, compared and hashed
/// ASCII case-insensitively (RFC 4343 §3).
///
/// Keys stored in tables own their octets. A probe key may instead borrow the octets in place
/// — the QNAME inside the received datagram — so a lookup copies and allocates nothing; such a
/// key is valid only while that memory is and must never be stored beyond the lookup.
/// Hashing folds case eight octets at a time and feeds whole words to the hasher.
struct WireKey: Hashable, @unchecked Sendable {
    /// Where the octets live.
    private enum Storage {
        /// Owned (shares an array's storage).
        case owned(ArraySlice<UInt8>)
        /// Borrowed for the duration of a lookup.
        case borrowed(UnsafeRawBufferPointer)
    }

    /// The octets: labels then the root octet, in any case.
    private let storage: Storage

    /// A key owning a whole wire name.
    init(_ bytes: [UInt8]) { storage = .owned(bytes[...]) }

    /// A key owning a slice of a wire name (shares the array's storage).
    init(_ bytes: ArraySlice<UInt8>) { storage = .owned(bytes) }

    /// A key borrowing `bytes`; valid only while `bytes` is.
    init(borrowing bytes: UnsafeRawBufferPointer) { storage = .borrowed(bytes) }

    /// Calls `body` with the octets.
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case let .owned(slice): return try slice.withUnsafeBytes(body)
        case let .borrowed(raw): return try body(raw)
        }
    }

    /// Equality ignoring ASCII case (length octets are below 0x40, so never folded).
    static func == (lhs: WireKey, rhs: WireKey) -> Bool {
        lhs.withBytes { left in
            rhs.withBytes { right in
                guard left.count == right.count else { return false }
                for index in 0..<left.count where left[index] != right[index] {
                    if foldCase(left[index]) != foldCase(right[index]) { return false }
                }
                return true
            }
        }
    }

    /// Feeds the case-folded octets to the hasher a 64-bit word at a time, then the length.
    func hash(into hasher: inout Hasher) {
        withBytes { raw in
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
            hasher.combine(raw.count)
        }
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
