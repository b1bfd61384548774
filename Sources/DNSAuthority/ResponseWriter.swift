import DNSCore

/// Assembles a response in a caller's buffer by copying the query's question and appending
/// pre-rendered RRsets, keeping whole RRsets only and recording truncation (RFC 1035 §4.1;
/// RFC 2181 §9). Writes with plain memory copies: no allocation, no per-octet checks.
struct ResponseWriter {
    /// Size of the OPT record we append: root, TYPE, CLASS, TTL, RDLENGTH 0.
    static let optSize = 11
    /// The smallest buffer a writer accepts: the 512 octets every transport allows
    /// (header and question take at most 12 + 255 + 4).
    static let minimumBuffer = 512

    /// The output buffer's first octet.
    private let base: UnsafeMutablePointer<UInt8>
    /// Octets written so far: header (counts filled by `finish`), question, records.
    private(set) var count: Int
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
    ///   - limit: maximum response size in octets, including `reserve`; lowered to the
    ///     buffer's size when that is smaller.
    ///   - reserve: octets kept free for the OPT record.
    ///   - buffer: where the response goes; at least ``minimumBuffer`` octets.
    init(query: UnsafeRawBufferPointer, questionEnd: Int?, limit: Int, reserve: Int, into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= Self.minimumBuffer, "response buffer below 512 octets")
        let end = questionEnd ?? DNSHeader.size
        base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        base.update(repeating: 0, count: DNSHeader.size)
        base[0] = query[0]
        base[1] = query[1]
        base[5] = questionEnd == nil ? 0 : 1
        if end > DNSHeader.size {
            UnsafeMutableRawPointer(base + DNSHeader.size)
                .copyMemory(from: query.baseAddress! + DNSHeader.size, byteCount: end - DNSHeader.size)
        }
        count = end
        self.limit = min(limit, buffer.count) - reserve
    }

    /// Which section an RRset goes to.
    enum Section { case answer, authority }

    /// Appends every record of `set` (see `append(body:recordCount:section:ownerOffset:ownerLength:)`).
    mutating func append(_ set: PrerenderedRRSet, section: Section, ownerOffset: Int, ownerLength: Int) -> Int? {
        set.body.withUnsafeBytes {
            append(body: $0, recordCount: set.recordCount, section: section, ownerOffset: ownerOffset, ownerLength: ownerLength)
        }
    }

    /// Appends the `recordCount` owner-less records in `body` (TYPE, CLASS, TTL, RDLENGTH,
    /// RDATA each; one RRset) with their owner written as a pointer to the uncompressed name
    /// at `ownerOffset` (or, past 0x3FFF, as a copy of its `ownerLength` octets). Appends
    /// nothing and sets `truncated` when the whole RRset does not fit.
    ///
    /// - Returns: the offset where the first record's RDATA begins, or nil when truncated.
    mutating func append(body: UnsafeRawBufferPointer, recordCount: Int, section: Section,
                         ownerOffset: Int, ownerLength: Int) -> Int? {
        if truncated { return nil }
        let usePointer = ownerOffset < 0x3FFF
        let ownerSize = usePointer ? 2 : ownerLength
        guard count &+ body.count &+ ownerSize &* recordCount <= limit else {
            truncated = true
            return nil
        }
        var firstRDATA = -1
        var start = 0
        var position = count
        let base = self.base
        let source = body.baseAddress!
        for _ in 0..<recordCount {
            if usePointer {
                base[position] = 0xC0 | UInt8(ownerOffset >> 8)
                base[position + 1] = UInt8(truncatingIfNeeded: ownerOffset)
                position += 2
            } else {
                // The owner lies earlier in the same buffer: no overlap.
                (base + position).update(from: base + ownerOffset, count: ownerLength)
                position += ownerLength
            }
            if firstRDATA < 0 { firstRDATA = position + 10 }
            // TYPE CLASS TTL RDLENGTH, then RDLENGTH octets of RDATA.
            let length = 10 &+ (Int(body[start &+ 8]) << 8 | Int(body[start &+ 9]))
            UnsafeMutableRawPointer(base + position).copyMemory(from: source + start, byteCount: length)
            position += length
            start &+= length
        }
        count = position
        switch section {
        case .answer: answerCount += recordCount
        case .authority: authorityCount += recordCount
        }
        return firstRDATA
    }

    /// Writes the flags and counts and appends the OPT record when `opt` is given:
    /// `payload` advertised, `extendedRCode` in the TTL's first octet, version 0, DO as
    /// given, no options (RFC 6891 §6.1.2, §6.1.3).
    ///
    /// - Returns: the response's length in octets.
    mutating func finish(flags: UInt16, opt: (payload: Int, extendedRCode: UInt8, dnssecOK: Bool)?) -> Int {
        base[2] = UInt8(flags >> 8)
        base[3] = UInt8(truncatingIfNeeded: flags)
        base[6] = UInt8(answerCount >> 8)
        base[7] = UInt8(truncatingIfNeeded: answerCount)
        base[8] = UInt8(authorityCount >> 8)
        base[9] = UInt8(truncatingIfNeeded: authorityCount)
        if let opt {
            base[11] = 1
            // Root owner, TYPE 41, CLASS = payload, TTL = extended RCODE, version 0, DO, Z;
            // RDLENGTH 0 (the space was reserved at init).
            let o = base + count
            o[0] = 0
            o[1] = 0
            o[2] = 41
            o[3] = UInt8(truncatingIfNeeded: opt.payload >> 8)
            o[4] = UInt8(truncatingIfNeeded: opt.payload)
            o[5] = opt.extendedRCode
            o[6] = 0
            o[7] = opt.dnssecOK ? 0x80 : 0
            o[8] = 0
            o[9] = 0
            o[10] = 0
            count += Self.optSize
        }
        return count
    }
}
