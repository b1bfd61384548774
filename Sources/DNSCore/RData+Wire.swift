extension RData {
    /// Appends the RDATA (without RDLENGTH) to `writer` (RFC 1035 §3.3, §4.1.3).
    ///
    /// Names in NS, CNAME, PTR, MX and SOA RDATA are compressed when `compress` is true;
    /// those are the only types RFC 3597 §4 allows compression in.
    public func encode(into writer: inout WireWriter, compress: Bool = true) {
        switch self {
        case let .a(address):
            writer.writeUInt32(address)
        case let .aaaa(address):
            writer.writeUInt32(UInt32(truncatingIfNeeded: address >> 96))
            writer.writeUInt32(UInt32(truncatingIfNeeded: address >> 64))
            writer.writeUInt32(UInt32(truncatingIfNeeded: address >> 32))
            writer.writeUInt32(UInt32(truncatingIfNeeded: address))
        case let .ns(name), let .cname(name), let .ptr(name):
            writer.writeName(name, compress: compress)
        case let .mx(preference, exchange):
            writer.writeUInt16(preference)
            writer.writeName(exchange, compress: compress)
        case let .soa(soa):
            writer.writeName(soa.mname, compress: compress)
            writer.writeName(soa.rname, compress: compress)
            writer.writeUInt32(soa.serial)
            writer.writeUInt32(soa.refresh)
            writer.writeUInt32(soa.retry)
            writer.writeUInt32(soa.expire)
            writer.writeUInt32(soa.minimum)
        case let .txt(strings):
            for string in strings { writer.writeCharacterString(string) }
        case let .hinfo(cpu, os):
            writer.writeCharacterString(cpu)
            writer.writeCharacterString(os)
        case let .unknown(_, bytes):
            writer.writeBytes(bytes)
        }
    }

    /// The uncompressed wire form of the RDATA.
    public var wireBytes: [UInt8] {
        var writer = WireWriter(capacity: 64)
        encode(into: &writer, compress: false)
        return writer.bytes
    }

    /// Decodes `length` octets of RDATA of `type` from `reader` (names may be compressed
    /// and point anywhere earlier in the message).
    ///
    /// - Throws: `DNSCoreError.invalidRData` when the content does not fill exactly
    ///   `length` octets or has the wrong size, and any name-decoding error.
    public static func decode(type: RRType, length: Int, from reader: inout WireReader) throws -> RData {
        let start = reader.offset
        let end = start + length
        guard end <= reader.bytes.count else {
            throw DNSCoreError.truncated(field: "\(type) RDATA", offset: start)
        }
        func finish(_ value: RData) throws -> RData {
            guard reader.offset == end else {
                throw DNSCoreError.invalidRData(type: type.description, reason: "RDLENGTH \(length) but content used \(reader.offset - start) octets")
            }
            return value
        }
        switch type {
        case .a:
            guard length == 4 else { throw DNSCoreError.invalidRData(type: "A", reason: "RDLENGTH \(length), expected 4") }
            return .a(try reader.readUInt32("A address"))
        case .aaaa:
            guard length == 16 else { throw DNSCoreError.invalidRData(type: "AAAA", reason: "RDLENGTH \(length), expected 16") }
            return try .aaaa(octets: try reader.readBytes(16, "AAAA address"))
        case .ns:
            return try finish(.ns(try reader.readName()))
        case .cname:
            return try finish(.cname(try reader.readName()))
        case .ptr:
            return try finish(.ptr(try reader.readName()))
        case .mx:
            let preference = try reader.readUInt16("MX preference")
            return try finish(.mx(preference: preference, exchange: try reader.readName()))
        case .soa:
            let mname = try reader.readName()
            let rname = try reader.readName()
            let soa = SOAData(
                mname: mname, rname: rname,
                serial: try reader.readUInt32("SOA serial"), refresh: try reader.readUInt32("SOA refresh"),
                retry: try reader.readUInt32("SOA retry"), expire: try reader.readUInt32("SOA expire"),
                minimum: try reader.readUInt32("SOA minimum"))
            return try finish(.soa(soa))
        case .txt:
            guard length > 0 else { throw DNSCoreError.invalidRData(type: "TXT", reason: "RDLENGTH 0, expected at least one character-string") }
            var strings: [CharacterString] = []
            while reader.offset < end {
                strings.append(try reader.readCharacterString("TXT character-string"))
            }
            return try finish(.txt(strings))
        case .hinfo:
            let cpu = try reader.readCharacterString("HINFO cpu")
            let os = try reader.readCharacterString("HINFO os")
            return try finish(.hinfo(cpu: cpu, os: os))
        default:
            return .unknown(type: type, bytes: try reader.readBytes(length, "\(type) RDATA"))
        }
    }
}
