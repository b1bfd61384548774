import DNSCore

/// Appends fixed-width little-endian integers and length-prefixed arrays to a byte buffer: the
/// writing half of the compiled snapshot image (see `Zone.encode(into:)`).
public struct ImageWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer; `capacity` octets are reserved up front.
    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Appends `value` in little-endian order.
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends the element count (UInt32) and then the elements, each little-endian.
    public mutating func write<T: FixedWidthInteger>(array: [T]) {
        write(UInt32(array.count))
        #if _endian(little)
        array.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for element in array { write(element) }
        #endif
    }

    /// Appends the octet count (UInt32) and the UTF-8 octets of `text`.
    public mutating func write(text: String) { write(array: Array(text.utf8)) }
}

/// Reads what `ImageWriter` wrote, checking every length against the bytes left: a damaged
/// or truncated image gives `DNSAuthorityError.invalidImage` naming the field, never a trap.
public struct ImageReader {
    /// The whole image.
    public let bytes: [UInt8]
    /// The next octet to read.
    public private(set) var offset: Int

    /// A reader at `offset` of `bytes`.
    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Octets not yet read.
    public var remaining: Int { bytes.count - offset }

    /// Reads one little-endian integer.
    /// - Throws: `DNSAuthorityError.invalidImage` when fewer octets remain than it needs.
    public mutating func read<T: FixedWidthInteger>(_ type: T.Type, _ field: String) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw DNSAuthorityError.invalidImage(field: field, offset: offset, reason: "truncated") }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += size
        return T(littleEndian: value)
    }

    /// Reads a count (UInt32) and that many little-endian integers.
    /// - Throws: `DNSAuthorityError.invalidImage` when the count exceeds the octets left.
    public mutating func read<T: FixedWidthInteger>(array type: T.Type, _ field: String) throws -> [T] {
        let count = Int(try read(UInt32.self, field))
        let size = MemoryLayout<T>.stride
        guard count <= remaining / max(size, 1) else {
            throw DNSAuthorityError.invalidImage(field: field, offset: offset, reason: "\(count) elements exceed the \(remaining) octets left")
        }
        let start = offset
        offset += count * size
        #if _endian(little)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + count * size)]))
            }
            initialized = count
        }
        #else
        return (0..<count).map { i in bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: start + i * size, as: T.self)) } }
        #endif
    }

    /// Reads an octet count and that many octets as UTF-8 text.
    /// - Throws: `DNSAuthorityError.invalidImage` when truncated or not UTF-8.
    public mutating func readText(_ field: String) throws -> String {
        let start = offset
        let octets = try read(array: UInt8.self, field)
        guard let text = String(validating: octets, as: UTF8.self) else {
            throw DNSAuthorityError.invalidImage(field: field, offset: start, reason: "not UTF-8")
        }
        return text
    }
}

extension Zone {
    /// Appends the compiled zone to `writer`: apex, SOA, TTLs, the name table's names, the
    /// RRset arrays and arena, and the macro-mode address sets. The layout is internal to one
    /// build of Herald; `decode(from:)` reads it back, checking every offset.
    public func encode(into writer: inout ImageWriter) {
        let s = storage
        writer.write(array: s.origin.wire)
        var soaBody: [UInt8] = []
        // The SOA rendered when the zone was compiled; it cannot fail again.
        try? PrerenderedRRSet.render([s.soa], into: &soaBody)
        writer.write(array: soaBody)
        writer.write(s.negativeTTL)
        writer.write(s.addressSetTTL)
        let names = s.table.storage
        writer.write(array: names.arena)
        writer.write(array: names.starts)
        writer.write(array: s.nodeFirstSet)
        writer.write(array: s.setTypes.map(\.rawValue))
        writer.write(array: s.setCounts)
        writer.write(array: s.setStarts)
        writer.write(array: s.arena)
        writer.write(UInt32(s.addressSets.count))
        for set in s.addressSets {
            writer.write(array: set.name.wire)
            let v4 = set.table.v4Ranges
            writer.write(array: v4.map(\.lowerBound))
            writer.write(array: v4.map(\.upperBound))
            let v6 = set.table.v6Ranges
            writer.write(array: v6.flatMap { [UInt64(truncatingIfNeeded: $0.lowerBound >> 64), UInt64(truncatingIfNeeded: $0.lowerBound)] })
            writer.write(array: v6.flatMap { [UInt64(truncatingIfNeeded: $0.upperBound >> 64), UInt64(truncatingIfNeeded: $0.upperBound)] })
        }
    }

    /// Reads a zone written by `encode(into:)`, checking that every name is a well-formed wire
    /// name below the apex, every index and offset is in range and in order, and every RRset's
    /// records end exactly where the next RRset starts — so the responder can trust it as it
    /// trusts a freshly compiled zone.
    ///
    /// - Throws: `DNSAuthorityError.invalidImage` naming the field and offset at fault.
    public static func decode(from reader: inout ImageReader) throws -> Zone {
        func bad(_ field: String, _ reason: String) -> DNSAuthorityError {
            .invalidImage(field: field, offset: reader.offset, reason: reason)
        }
        func name(_ wire: [UInt8], _ field: String) throws -> DNSName {
            do { return try DNSName(wire: wire) } catch { throw bad(field, "not a wire name: \(error)") }
        }
        let origin = try name(try reader.read(array: UInt8.self, "origin"), "origin")
        let soaBody = try reader.read(array: UInt8.self, "soa")
        let soaRecords: [ResourceRecord]
        do { soaRecords = try PrerenderedRRSet.decode(soaBody, owner: origin) } catch { throw bad("soa", "\(error)") }
        guard soaRecords.count == 1, let soa = soaRecords.first, case let .soa(soaData) = soa.rdata else {
            throw bad("soa", "not one SOA record")
        }
        let negativeTTL = try reader.read(UInt32.self, "negative TTL")
        let addressSetTTL = try reader.read(UInt32.self, "address-set TTL")
        let names = try reader.read(array: UInt8.self, "names")
        let nameStarts = try reader.read(array: UInt32.self, "name starts")
        let firstSet = try reader.read(array: UInt32.self, "node RRsets")
        let types = try reader.read(array: UInt16.self, "RRset types").map(RRType.init(rawValue:))
        let counts = try reader.read(array: UInt16.self, "RRset record counts")
        let setStarts = try reader.read(array: UInt32.self, "RRset starts")
        let arena = try reader.read(array: UInt8.self, "arena")

        // Names: in order, each a well-formed wire name at or below the origin.
        guard nameStarts.first == 0, nameStarts.last.map(Int.init) == names.count else { throw bad("name starts", "do not span the names") }
        let nodes = nameStarts.count - 1
        let originKey = origin.key
        try names.withUnsafeBytes { bytes in
            for index in 0..<nodes {
                let start = Int(nameStarts[index])
                let end = Int(nameStarts[index + 1])
                guard start < end, end - start <= DNSName.maxWireLength else { throw bad("names", "entry \(index) has a bad length") }
                // At or below the apex: the name ends with the origin's key, starting on a
                // label boundary.
                let suffix = end - originKey.count
                guard suffix >= start else { throw bad("names", "entry \(index) is above the apex") }
                var position = start
                var boundary = position == suffix
                while position < end - 1 {
                    let length = Int(bytes[position])
                    guard (1...DNSName.maxLabelLength).contains(length) else { throw bad("names", "entry \(index) has a bad label") }
                    position += 1 + length
                    if position == suffix { boundary = true }
                }
                guard position == end - 1, bytes[position] == 0 else { throw bad("names", "entry \(index) is not terminated") }
                guard boundary else { throw bad("names", "entry \(index) is outside zone \(origin)") }
                for (i, octet) in originKey.enumerated() where WireKey.foldCase(bytes[suffix + i]) != octet {
                    throw bad("names", "entry \(index) is outside zone \(origin)")
                }
            }
        }
        // RRsets: node ranges in order; each set's records end exactly at its end.
        guard firstSet.count == nodes + 1, firstSet.first == 0, firstSet.last.map(Int.init) == types.count,
              zip(firstSet, firstSet.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw bad("node RRsets", "do not span the RRsets in order")
        }
        guard counts.count == types.count, setStarts.count == types.count + 1, setStarts.first == 0,
              setStarts.last.map(Int.init) == arena.count else {
            throw bad("RRset starts", "do not span the arena")
        }
        for set in 0..<types.count {
            let start = Int(setStarts[set])
            let end = Int(setStarts[set + 1])
            guard start <= end else { throw bad("RRset starts", "RRset \(set) ends before it starts") }
            var position = start
            for _ in 0..<Int(counts[set]) {
                guard position + 10 <= end else { throw bad("arena", "RRset \(set) is shorter than its records") }
                let type = UInt16(arena[position]) << 8 | UInt16(arena[position + 1])
                guard type == types[set].rawValue else { throw bad("arena", "RRset \(set) holds a record of another type") }
                position += 10 + (Int(arena[position + 8]) << 8 | Int(arena[position + 9]))
            }
            guard position == end, counts[set] > 0 else { throw bad("arena", "RRset \(set) does not end where its records do") }
            if types[set] == .cname {
                // The responder follows CNAME targets: the RDATA must be one uncompressed name.
                var target = WireReader(Array(arena[(start + 10)..<end]), offset: 0, minimumPointerTarget: Int.max)
                guard (try? target.readName()) != nil, target.remaining == 0 else { throw bad("arena", "CNAME RRset \(set) has no target name") }
            }
        }
        let setCount = Int(try reader.read(UInt32.self, "address sets"))
        guard setCount <= reader.remaining else { throw bad("address sets", "count \(setCount) exceeds the image") }
        var sets: [AddressSet] = []
        for _ in 0..<setCount {
            let apex = try name(try reader.read(array: UInt8.self, "address-set apex"), "address-set apex")
            guard apex.isSubdomain(of: origin) else { throw bad("address-set apex", "\(apex) is outside zone \(origin)") }
            let v4Lower = try reader.read(array: UInt32.self, "IPv4 starts")
            let v4Upper = try reader.read(array: UInt32.self, "IPv4 ends")
            let v6Lower = try reader.read(array: UInt64.self, "IPv6 starts")
            let v6Upper = try reader.read(array: UInt64.self, "IPv6 ends")
            guard v4Lower.count == v4Upper.count, v6Lower.count == v6Upper.count, v6Lower.count % 2 == 0,
                  zip(v4Lower, v4Upper).allSatisfy({ $0 <= $1 }) else {
                throw bad("address set", "ranges of \(apex) are inconsistent")
            }
            func wide(_ words: [UInt64], _ i: Int) -> UInt128 { UInt128(words[2 * i]) << 64 | UInt128(words[2 * i + 1]) }
            var v6: [ClosedRange<UInt128>] = []
            for i in 0..<(v6Lower.count / 2) {
                let (lower, upper) = (wide(v6Lower, i), wide(v6Upper, i))
                guard lower <= upper else { throw bad("address set", "IPv6 range of \(apex) is inverted") }
                v6.append(lower...upper)
            }
            let table = AddressRangeTable(v4: zip(v4Lower, v4Upper).map { $0...$1 }, v6: v6)
            let answer = try PrerenderedRRSet(records: [ResourceRecord(name: apex, ttl: addressSetTTL, rdata: .a(AddressSet.memberAddress))])
            sets.append(AddressSet(name: apex, table: table, answer: answer))
        }
        let negativeSOA = try PrerenderedRRSet(records: [soa], ttlOverride: negativeTTL)
        let table = NameTable(arena: names, starts: nameStarts)
        return Zone(storage: Storage(origin: origin, soa: soa, soaData: soaData, negativeTTL: negativeTTL, table: table,
                                     nodeFirstSet: firstSet, setTypes: types, setCounts: counts, setStarts: setStarts,
                                     arena: arena, negativeSOA: negativeSOA, addressSets: sets, addressSetTTL: addressSetTTL))
    }
}

extension ZoneSnapshot {
    /// Appends every zone (see `Zone.encode(into:)`) and the generation.
    public func encode(into writer: inout ImageWriter) {
        writer.write(generation)
        writer.write(UInt32(zones.count))
        for zone in zones { zone.encode(into: &writer) }
    }

    /// Reads a snapshot written by `encode(into:)`.
    /// - Throws: `DNSAuthorityError.invalidImage`, or `.duplicateZone`.
    public static func decode(from reader: inout ImageReader) throws -> ZoneSnapshot {
        let generation = try reader.read(UInt64.self, "generation")
        let count = Int(try reader.read(UInt32.self, "zones"))
        guard count <= reader.remaining else {
            throw DNSAuthorityError.invalidImage(field: "zones", offset: reader.offset, reason: "count \(count) exceeds the image")
        }
        var zones: [Zone] = []
        for _ in 0..<count { zones.append(try Zone.decode(from: &reader)) }
        return try ZoneSnapshot(zones: zones, generation: generation)
    }
}
