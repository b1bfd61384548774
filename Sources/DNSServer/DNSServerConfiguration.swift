#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// Tunables of the UDP and TCP transports.
public struct DNSServerConfiguration: Sendable {
    /// Address to bind, e.g. `127.0.0.1` or `::`.
    public var host: String
    /// Port to bind for both UDP and TCP; `0` picks a free port (the same one for both).
    public var port: Int
    /// Event-loop threads; each gets its own SO_REUSEPORT UDP socket. Default:
    /// ``availableCores`` (so `taskset -c 0` gives one thread).
    public var threads: Int
    /// Datagrams read per `recvmmsg` batch.
    public var udpBatch: Int
    /// On Linux, serve UDP from one thread per socket with `recvmmsg`/`sendmmsg` and buffers
    /// allocated once (``BatchedUDPSocket``) instead of NIO datagram channels (default on).
    public var batchedUDP: Bool = true
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
        host: String, port: Int, threads: Int = DNSServerConfiguration.availableCores, udpBatch: Int = 32,
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

    /// The CPUs this process may run on: the `sched_getaffinity(2)` mask's population count
    /// on Linux (so `taskset` and cpusets are honoured), NIO's `System.coreCount` elsewhere or
    /// when the call fails. At least 1.
    public static var availableCores: Int {
        #if os(Linux)
        // sched_getaffinity(2) needs _GNU_SOURCE, which Swift's Glibc module lacks: look it up.
        typealias GetAffinity = @convention(c) (Int32, Int, UnsafeMutableRawPointer?) -> Int32
        if let symbol = dlsym(nil, "sched_getaffinity") {
            var mask = [UInt64](repeating: 0, count: 16)   // 1024 CPUs, the size of cpu_set_t
            let result = mask.withUnsafeMutableBytes { unsafeBitCast(symbol, to: GetAffinity.self)(0, $0.count, $0.baseAddress) }
            let count = mask.reduce(0) { $0 + $1.nonzeroBitCount }
            if result == 0, count > 0 { return min(count, max(1, System.coreCount)) }
        }
        #endif
        return max(1, System.coreCount)
    }
}
