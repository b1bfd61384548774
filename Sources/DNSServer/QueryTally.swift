/// Counts of one batch of messages (one `recvmmsg`, one TCP read), added to
/// ``DNSServerMetrics`` once per batch (`increment(by:)`) instead of once per message: a
/// swift-metrics increment is a dynamic call and, with a real backend, an atomic add.
struct QueryTally {
    /// Messages received.
    var queries = 0
    /// Messages the responder chose not to answer.
    var dropped = 0
    /// Responses dropped by rate limiting.
    var rrlDropped = 0
    /// Responses sent as TC=1 slips by rate limiting.
    var rrlSlipped = 0
    /// Responses sent, by header RCODE (0…15).
    var responsesByRCode = [Int](repeating: 0, count: 16)
    /// Whether anything was counted since the last flush.
    var isEmpty: Bool { queries == 0 }

    /// Counts one response by the RCODE in its header (octet 3, low 4 bits).
    @inline(__always)
    mutating func countResponse(rcodeOctet: UInt8) {
        responsesByRCode[Int(rcodeOctet & 0x0F)] &+= 1
    }

    /// Adds the counts to `metrics` (queries to the TCP or UDP counter) and zeroes them.
    mutating func flush(to metrics: DNSServerMetrics, overTCP: Bool) {
        guard queries > 0 else { return }
        (overTCP ? metrics.tcpQueries : metrics.udpQueries).increment(by: Int64(queries))
        if dropped > 0 { metrics.droppedQueries.increment(by: Int64(dropped)) }
        if rrlDropped > 0 { metrics.rrlDropped.increment(by: Int64(rrlDropped)) }
        if rrlSlipped > 0 { metrics.rrlSlipped.increment(by: Int64(rrlSlipped)) }
        for index in 0..<16 where responsesByRCode[index] > 0 {
            metrics.responsesByRCode[index].increment(by: Int64(responsesByRCode[index]))
            responsesByRCode[index] = 0
        }
        queries = 0
        dropped = 0
        rrlDropped = 0
        rrlSlipped = 0
    }
}
