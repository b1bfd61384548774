/// The 12-octet DNS message header (RFC 1035 §4.1.1; AD/CD from RFC 4035 §3.2).
public struct DNSHeader: Hashable, Sendable {
    /// Query identifier, copied into the response.
    public var id: UInt16
    /// QR: false for a query, true for a response.
    public var isResponse: Bool
    /// OPCODE (4 bits): 0 QUERY, 4 NOTIFY, 5 UPDATE…
    public var opcode: UInt8
    /// AA: authoritative answer.
    public var authoritative: Bool
    /// TC: truncated.
    public var truncated: Bool
    /// RD: recursion desired.
    public var recursionDesired: Bool
    /// RA: recursion available.
    public var recursionAvailable: Bool
    /// Z: the reserved bit.
    public var zero: Bool
    /// AD: authentic data.
    public var authenticData: Bool
    /// CD: checking disabled.
    public var checkingDisabled: Bool
    /// The low 4 bits of the RCODE (the upper 8 are in OPT, RFC 6891 §6.1.3).
    public var rcode: UInt8
    /// QDCOUNT.
    public var questionCount: UInt16
    /// ANCOUNT.
    public var answerCount: UInt16
    /// NSCOUNT.
    public var authorityCount: UInt16
    /// ARCOUNT (includes the OPT record).
    public var additionalCount: UInt16

    /// The header's size on the wire in octets.
    public static let size = 12

    /// Creates a header; all flags default to clear and counts to zero.
    public init(id: UInt16 = 0, isResponse: Bool = false, opcode: UInt8 = 0, authoritative: Bool = false,
                truncated: Bool = false, recursionDesired: Bool = false, recursionAvailable: Bool = false,
                zero: Bool = false, authenticData: Bool = false, checkingDisabled: Bool = false, rcode: UInt8 = 0,
                questionCount: UInt16 = 0, answerCount: UInt16 = 0, authorityCount: UInt16 = 0, additionalCount: UInt16 = 0) {
        self.id = id
        self.isResponse = isResponse
        self.opcode = opcode
        self.authoritative = authoritative
        self.truncated = truncated
        self.recursionDesired = recursionDesired
        self.recursionAvailable = recursionAvailable
        self.zero = zero
        self.authenticData = authenticData
        self.checkingDisabled = checkingDisabled
        self.rcode = rcode
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    /// The 16-bit flags word (QR, OPCODE, AA, TC, RD, RA, Z, AD, CD, RCODE).
    public var flags: UInt16 {
        var value: UInt16 = 0
        if isResponse { value |= 0x8000 }
        value |= UInt16(opcode & 0x0F) << 11
        if authoritative { value |= 0x0400 }
        if truncated { value |= 0x0200 }
        if recursionDesired { value |= 0x0100 }
        if recursionAvailable { value |= 0x0080 }
        if zero { value |= 0x0040 }
        if authenticData { value |= 0x0020 }
        if checkingDisabled { value |= 0x0010 }
        value |= UInt16(rcode & 0x0F)
        return value
    }

    /// Sets every flag from a 16-bit flags word.
    public mutating func setFlags(_ value: UInt16) {
        isResponse = value & 0x8000 != 0
        opcode = UInt8((value >> 11) & 0x0F)
        authoritative = value & 0x0400 != 0
        truncated = value & 0x0200 != 0
        recursionDesired = value & 0x0100 != 0
        recursionAvailable = value & 0x0080 != 0
        zero = value & 0x0040 != 0
        authenticData = value & 0x0020 != 0
        checkingDisabled = value & 0x0010 != 0
        rcode = UInt8(value & 0x000F)
    }

    /// Reads a header from the first 12 octets.
    ///
    /// - Throws: `DNSCoreError.truncated` when fewer than 12 octets remain.
    public static func decode(from reader: inout WireReader) throws -> DNSHeader {
        var header = DNSHeader()
        header.id = try reader.readUInt16("header ID")
        header.setFlags(try reader.readUInt16("header flags"))
        header.questionCount = try reader.readUInt16("QDCOUNT")
        header.answerCount = try reader.readUInt16("ANCOUNT")
        header.authorityCount = try reader.readUInt16("NSCOUNT")
        header.additionalCount = try reader.readUInt16("ARCOUNT")
        return header
    }

    /// Appends the 12-octet header.
    public func encode(into writer: inout WireWriter) {
        writer.writeUInt16(id)
        writer.writeUInt16(flags)
        writer.writeUInt16(questionCount)
        writer.writeUInt16(answerCount)
        writer.writeUInt16(authorityCount)
        writer.writeUInt16(additionalCount)
    }
}
