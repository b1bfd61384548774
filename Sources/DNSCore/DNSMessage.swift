/// A decoded DNS message: header, question, answer, authority and additional sections, and
/// EDNS taken out of the additional section (RFC 1035 §4.1; RFC 6891 §6.1.1).
///
/// Decoding is safe for hostile input (C39): it throws `DNSCoreError`, never traps, and its
/// work is linear in the message size. The hot path of the responder does not use this type;
/// it is for tests, tools and clients.
public struct DNSMessage: Hashable, Sendable {
    /// The header as received (counts as on the wire) or to be sent (counts are recomputed
    /// by `encode()`).
    public var header: DNSHeader
    /// The question section.
    public var questions: [DNSQuestion]
    /// The answer section.
    public var answers: [ResourceRecord]
    /// The authority section.
    public var authority: [ResourceRecord]
    /// The additional section, without the OPT record.
    public var additional: [ResourceRecord]
    /// EDNS information from the OPT record, if there was one.
    public var edns: EDNS?

    /// Creates a message.
    public init(header: DNSHeader, questions: [DNSQuestion] = [], answers: [ResourceRecord] = [],
                authority: [ResourceRecord] = [], additional: [ResourceRecord] = [], edns: EDNS? = nil) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authority = authority
        self.additional = additional
        self.edns = edns
    }

    /// The full 12-bit RCODE: OPT extended RCODE (upper 8 bits) and header RCODE (lower 4)
    /// (RFC 6891 §6.1.3). BADVERS is 16.
    public var rcode: UInt16 {
        UInt16(edns?.extendedRCode ?? 0) << 4 | UInt16(header.rcode)
    }

    /// Decodes a whole message.
    ///
    /// - Throws: `DNSCoreError` for truncation, bad names (loops, forward pointers, bad label
    ///   types, over-long names), RDATA that does not match its length, more than one OPT, an
    ///   OPT outside the additional section or with a non-root owner.
    public static func decode(_ bytes: [UInt8]) throws -> DNSMessage {
        var reader = WireReader(bytes)
        let header = try DNSHeader.decode(from: &reader)
        var message = DNSMessage(header: header)
        for _ in 0..<Int(header.questionCount) {
            let name = try reader.readName()
            let type = RRType(try reader.readUInt16("QTYPE"))
            let qclass = RRClass(try reader.readUInt16("QCLASS"))
            message.questions.append(DNSQuestion(name: name, type: type, qclass: qclass))
        }
        for _ in 0..<Int(header.answerCount) {
            if let record = try decodeRecord(&reader, section: "answer", edns: &message.edns) {
                message.answers.append(record)
            }
        }
        for _ in 0..<Int(header.authorityCount) {
            if let record = try decodeRecord(&reader, section: "authority", edns: &message.edns) {
                message.authority.append(record)
            }
        }
        for _ in 0..<Int(header.additionalCount) {
            if let record = try decodeRecord(&reader, section: "additional", edns: &message.edns) {
                message.additional.append(record)
            }
        }
        return message
    }

    /// Decodes one record; an OPT record in the additional section fills `edns` and gives nil.
    private static func decodeRecord(_ reader: inout WireReader, section: String, edns: inout EDNS?) throws -> ResourceRecord? {
        let name = try reader.readName()
        let type = RRType(try reader.readUInt16("\(section) TYPE"))
        let rrClass = try reader.readUInt16("\(section) CLASS")
        let ttl = try reader.readUInt32("\(section) TTL")
        let length = Int(try reader.readUInt16("\(section) RDLENGTH"))
        if type == .opt {
            guard section == "additional" else {
                throw DNSCoreError.malformedMessage(reason: "OPT record in the \(section) section")
            }
            guard edns == nil else { throw DNSCoreError.malformedMessage(reason: "more than one OPT record") }
            guard name.isRoot else { throw DNSCoreError.malformedMessage(reason: "OPT owner '\(name)' is not the root") }
            let rdata = try reader.readBytes(length, "OPT RDATA")
            edns = try EDNS(optClass: rrClass, ttl: ttl, rdata: rdata)
            return nil
        }
        let rdata = try RData.decode(type: type, length: length, from: &reader)
        return ResourceRecord(name: name, rrClass: RRClass(rrClass), ttl: ttl, rdata: rdata)
    }

    /// Encodes the message with name compression; the header counts are set from the
    /// sections (the OPT record, if any, is counted in ARCOUNT and written last).
    ///
    /// - Throws: `DNSCoreError.messageTooLarge` beyond 65535 octets or a section over 65535
    ///   entries; `.invalidRData` for RDATA over 65535 octets.
    public func encode() throws -> [UInt8] {
        var header = self.header
        let additionalCount = additional.count + (edns == nil ? 0 : 1)
        for count in [questions.count, answers.count, authority.count, additionalCount] where count > 0xFFFF {
            throw DNSCoreError.messageTooLarge(size: count)
        }
        header.questionCount = UInt16(questions.count)
        header.answerCount = UInt16(answers.count)
        header.authorityCount = UInt16(authority.count)
        header.additionalCount = UInt16(additionalCount)
        var writer = WireWriter(capacity: 512)
        header.encode(into: &writer)
        for question in questions {
            writer.writeName(question.name)
            writer.writeUInt16(question.type.rawValue)
            writer.writeUInt16(question.qclass.rawValue)
        }
        for record in answers { try record.encode(into: &writer) }
        for record in authority { try record.encode(into: &writer) }
        for record in additional { try record.encode(into: &writer) }
        edns?.encode(into: &writer)
        guard writer.count <= 0xFFFF else { throw DNSCoreError.messageTooLarge(size: writer.count) }
        return writer.bytes
    }
}
