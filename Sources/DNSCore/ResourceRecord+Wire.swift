extension ResourceRecord {
    /// Appends the record in wire form (RFC 1035 §4.1.3): owner (compressed when
    /// `compress`), TYPE, CLASS, TTL, RDLENGTH, RDATA.
    ///
    /// - Throws: `DNSCoreError.invalidRData` when the RDATA exceeds 65535 octets.
    public func encode(into writer: inout WireWriter, compress: Bool = true) throws {
        writer.writeName(name, compress: compress)
        writer.writeUInt16(type.rawValue)
        writer.writeUInt16(rrClass.rawValue)
        writer.writeUInt32(ttl)
        let lengthOffset = writer.count
        writer.writeUInt16(0)
        rdata.encode(into: &writer, compress: compress)
        let length = writer.count - lengthOffset - 2
        guard length <= 0xFFFF else {
            throw DNSCoreError.invalidRData(type: type.description, reason: "RDATA of \(length) octets exceeds 65535")
        }
        writer.setUInt16(UInt16(length), at: lengthOffset)
    }
}
