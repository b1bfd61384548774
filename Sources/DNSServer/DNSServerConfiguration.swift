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

    /// The CPUs this process may run on: the population count of the affinity mask the kernel
    /// reports in `/proc/self/status` (`Cpus_allowed`, the `sched_getaffinity(2)` mask), so
    /// `taskset` and cpusets are honoured; NIO's `System.coreCount` elsewhere or when the file
    /// cannot be read. At least 1, at most `System.coreCount`.
    public static var availableCores: Int {
        #if os(Linux)
        if let count = affinityCount(), count > 0 { return min(count, max(1, System.coreCount)) }
        #endif
        return max(1, System.coreCount)
    }

    #if os(Linux)
    /// Bits set in the `Cpus_allowed:` hex mask of `/proc/self/status`, or nil.
    static func affinityCount() -> Int? {
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 16 * 1024)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let key = Array("\nCpus_allowed:".utf8)
        let text = bytes[0..<n]
        guard let start = text.indices.first(where: { i in
            i + key.count <= n && text[i..<(i + key.count)].elementsEqual(key)
        }) else { return nil }
        var count = 0
        for byte in text[(start + key.count)...] {
            if byte == UInt8(ascii: "\n") { break }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): count += Int(byte - UInt8(ascii: "0")).nonzeroBitCount
            case UInt8(ascii: "a")...UInt8(ascii: "f"): count += Int(byte - UInt8(ascii: "a") + 10).nonzeroBitCount
            default: continue   // spaces, tabs and the commas between 32-bit words
            }
        }
        return count
    }
    #endif
}
