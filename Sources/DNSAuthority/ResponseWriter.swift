import DNSCore

/// Assembles a response by copying the query's question and appending pre-rendered RRsets,
/// keeping whole RRsets only and recording truncation (RFC 1035 §4.1; RFC 2181 §9).
struct ResponseWriter {
    /// Size of the OPT record we append: root, TYPE, CLASS, TTL, RDLENGTH 0.
    static let optSize = 11

    /// The bytes so far: header (counts filled by `finish`), question, records.
    private(set) var bytes: [UInt8]
    /// The size limit for everything except the reserved OPT.
    private let limit: Int
    /// Records in the answer section.
    private(set) var answerCount = 0
    /// Records in the authority section.
    private(set) var authorityCount = 0
    /// Whether an RRset was left out for lack of space.
    private(set) var truncated = false

    /// Starts a response with the 12-octet header space and, when `questionEnd` is given,
    /// the query's question bytes `12..<questionEnd` copied verbatim (case preserved).
    ///
    /// - Parameters:
    ///   - limit: maximum response size in octets, including `reserve`.
    ///   - reserve: octets kept free for the OPT record.
    init(query: UnsafeRawBufferPointer, questionEnd: Int?, limit: Int, reserve: Int) {
        let end = questionEnd ?? DNSHeader.size
        bytes = []
        bytes.reserveCapacity(min(limit, 512))
        bytes.append(query[0])
        bytes.append(query[1])
        for _ in 0..<3 { bytes.append(0) }
        bytes.append(questionEnd == nil ? 0 : 1)
        for _ in 0..<6 { bytes.append(0) }
        if end > DNSHeader.size { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: query[DNSHeader.size..<end])) }
        self.limit = limit - reserve
    }

    /// Which section an RRset goes to.
    enum Section { case answer, authority }

    /// Appends every record of `set` with its owner written as a pointer to the
    /// uncompressed name at `ownerOffset` (or, past 0x3FFF, as a copy of its `ownerLength`
    /// octets). Appends nothing and sets `truncated` when the whole RRset does not fit.
    ///
    /// - Returns: the offset where the first record's RDATA begins, or nil when truncated.
    mutating func append(_ set: PrerenderedRRSet, section: Section, ownerOffset: Int, ownerLength: Int) -> Int? {
        if truncated { return nil }
        let usePointer = ownerOffset < 0x3FFF
        let ownerSize = usePointer ? 2 : ownerLength
        guard bytes.count + set.wireSize(ownerSize: ownerSize) <= limit else {
            truncated = true
            return nil
        }
        var firstRDATA = -1
        var start = 0
        for end in set.recordEnds {
            if usePointer {
                bytes.append(0xC0 | UInt8(ownerOffset >> 8))
                bytes.append(UInt8(truncatingIfNeeded: ownerOffset))
            } else {
                let owner = Array(bytes[ownerOffset..<(ownerOffset + ownerLength)])
                bytes.append(contentsOf: owner)
            }
            if firstRDATA < 0 { firstRDATA = bytes.count + 10 }
            bytes.append(contentsOf: set.body[start..<end])
            start = end
        }
        switch section {
        case .answer: answerCount += set.recordEnds.count
        case .authority: authorityCount += set.recordEnds.count
        }
        return firstRDATA
    }

    /// Writes the flags and counts and appends the OPT record when `opt` is given:
    /// `payload` advertised, `extendedRCode` in the TTL's first octet, version 0, DO as
    /// given, no options (RFC 6891 §6.1.2, §6.1.3).
    mutating func finish(flags: UInt16, opt: (payload: Int, extendedRCode: UInt8, dnssecOK: Bool)?) -> [UInt8] {
        bytes[2] = UInt8(flags >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: flags)
        bytes[6] = UInt8(answerCount >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: answerCount)
        bytes[8] = UInt8(authorityCount >> 8)
        bytes[9] = UInt8(truncatingIfNeeded: authorityCount)
        if let opt {
            bytes[11] = 1
            // Root owner, TYPE 41, CLASS = payload, TTL = extended RCODE, version 0, DO, Z;
            // RDLENGTH 0. Appended octet by octet: an array literal here would allocate.
            bytes.append(0)
            bytes.append(0)
            bytes.append(41)
            bytes.append(UInt8(truncatingIfNeeded: opt.payload >> 8))
            bytes.append(UInt8(truncatingIfNeeded: opt.payload))
            bytes.append(opt.extendedRCode)
            bytes.append(0)
            bytes.append(opt.dnssecOK ? 0x80 : 0)
            bytes.append(0)
            bytes.append(0)
            bytes.append(0)
        }
        return bytes
    }
}
