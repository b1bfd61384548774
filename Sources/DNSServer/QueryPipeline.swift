import Logging
import NIOCore

/// What the transports do around the responder for every message: count it, time it,
/// rate-limit UDP answers, and log it when query logging is on. Shared by all channels;
/// immutable, so every event loop uses it without locks.
///
/// The transports work in batches (one `recvmmsg`, one TCP read): they take
/// `handler.pinnedForBatch()` once, pass a ``QueryTally`` that they add to the metrics once
/// per batch, and a clock reading that each message's timing continues from (one clock read
/// per message). Answers are written into the transport's buffer; nothing is allocated per
/// message unless query logging is on.
struct QueryPipeline: Sendable {
    let handler: any DNSQueryHandler
    let metrics: DNSServerMetrics
    let limiter: ResponseRateLimiter?
    let logger: Logger
    let queryLogging: Bool

    /// A monotonic clock reading in nanoseconds (the rate limiter's clock too).
    @inline(__always)
    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// Answers a UDP datagram from `client` into `buffer`: responder, then rate limiting.
    ///
    /// - Parameters:
    ///   - query: the datagram, valid during the call.
    ///   - client: the source address.
    ///   - handler: the batch's pinned handler.
    ///   - buffer: where the answer goes (at least `handler.responseCapacity(overTCP: false)`).
    ///   - slipCounter: the calling socket's count of limited responses (every `slip`-th slips).
    ///   - tally: the batch's counters.
    ///   - clock: the end of the previous message's work (or the batch's start); updated.
    /// - Returns: the length of the message to send (the answer or its TC=1 slip form), or
    ///   nil to send nothing.
    func answerUDP<Client: UDPClientAddress>(
        _ query: UnsafeRawBufferPointer, from client: Client, handler: any DNSQueryHandler,
        into buffer: UnsafeMutableRawBufferPointer, slipCounter: inout Int, tally: inout QueryTally, clock: inout UInt64
    ) -> Int? {
        tally.queries &+= 1
        let answer = handler.respond(to: query, overTCP: false, into: buffer)
        let end = Self.now()
        metrics.udpDuration.recordNanoseconds(Int64(truncatingIfNeeded: end &- clock))
        clock = end
        guard var length = answer else {
            tally.dropped &+= 1
            if queryLogging { log(query, response: nil, client: client.logDescription, transport: "udp", outcome: "dropped") }
            return nil
        }
        var outcome = "answered"
        if let limiter, !(limiter.configuration.exemptLoopback && client.isLoopback) {
            let responseClass = ResponseClass(response: UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
            let prefix = client.prefix(limit: limiter.configuration)
            if !limiter.admit(prefix: prefix, response: responseClass, nowNanoseconds: end) {
                slipCounter &+= 1
                let slip = limiter.configuration.slip
                if slip > 0, slipCounter % slip == 0 {
                    length = SlipResponse.truncate(buffer, length: length, questionEnd: responseClass.questionEnd)
                    tally.rrlSlipped &+= 1
                    outcome = "rrl-slipped"
                } else {
                    tally.rrlDropped &+= 1
                    if queryLogging {
                        log(query, response: UnsafeRawBufferPointer(rebasing: buffer[0..<length]), client: client.logDescription,
                            transport: "udp", outcome: "rrl-dropped")
                    }
                    return nil
                }
            }
        }
        if length >= 4 { tally.countResponse(rcodeOctet: buffer[3]) }
        if queryLogging {
            log(query, response: UnsafeRawBufferPointer(rebasing: buffer[0..<length]), client: client.logDescription,
                transport: "udp", outcome: outcome)
        }
        return length
    }

    /// The outcome of one TCP message.
    enum TCPOutcome {
        /// The answer's length in the buffer.
        case answered(Int)
        /// Nothing to send.
        case dropped
        /// The answer did not fit the buffer given: call again with
        /// `handler.responseCapacity(overTCP: true)` octets (nothing was counted).
        case needsLargerBuffer
    }

    /// Answers a TCP message from `client` into `buffer` (never rate limited; RFC 7766).
    ///
    /// A buffer smaller than `handler.responseCapacity(overTCP: true)` is tried first (most
    /// answers are small); an answer it truncated comes back as `.needsLargerBuffer`.
    func answerTCP(_ query: UnsafeRawBufferPointer, from client: SocketAddress?, handler: any DNSQueryHandler,
                   into buffer: UnsafeMutableRawBufferPointer, tally: inout QueryTally, clock: inout UInt64) -> TCPOutcome {
        let answer = handler.respond(to: query, overTCP: true, into: buffer)
        if let length = answer, length >= 4, buffer[2] & 0x02 != 0, buffer.count < handler.responseCapacity(overTCP: true) {
            return .needsLargerBuffer
        }
        tally.queries &+= 1
        let end = Self.now()
        metrics.tcpDuration.recordNanoseconds(Int64(truncatingIfNeeded: end &- clock))
        clock = end
        guard let length = answer else {
            tally.dropped &+= 1
            if queryLogging { log(query, response: nil, client: client?.logDescription, transport: "tcp", outcome: "dropped") }
            return .dropped
        }
        if length >= 4 { tally.countResponse(rcodeOctet: buffer[3]) }
        if queryLogging {
            log(query, response: UnsafeRawBufferPointer(rebasing: buffer[0..<length]), client: client?.logDescription,
                transport: "tcp", outcome: "answered")
        }
        return .answered(length)
    }

    /// One structured `debug` line per query: client, qname, qtype, rcode, transport, outcome.
    private func log(_ query: UnsafeRawBufferPointer, response: UnsafeRawBufferPointer?, client: String?, transport: String, outcome: String) {
        guard logger.logLevel <= .debug else { return }
        let question = QueryLogFields(query: query)
        let rcode = response.flatMap { $0.count >= 4 ? DNSServerMetrics.rcodeNames[Int($0[3] & 0x0F)] : nil } ?? "-"
        logger.debug("query", metadata: [
            "client": "\(client ?? "?")",
            "qname": "\(question.qname)",
            "qtype": "\(question.qtype)",
            "rcode": "\(rcode)",
            "transport": "\(transport)",
            "outcome": "\(outcome)",
        ])
    }
}
