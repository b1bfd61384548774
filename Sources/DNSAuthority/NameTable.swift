/// An open-addressing hash table from wire names (compared ASCII case-insensitively,
/// RFC 4343 §3) to their positions in a list, built once at compile time.
///
/// Flat arrays instead of a `Dictionary<WireKey, …>`: the names (case as given) back to back in one
/// arena, a power-of-two slot array at most half full with linear probing, and a 32-bit hash
/// per slot so a miss rarely touches the arena. A lookup reads the query name in place (no
/// allocation, no retain), hashes it eight octets at a time with case folded (SWAR), and
/// compares whole words with both sides folded. The stored names keep their case, so the
/// table is also the zone's record of its owner names. The hash is keyed with a per-table
/// random seed.
struct NameTable: Sendable {
    /// Entry index + 1 per slot; 0 = empty.
    private let slots: [UInt32]
    /// The low 32 bits of each occupied slot's hash.
    private let slotHashes: [UInt32]
    /// Wire names as given (any case), back to back.
    private let arena: [UInt8]
    /// Start of entry `i` in `arena`; entry `i` ends at `starts[i + 1]`.
    private let starts: [UInt32]
    private let seed: UInt64
    private let mask: Int

    /// Number of names.
    var count: Int { starts.count - 1 }

    /// The names back to back (case as given) and the start of each, plus the end.
    var storage: (arena: [UInt8], starts: [UInt32]) { (arena, starts) }

    /// The wire name of entry `index`, case as given.
    func name(at index: Int) -> [UInt8] { Array(arena[Int(starts[index])..<Int(starts[index + 1])]) }

    /// Builds the table; `names[i]` (wire form, any case) maps to `i`. Names must be distinct
    /// ignoring case.
    init(names: [[UInt8]], seed: UInt64 = UInt64.random(in: 0...UInt64.max)) {
        var arena: [UInt8] = []
        arena.reserveCapacity(names.reduce(0) { $0 + $1.count })
        var starts: [UInt32] = [0]
        starts.reserveCapacity(names.count + 1)
        for name in names {
            arena.append(contentsOf: name)
            starts.append(UInt32(arena.count))
        }
        self.init(arena: arena, starts: starts, seed: seed)
    }

    /// Builds the table over names already back to back: entry `i` is
    /// `arena[starts[i]..<starts[i + 1]]`. `starts` begins with 0, never decreases and ends at
    /// `arena.count`; names must be distinct ignoring case.
    init(arena: [UInt8], starts: [UInt32], seed: UInt64 = UInt64.random(in: 0...UInt64.max)) {
        let count = starts.count - 1
        var size = 16
        while size < count * 2 { size <<= 1 }
        var slots = [UInt32](repeating: 0, count: size)
        var slotHashes = [UInt32](repeating: 0, count: size)
        let mask = size - 1
        arena.withUnsafeBytes { bytes in
            for index in 0..<count {
                let key = UnsafeRawBufferPointer(rebasing: bytes[Int(starts[index])..<Int(starts[index + 1])])
                let hash = Self.hash(key, seed: seed)
                var slot = Int(truncatingIfNeeded: hash) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = UInt32(index + 1)
                slotHashes[slot] = UInt32(truncatingIfNeeded: hash)
            }
        }
        self.slots = slots
        self.slotHashes = slotHashes
        self.arena = arena
        self.starts = starts
        self.seed = seed
        self.mask = mask
    }

    /// The position of `key` (a wire name in any case), or nil.
    @inline(__always)
    func index(of key: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(key, seed: seed)
        let tag = UInt32(truncatingIfNeeded: hash)
        return slots.withUnsafeBufferPointer { slots in
            slotHashes.withUnsafeBufferPointer { hashes in
                starts.withUnsafeBufferPointer { starts in
                    arena.withUnsafeBytes { arena in
                        var slot = Int(truncatingIfNeeded: hash) & mask
                        while true {
                            let entry = slots[slot]
                            if entry == 0 { return nil }
                            if hashes[slot] == tag {
                                let index = Int(entry) - 1
                                let start = Int(starts[index])
                                let end = Int(starts[index + 1])
                                if end - start == key.count,
                                   Self.equalFolded(key, UnsafeRawBufferPointer(rebasing: arena[start..<end])) {
                                    return index
                                }
                            }
                            slot = (slot + 1) & mask
                        }
                    }
                }
            }
        }
    }

    /// Whether `key` equals `stored` ignoring ASCII case, both of the same length.
    @inline(__always)
    static func equalFolded(_ key: UnsafeRawBufferPointer, _ stored: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        let count = key.count
        while offset &+ 8 <= count {
            if WireKey.foldCase(word: key.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                != WireKey.foldCase(word: stored.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) { return false }
            offset &+= 8
        }
        while offset < count {
            if WireKey.foldCase(key[offset]) != WireKey.foldCase(stored[offset]) { return false }
            offset &+= 1
        }
        return true
    }

    /// A keyed 64-bit hash of the case-folded octets, a word at a time.
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = seed ^ (UInt64(key.count) &* 0x9E37_79B9_7F4A_7C15)
        var offset = 0
        let count = key.count
        while offset &+ 8 <= count {
            h = (h ^ WireKey.foldCase(word: key.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            offset &+= 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < count {
            tail |= UInt64(WireKey.foldCase(key[offset])) << shift
            shift &+= 8
            offset &+= 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 32
        h = h &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 29)
    }
}
