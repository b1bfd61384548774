import NIOCore
import NIOPosix

/// Tunables of the UDP and TCP transports.
public struct DNSServerConfiguration: Sendable {
    /// Address to bind, e.g. `127.0.0.1` or `::`.
    public var host: String
    /// Port to bind for both UDP and TCP; `0` picks a free port (the same one for both).
    public var port: Int
    /// Event-loop threads; each gets its own SO_REUSEPORT UDP socket.
    public var threads: Int
    /// Datagrams read per `recvmmsg` batch.
    public var udpBatch: Int
    /// A TCP connection with no complete query for this long is closed (RFC 7766 §6.2.3), seconds.
    public var tcpIdleTimeout: Int64
    /// Concurrent TCP connections accepted; more are closed at once (RFC 7766 §6.2.2).
    public var maxTCPConnections: Int
    /// Queries answered on one TCP connection before it is closed.
    public var maxQueriesPerConnection: Int
    /// Response octets queued on one TCP connection before reading pauses (slow readers).
    public var tcpWriteHighWater: Int
    /// Response-rate limiting of UDP answers; `nil` turns it off. TCP is never limited.
    public var rateLimit: RateLimit?
    /// Whether every query is logged at `debug` with client, qname, qtype, rcode, transport
    /// and outcome (off by default: a log line per query is costly at high rates).
    public var queryLogging: Bool

    /// Defaults: 10 s idle, 1,024 connections, 10,000 queries each, 64 KiB of queued output,
    /// rate limiting on with ``RateLimit/init(responsesPerSecond:burst:slip:ipv4PrefixLength:ipv6PrefixLength:tableSize:)``
    /// defaults (200 responses/s per client prefix and response class, slip 2, loopback exempt),
    /// no query log.
    public init(
        host: String, port: Int, threads: Int = System.coreCount, udpBatch: Int = 32,
        tcpIdleTimeout: Int64 = 10, maxTCPConnections: Int = 1024,
        maxQueriesPerConnection: Int = 10_000, tcpWriteHighWater: Int = 64 * 1024,
        rateLimit: RateLimit? = RateLimit(), queryLogging: Bool = false
    ) {
        self.host = host
        self.port = port
        self.threads = max(1, threads)
        self.udpBatch = max(1, udpBatch)
        self.tcpIdleTimeout = tcpIdleTimeout
        self.maxTCPConnections = maxTCPConnections
        self.maxQueriesPerConnection = maxQueriesPerConnection
        self.tcpWriteHighWater = tcpWriteHighWater
        self.rateLimit = rateLimit
        self.queryLogging = queryLogging
    }
}
