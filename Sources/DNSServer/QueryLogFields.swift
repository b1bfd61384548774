import DNSCore

/// The question of a query as text for logs (only built when query logging is on).
struct QueryLogFields {
    /// The QNAME in presentation form (RFC 1035 §5.1), or `-` when unreadable.
    let qname: String
    /// The QTYPE mnemonic (`TXT`, `TYPE65280`), or `-` when unreadable.
    let qtype: String

    /// Reads the first question of `query` (RFC 1035 §4.1.2), if any.
    init(query: UnsafeRawBufferPointer) {
        let bytes = Array(query)
        guard bytes.count > 12, bytes[4] != 0 || bytes[5] != 0 else {
            qname = "-"
            qtype = "-"
            return
        }
        var reader = WireReader(bytes, offset: 12)
        guard let name = try? reader.readName() else {
            qname = "-"
            qtype = "-"
            return
        }
        qname = name.description
        qtype = (try? reader.readUInt16("QTYPE")).map { RRType($0).description } ?? "-"
    }
}
