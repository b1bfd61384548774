/// What a response says, for rate limiting: the "what" of a bucket (NSD `rrl.c` classes,
/// ISC RRL "response tuples").
///
/// Read from the response message alone, without allocation, in time linear in its size:
/// - ``Kind/answer``: RCODE NOERROR with answers (or TC=1): keyed by QNAME (any case) and QTYPE;
/// - ``Kind/noData``: NOERROR, no answers, an SOA in authority: keyed by the SOA owner (the zone;
///   RFC 2308 §2.2), so random names in one zone share a bucket;
/// - ``Kind/nxDomain``: NXDOMAIN: keyed by the SOA owner (the zone; RFC 2308 §2.1);
/// - ``Kind/error``: every other response (FORMERR, SERVFAIL, NOTIMP, REFUSED, BADVERS, no
///   question): one bucket per client prefix.
public struct ResponseClass: Equatable, Sendable {
    /// The response classes.
    public enum Kind: UInt8, Sendable {
        /// Positive answer (or a truncated one).
        case answer = 1
        /// NOERROR without data (RFC 2308 §2.2).
        case noData = 2
        /// Name does not exist (RFC 2308 §2.1).
        case nxDomain = 3
        /// An error or an empty response.
        case error = 4
    }

    /// The class.
    public let kind: Kind
    /// QTYPE for ``Kind/answer``, else 0.
    public let qtype: UInt16
    /// A hash of the lowercase name that keys the bucket (QNAME or zone); 0 for errors.
    public let nameHash: UInt64
    /// Offset just past the question section (12 when there is none): the length of a
    /// header-plus-question message.
    public let questionEnd: Int

    /// Classifies a response message (RFC 1035 §4.1). A message that cannot be read is an error.
    public init(response m: UnsafeRawBufferPointer) {
        guard m.count >= 12 else {
            self.init(kind: .error, qtype: 0, nameHash: 0, questionEnd: min(m.count, 12))
            return
        }
        let flags = UInt16(m[2]) << 8 | UInt16(m[3])
        let rcode = flags & 0x000F
        let truncated = flags & 0x0200 != 0
        let qdcount = UInt16(m[4]) << 8 | UInt16(m[5])
        let ancount = UInt16(m[6]) << 8 | UInt16(m[7])
        let nscount = UInt16(m[8]) << 8 | UInt16(m[9])
        guard qdcount == 1, let (qnameHash, qnameEnd) = Self.hashName(m, at: 12), qnameEnd + 4 <= m.count else {
            self.init(kind: .error, qtype: 0, nameHash: 0, questionEnd: 12)
            return
        }
        let qtype = UInt16(m[qnameEnd]) << 8 | UInt16(m[qnameEnd + 1])
        let questionEnd = qnameEnd + 4
        switch rcode {
        case 0 where ancount > 0 || truncated:
            self.init(kind: .answer, qtype: qtype, nameHash: qnameHash, questionEnd: questionEnd)
        case 0 where nscount > 0:
            let zone = Self.authorityOwnerHash(m, from: questionEnd, skipping: Int(ancount))
            self.init(kind: zone == nil ? .error : .noData, qtype: 0, nameHash: zone ?? 0, questionEnd: questionEnd)
        case 3:
            let zone = nscount > 0 ? Self.authorityOwnerHash(m, from: questionEnd, skipping: Int(ancount)) : nil
            self.init(kind: .nxDomain, qtype: 0, nameHash: zone ?? 0, questionEnd: questionEnd)
        default:
            self.init(kind: .error, qtype: 0, nameHash: 0, questionEnd: questionEnd)
        }
    }

    /// Creates a class from its parts (for tests and callers that classify otherwise).
    public init(kind: Kind, qtype: UInt16, nameHash: UInt64, questionEnd: Int) {
        self.kind = kind
        self.qtype = qtype
        self.nameHash = nameHash
        self.questionEnd = questionEnd
    }

    /// The hash of the owner of the first authority record, after `skipping` answer records
    /// that start at `start`; nil when the message cannot be read that far.
    static func authorityOwnerHash(_ m: UnsafeRawBufferPointer, from start: Int, skipping answers: Int) -> UInt64? {
        var offset = start
        for _ in 0..<answers {
            guard let (_, nameEnd) = hashName(m, at: offset), nameEnd + 10 <= m.count else { return nil }
            let rdlength = Int(m[nameEnd + 8]) << 8 | Int(m[nameEnd + 9])
            offset = nameEnd + 10 + rdlength
        }
        return hashName(m, at: offset)?.hash
    }

    /// FNV-1a (64-bit) of the name at `start` with ASCII letters lowercased, length octets
    /// included, following compression pointers (RFC 1035 §4.1.4) only backwards and at most
    /// 64 times. Returns the hash and the offset just past the name where it starts; nil when
    /// the name runs off the message, is longer than 255 octets, or uses reserved label types.
    static func hashName(_ m: UnsafeRawBufferPointer, at start: Int) -> (hash: UInt64, end: Int)? {
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var offset = start
        var end: Int? = nil
        var hops = 0
        var total = 0
        while true {
            guard offset < m.count else { return nil }
            let length = Int(m[offset])
            if length & 0xC0 == 0xC0 {
                guard offset + 1 < m.count else { return nil }
                let target = (length & 0x3F) << 8 | Int(m[offset + 1])
                if end == nil { end = offset + 2 }
                hops += 1
                guard hops <= 64, target < offset else { return nil }
                offset = target
                continue
            }
            guard length & 0xC0 == 0 else { return nil }
            hash = (hash ^ UInt64(length)) &* prime
            if length == 0 { return (hash, end ?? offset + 1) }
            total += length + 1
            guard total < 255, offset + 1 + length <= m.count else { return nil }
            for index in (offset + 1)...(offset + length) {
                var byte = m[index]
                if byte &- 0x41 < 26 { byte |= 0x20 }
                hash = (hash ^ UInt64(byte)) &* prime
            }
            offset += 1 + length
        }
    }
}
