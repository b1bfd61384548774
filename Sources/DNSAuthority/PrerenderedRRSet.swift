import DNSCore

/// One RRset rendered to wire form at compile time, minus its owner names, so the responder
/// only copies bytes (NSD `namedb`, Knot `adjust.c` style).
///
/// Used for the few RRsets that live outside a zone's arena: CHAOS answers, the RFC 8482
/// HINFO, a zone's negative-answer SOA and the `A 127.0.0.2` member answer of an SPF
/// macro-mode address set. A zone's own RRsets are stored back to back in its arena
/// (see `Zone`) in the same layout.
///
/// Layout of `body` (RFC 1035 §4.1.3): for each record in order, TYPE, CLASS, TTL, RDLENGTH
/// and uncompressed RDATA; the owner is written by the responder in front of each record,
/// normally as a 2-octet compression pointer. Record boundaries follow from RDLENGTH.
public final class PrerenderedRRSet: Sendable {
    /// The RRset's type.
    public let type: RRType
    /// The records, in the order they are sent.
    public let records: [ResourceRecord]
    /// The wire bytes of all records without owners.
    let body: [UInt8]
    /// The number of records in `body`.
    let recordCount: Int

    /// Renders `records` (one RRset: same owner, type and class) with `ttlOverride` instead
    /// of each record's TTL when given (used for the negative-answer SOA, RFC 2308 §3).
    ///
    /// - Throws: `DNSAuthorityError.invalidRData` when a record's RDATA exceeds 65535 octets.
    init(records: [ResourceRecord], ttlOverride: UInt32? = nil) throws {
        precondition(!records.isEmpty, "an RRset has at least one record")
        self.type = records[0].type
        self.records = records
        var body: [UInt8] = []
        try Self.render(records, ttlOverride: ttlOverride, into: &body)
        self.body = body
        self.recordCount = records.count
    }

    /// Appends the owner-less wire form of `records` to `body`: TYPE, CLASS, TTL (or
    /// `ttlOverride`), RDLENGTH, RDATA per record (RFC 1035 §4.1.3).
    ///
    /// - Throws: `DNSAuthorityError.invalidRData` when a record's RDATA exceeds 65535 octets.
    static func render(_ records: [ResourceRecord], ttlOverride: UInt32? = nil, into body: inout [UInt8]) throws {
        for record in records {
            let rdata = record.rdata.wireBytes
            guard rdata.count <= 0xFFFF else {
                throw DNSAuthorityError.invalidRData(owner: record.name.description, type: record.type.description,
                                                     reason: "RDATA of \(rdata.count) octets exceeds 65535")
            }
            let ttl = ttlOverride ?? record.ttl
            body.append(UInt8(record.type.rawValue >> 8))
            body.append(UInt8(truncatingIfNeeded: record.type.rawValue))
            body.append(UInt8(record.rrClass.rawValue >> 8))
            body.append(UInt8(truncatingIfNeeded: record.rrClass.rawValue))
            body.append(UInt8(ttl >> 24))
            body.append(UInt8(truncatingIfNeeded: ttl >> 16))
            body.append(UInt8(truncatingIfNeeded: ttl >> 8))
            body.append(UInt8(truncatingIfNeeded: ttl))
            body.append(UInt8(rdata.count >> 8))
            body.append(UInt8(truncatingIfNeeded: rdata.count))
            body.append(contentsOf: rdata)
        }
    }

    /// Decodes an owner-less body back into records owned by `owner` (the typed view of
    /// stored wire data; not used on the query path).
    ///
    /// - Throws: `DNSCoreError` when the bytes are not records in the layout above.
    static func decode(_ body: [UInt8], owner: DNSName) throws -> [ResourceRecord] {
        var reader = WireReader(body, offset: 0, minimumPointerTarget: Int.max)
        var records: [ResourceRecord] = []
        while reader.remaining > 0 {
            let type = RRType(rawValue: try reader.readUInt16("TYPE"))
            let rrClass = RRClass(rawValue: try reader.readUInt16("CLASS"))
            let ttl = try reader.readUInt32("TTL")
            let length = Int(try reader.readUInt16("RDLENGTH"))
            let rdata = try RData.decode(type: type, length: length, from: &reader)
            records.append(ResourceRecord(name: owner, rrClass: rrClass, ttl: ttl, rdata: rdata))
        }
        return records
    }
}
