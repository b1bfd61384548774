import Logging
import NIOCore

/// What the transports do around the responder for every message: count it, time it,
/// rate-limit UDP answers, and log it when query logging is on. Shared by all channels;
/// immutable, so every event loop uses it without locks.
struct QueryPipeline: Sendable {
    let handler: any DNSQueryHandler
    let metrics: DNSServerMetrics
    let limiter: ResponseRateLimiter?
    let logger: Logger
    let queryLogging: Bool

    /// The outcome of one UDP message.
    enum UDPOutcome {
        /// Send this message (the answer, or its TC=1 slip form).
        case send([UInt8])
        /// Send nothing.
        case none
    }

    /// Answers a UDP datagram from `client`: responder, then rate limiting.
    ///
    /// - Parameters:
    ///   - query: the datagram, valid during the call.
    ///   - client: the source address.
    ///   - slipCounter: the calling channel's count of limited responses (every `slip`-th slips).
    func answerUDP(_ query: UnsafeRawBufferPointer, from client: SocketAddress, slipCounter: inout Int) -> UDPOutcome {
        metrics.udpQueries.increment()
        let start = NIODeadline.now().uptimeNanoseconds
        let answer = handler.respond(to: query, overTCP: false)
        let end = NIODeadline.now().uptimeNanoseconds
        metrics.udpDuration.recordNanoseconds(Int64(truncatingIfNeeded: end &- start))
        guard var response = answer else {
            metrics.droppedQueries.increment()
            if queryLogging { log(query, response: nil, client: client, transport: "udp", outcome: "dropped") }
            return .none
        }
        var outcome = "answered"
        if let limiter, !(limiter.configuration.exemptLoopback && ClientPrefix.isLoopback(client)) {
            let responseClass = response.withUnsafeBytes { ResponseClass(response: $0) }
            let prefix = ClientPrefix(client, limit: limiter.configuration)
            if !limiter.admit(prefix: prefix, response: responseClass, nowNanoseconds: end) {
                slipCounter &+= 1
                let slip = limiter.configuration.slip
                if slip > 0, slipCounter % slip == 0 {
                    SlipResponse.truncate(&response, questionEnd: responseClass.questionEnd)
                    metrics.rrlSlipped.increment()
                    outcome = "rrl-slipped"
                } else {
                    metrics.rrlDropped.increment()
                    if queryLogging { log(query, response: response, client: client, transport: "udp", outcome: "rrl-dropped") }
                    return .none
                }
            }
        }
        metrics.countResponse(response)
        if queryLogging { log(query, response: response, client: client, transport: "udp", outcome: outcome) }
        return .send(response)
    }

    /// Answers a TCP message from `client` (never rate limited; RFC 7766).
    func answerTCP(_ query: UnsafeRawBufferPointer, from client: SocketAddress?) -> [UInt8]? {
        metrics.tcpQueries.increment()
        let start = NIODeadline.now().uptimeNanoseconds
        let answer = handler.respond(to: query, overTCP: true)
        metrics.tcpDuration.recordNanoseconds(Int64(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds &- start))
        if let answer {
            metrics.countResponse(answer)
        } else {
            metrics.droppedQueries.increment()
        }
        if queryLogging { log(query, response: answer, client: client, transport: "tcp", outcome: answer == nil ? "dropped" : "answered") }
        return answer
    }

    /// One structured `debug` line per query: client, qname, qtype, rcode, transport, outcome.
    private func log(_ query: UnsafeRawBufferPointer, response: [UInt8]?, client: SocketAddress?, transport: String, outcome: String) {
        guard logger.logLevel <= .debug else { return }
        let question = QueryLogFields(query: query)
        let rcode = response.flatMap { $0.count >= 4 ? DNSServerMetrics.rcodeNames[Int($0[3] & 0x0F)] : nil } ?? "-"
        logger.debug("query", metadata: [
            "client": "\(client.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?")",
            "qname": "\(question.qname)",
            "qtype": "\(question.qtype)",
            "rcode": "\(rcode)",
            "transport": "\(transport)",
            "outcome": "\(outcome)",
        ])
    }
}
