import DNSCore

/// One RRset rendered to wire form at compile time, minus its owner names, so the responder
/// only copies bytes (NSD `namedb`, Knot `adjust.c` style).
///
/// `body` holds, for each record in order, TYPE, CLASS, TTL, RDLENGTH and uncompressed
/// RDATA (RFC 1035 §4.1.3); `recordEnds[i]` is the end offset of record `i` in `body`.
/// The owner is written by the responder in front of each record, normally as a 2-octet
/// compression pointer.
///
/// A class, so that handing an RRset from the zone to the writer costs one retain, not one
/// per stored array.
public final class PrerenderedRRSet: Sendable {
    /// The RRset's type.
    public let type: RRType
    /// The records, in the order they are sent.
    public let records: [ResourceRecord]
    /// The wire bytes of all records without owners.
    let body: [UInt8]
    /// End offsets of each record inside `body`.
    let recordEnds: [Int]
    /// For a CNAME RRset, the target name (its RDATA starts 10 octets after the owner).
    let cnameTarget: DNSName?

    /// Renders `records` (one RRset: same owner, type and class) with `ttlOverride` instead
    /// of each record's TTL when given (used for the negative-answer SOA, RFC 2308 §3).
    ///
    /// - Throws: `DNSAuthorityError.invalidRData` when a record's RDATA exceeds 65535 octets.
    init(records: [ResourceRecord], ttlOverride: UInt32? = nil) throws {
        precondition(!records.isEmpty, "an RRset has at least one record")
        self.type = records[0].type
        self.records = records
        var body: [UInt8] = []
        var ends: [Int] = []
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
            ends.append(body.count)
        }
        self.body = body
        self.recordEnds = ends
        if case let .cname(target) = records[0].rdata {
            self.cnameTarget = target
        } else {
            self.cnameTarget = nil
        }
    }

    /// Wire size in octets when each owner takes `ownerSize` octets (2 for a pointer).
    func wireSize(ownerSize: Int) -> Int { body.count + ownerSize * recordEnds.count }
}
