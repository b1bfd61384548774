#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

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

    /// Defaults: 10 s idle, 1,024 connections, 10,000 queries each, 64 KiB of queued output.
    public init(
        host: String, port: Int, threads: Int = System.coreCount, udpBatch: Int = 32,
        tcpIdleTimeout: Int64 = 10, maxTCPConnections: Int = 1024,
        maxQueriesPerConnection: Int = 10_000, tcpWriteHighWater: Int = 64 * 1024
    ) {
        self.host = host
        self.port = port
        self.threads = max(1, threads)
        self.udpBatch = max(1, udpBatch)
        self.tcpIdleTimeout = tcpIdleTimeout
        self.maxTCPConnections = maxTCPConnections
        self.maxQueriesPerConnection = maxQueriesPerConnection
        self.tcpWriteHighWater = tcpWriteHighWater
    }
}

/// Errors of the DNS transports.
public enum DNSServerError: Error, CustomStringConvertible {
    /// Binding `host:port` failed for the named transport.
    case bindFailed(transport: String, address: String, underlying: String)

    public var description: String {
        switch self {
        case .bindFailed(let t, let a, let u): return "cannot bind DNS \(t) on \(a): \(u)"
        }
    }
}

/// The authoritative responder's UDP and TCP listeners on one address (RFC 1035 §4.2, RFC 7766).
///
/// `start()` binds and returns the port; `run()` (the `Service` entry point) starts if needed and
/// serves until graceful shutdown, then closes the sockets.
public final class DNSServer: Service, Sendable {
    public let configuration: DNSServerConfiguration
    let handler: any DNSQueryHandler
    let logger: Logger
    let group: MultiThreadedEventLoopGroup
    let state = Mutex<[Channel]>([])
    let tcpConnections = ManagedConnectionCount()

    /// - Parameters:
    ///   - configuration: where and how to listen.
    ///   - handler: answers each query.
    ///   - logger: transport events at `debug`, failures at `error`.
    public init(configuration: DNSServerConfiguration, handler: any DNSQueryHandler, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.threads)
    }

    /// Binds UDP (one SO_REUSEPORT socket per thread) and TCP on the configured address.
    /// - Returns: the bound port (the same for UDP and TCP).
    /// - Throws: ``DNSServerError/bindFailed(transport:address:underlying:)``.
    @discardableResult
    public func start() async throws -> Int {
        if let port = state.withLock({ $0.first?.localAddress?.port }) { return port }
        var lastError: Error?
        // With port 0, the UDP port the kernel picks may be taken for TCP; try a few times.
        for _ in 0..<8 {
            do {
                let channels = try await bindAll()
                state.withLock { $0 = channels }
                let port = channels.first?.localAddress?.port ?? configuration.port
                logger.info("dns listening", metadata: ["address": "\(configuration.host):\(port)"])
                return port
            } catch {
                lastError = error
                if configuration.port != 0 { break }
            }
        }
        throw lastError ?? DNSServerError.bindFailed(transport: "udp", address: "\(configuration.host):\(configuration.port)", underlying: "unknown")
    }

    private func bindAll() async throws -> [Channel] {
        var channels: [Channel] = []
        do {
            let first = try await bindUDP(port: configuration.port, loop: group.next())
            channels.append(first)
            let port = first.localAddress?.port ?? configuration.port
            for _ in 1..<configuration.threads {
                channels.append(try await bindUDP(port: port, loop: group.next()))
            }
            channels.append(try await bindTCP(port: port))
            return channels
        } catch {
            for c in channels { try? await c.close() }
            throw error
        }
    }

    private func bindUDP(port: Int, loop: EventLoop) async throws -> Channel {
        let batch = configuration.udpBatch
        let handler = self.handler
        let bootstrap = DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
            .channelOption(.datagramVectorReadMessageCount, value: batch)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048 * batch))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UDPQueryHandler(handler: handler))
                }
            }
        do {
            return try await bootstrap.bind(host: configuration.host, port: port).get()
        } catch {
            throw DNSServerError.bindFailed(transport: "udp", address: "\(configuration.host):\(port)", underlying: "\(error)")
        }
    }

    private func bindTCP(port: Int) async throws -> Channel {
        let config = configuration
        let handler = self.handler
        let counter = tcpConnections
        let logger = self.logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: config.tcpWriteHighWater / 2, high: config.tcpWriteHighWater))
            .childChannelInitializer { channel in
                guard counter.acquire(limit: config.maxTCPConnections) else {
                    logger.debug("tcp connection refused: limit reached")
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in counter.release() }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: .seconds(config.tcpIdleTimeout)))
                    try sync.addHandler(ByteToMessageHandler(TCPFrameDecoder()))
                    try sync.addHandler(TCPQueryHandler(handler: handler, maxQueries: config.maxQueriesPerConnection))
                }
            }
        do {
            return try await bootstrap.bind(host: configuration.host, port: port).get()
        } catch {
            throw DNSServerError.bindFailed(transport: "tcp", address: "\(configuration.host):\(port)", underlying: "\(error)")
        }
    }

    /// Serves until graceful shutdown (SIGTERM through the `ServiceGroup`), then closes.
    public func run() async throws {
        try await start()
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let channels = state.withLock { $0 }
                let futures = channels.map { $0.closeFuture }
                EventLoopFuture.andAllComplete(futures, on: group.next()).whenComplete { _ in c.resume() }
            }
        } onGracefulShutdown: {
            self.stopListening()
        }
        try? await group.shutdownGracefully()
    }

    /// Closes the listening sockets; in-flight TCP connections end on their own.
    public func stopListening() {
        let channels = state.withLock { $0 }
        for c in channels { c.close(promise: nil) }
    }

    /// Closes the sockets and stops the event loops (for tests that call `start()` directly).
    public func shutdown() async {
        let channels: [Channel] = state.withLock { c in defer { c = [] }; return c }
        for c in channels { try? await c.close() }
        try? await group.shutdownGracefully()
    }
}

/// Counts live TCP connections against a cap.
final class ManagedConnectionCount: Sendable {
    private let count = Mutex(0)
    func acquire(limit: Int) -> Bool {
        count.withLock { n in
            if n >= limit { return false }
            n += 1
            return true
        }
    }
    func release() { count.withLock { $0 -= 1 } }
    var current: Int { count.withLock { $0 } }
}
