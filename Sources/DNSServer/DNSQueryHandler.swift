/// Answers one DNS query message.
///
/// The transports call this once per message with the raw query (for TCP, without the 2-octet
/// length prefix). Return the complete response message, or `nil` to drop the query silently
/// (RFC 1035 §4.1.1 responses with QR=1, undecodable headers). Implementations must be pure and
/// thread-safe: both transports call it concurrently from every event loop.
public protocol DNSQueryHandler: Sendable {
    /// - Parameters:
    ///   - query: the query message octets, valid only during the call.
    ///   - overTCP: `true` for TCP (RFC 7766: no 512-octet limit), `false` for UDP.
    /// - Returns: the response message octets, or `nil` to send nothing.
    func respond(to query: UnsafeRawBufferPointer, overTCP: Bool) -> [UInt8]?

    /// Answers into the transport's buffer instead of a new array (the hot path).
    ///
    /// - Parameters:
    ///   - query: the query message octets, valid only during the call.
    ///   - overTCP: `true` for TCP, `false` for UDP.
    ///   - buffer: where the response goes; at least ``responseCapacity(overTCP:)`` octets.
    /// - Returns: the response length in octets, or `nil` to send nothing.
    func respond(to query: UnsafeRawBufferPointer, overTCP: Bool, into buffer: UnsafeMutableRawBufferPointer) -> Int?

    /// The buffer size in octets that always holds a whole response for the transport.
    func responseCapacity(overTCP: Bool) -> Int

    /// A handler that answers a batch of messages read together (one `recvmmsg`, one TCP
    /// read) from one fixed state, e.g. the zone snapshot current when the batch began, so
    /// per-message work such as taking a lock is done once per batch.
    func pinnedForBatch() -> any DNSQueryHandler
}

extension DNSQueryHandler {
    /// Default: calls ``respond(to:overTCP:)`` and copies the answer; `nil` when it does not fit.
    public func respond(to query: UnsafeRawBufferPointer, overTCP: Bool, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard let answer = respond(to: query, overTCP: overTCP), answer.count <= buffer.count else { return nil }
        answer.withUnsafeBytes { buffer.copyMemory(from: $0) }
        return answer.count
    }

    /// Default: 65535 octets, the largest DNS message.
    public func responseCapacity(overTCP: Bool) -> Int { 65535 }

    /// Default: the handler itself.
    public func pinnedForBatch() -> any DNSQueryHandler { self }
}
