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
}
