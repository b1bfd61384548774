import DNSCore

/// What the responder needs from a query, read in place from the received octets without
/// building a `DNSMessage` and without allocating (RFC 1035 §4.1; RFC 6891 §6.1). The QNAME is
/// known to be uncompressed, so the response can copy the question bytes and point at offset
/// 12, and lookups read the name where it lies (`WireKey` compares case-insensitively).
struct ParsedQuery {
    /// EDNS values the answer depends on.
    struct EDNSInfo {
        var udpPayloadSize: Int
        var version: UInt8
        var dnssecOK: Bool
    }

    /// Query ID.
    let id: UInt16
    /// Query flags word.
    let flags: UInt16
    /// Offset just after QCLASS (the question occupies 12..<questionEnd).
    let questionEnd: Int
    /// Wire length of the QNAME (uncompressed) in octets.
    let qnameLength: Int
    /// QTYPE.
    let qtype: RRType
    /// QCLASS.
    let qclass: RRClass
    /// EDNS, if the query carried an OPT record.
    let edns: EDNSInfo?

    /// The result of reading a query's bytes.
    enum Outcome {
        /// Not worth an answer (shorter than a header, or QR=1).
        case drop
        /// OPCODE other than QUERY: answer NOTIMP (RFC 8906 §3.1.4).
        case notImplemented(id: UInt16, flags: UInt16)
        /// Malformed: answer FORMERR; `questionEnd` when the question itself was readable.
        case formatError(id: UInt16, flags: UInt16, questionEnd: Int?)
        /// A well-formed QUERY with one question.
        case query(ParsedQuery)
    }

    /// The QNAME as sent (case preserved), in place inside `query`: octets 12..<12+length.
    func qname(in query: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: query[DNSHeader.size..<(DNSHeader.size + qnameLength)])
    }

    /// Reads a query. Never reads outside `bytes` on any input; work is linear in
    /// `bytes.count`.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        guard bytes.count >= DNSHeader.size else { return .drop }
        let id = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        let flags = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        if flags & 0x8000 != 0 { return .drop }
        let opcode = (flags >> 11) & 0x0F
        if opcode != 0 { return .notImplemented(id: id, flags: flags) }
        let qdcount = UInt16(bytes[4]) << 8 | UInt16(bytes[5])
        guard qdcount == 1 else { return .formatError(id: id, flags: flags, questionEnd: nil) }
        let ancount = Int(UInt16(bytes[6]) << 8 | UInt16(bytes[7]))
        let nscount = Int(UInt16(bytes[8]) << 8 | UInt16(bytes[9]))
        let arcount = Int(UInt16(bytes[10]) << 8 | UInt16(bytes[11]))

        // QNAME: uncompressed labels only (a pointer could only point into the header).
        var position = DNSHeader.size
        while true {
            guard position < bytes.count else { return .formatError(id: id, flags: flags, questionEnd: nil) }
            let length = Int(bytes[position])
            if length == 0 {
                position += 1
                break
            }
            guard length <= DNSName.maxLabelLength,
                  position + 1 + length <= bytes.count,
                  position - DNSHeader.size + 1 + length + 1 <= DNSName.maxWireLength
            else { return .formatError(id: id, flags: flags, questionEnd: nil) }
            position += 1 + length
        }
        let qnameLength = position - DNSHeader.size
        guard position + 4 <= bytes.count else { return .formatError(id: id, flags: flags, questionEnd: nil) }
        let qtype = RRType(UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1]))
        let qclass = RRClass(UInt16(bytes[position + 2]) << 8 | UInt16(bytes[position + 3]))
        let questionEnd = position + 4

        // Remaining sections: skip, but validate, and pick up the OPT record.
        var edns: EDNSInfo? = nil
        var offset = questionEnd
        do {
            for index in 0..<(ancount + nscount + arcount) {
                let (ownerLength, ownerEnd) = try WireReader.skipName(in: bytes, at: offset, minimumPointerTarget: DNSHeader.size)
                offset = ownerEnd
                guard offset + 10 <= bytes.count else { throw DNSCoreError.truncated(field: "record header", offset: offset) }
                let type = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
                let rrClass = UInt16(bytes[offset + 2]) << 8 | UInt16(bytes[offset + 3])
                let ttl = UInt32(bytes[offset + 4]) << 24 | UInt32(bytes[offset + 5]) << 16
                    | UInt32(bytes[offset + 6]) << 8 | UInt32(bytes[offset + 7])
                let length = Int(bytes[offset + 8]) << 8 | Int(bytes[offset + 9])
                offset += 10
                guard bytes.count - offset >= length else { throw DNSCoreError.truncated(field: "RDATA", offset: offset) }
                if type == RRType.opt.rawValue {
                    guard index >= ancount + nscount, edns == nil, ownerLength == 1 else {
                        throw DNSCoreError.malformedMessage(reason: "misplaced or repeated OPT record")
                    }
                    // Options are ignored (RFC 6891 §6.1.2) but must not overrun the RDATA.
                    var option = offset
                    let end = offset + length
                    while option < end {
                        guard option + 4 <= end else { throw DNSCoreError.malformedMessage(reason: "OPT option header truncated") }
                        option += 4 + (Int(bytes[option + 2]) << 8 | Int(bytes[option + 3]))
                        guard option <= end else { throw DNSCoreError.malformedMessage(reason: "OPT option overruns RDATA") }
                    }
                    edns = EDNSInfo(udpPayloadSize: Int(rrClass), version: UInt8(truncatingIfNeeded: ttl >> 16),
                                    dnssecOK: ttl & 0x8000 != 0)
                }
                offset += length
            }
        } catch {
            return .formatError(id: id, flags: flags, questionEnd: questionEnd)
        }
        return .query(ParsedQuery(id: id, flags: flags, questionEnd: questionEnd, qnameLength: qnameLength,
                                  qtype: qtype, qclass: qclass, edns: edns))
    }
}
