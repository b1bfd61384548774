/// The "slip" answer of rate limiting: an empty truncated response that tells a real client
/// to retry over TCP (RFC 1035 §4.2.1; RFC 7766 §5), the way NSD and Knot slip.
enum SlipResponse {
    /// Rewrites `response` in place into its header and question only: TC=1, ANCOUNT,
    /// NSCOUNT and ARCOUNT 0 (so no OPT either), QDCOUNT as before (1 or 0); ID, OPCODE, AA,
    /// RD, CD and RCODE are kept.
    ///
    /// - Parameters:
    ///   - response: a response message of at least 12 octets; shorter ones are left as they are.
    ///   - questionEnd: the offset just past its question (``ResponseClass/questionEnd``).
    static func truncate(_ response: inout [UInt8], questionEnd: Int) {
        let count = response.count
        let end = response.withUnsafeMutableBytes { truncate($0, length: count, questionEnd: questionEnd) }
        response.removeSubrange(end...)
    }

    /// The same rewrite for a response of `length` octets at the start of `buffer`.
    ///
    /// - Returns: the slip's length in octets (`length` unchanged when below 12 octets).
    static func truncate(_ buffer: UnsafeMutableRawBufferPointer, length: Int, questionEnd: Int) -> Int {
        guard length >= 12 else { return length }
        let end = min(max(12, questionEnd), length)
        buffer[2] |= 0x02
        if end == 12 { buffer[4] = 0; buffer[5] = 0 }
        for index in 6..<12 { buffer[index] = 0 }
        return end
    }
}
