#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The authoritative responder's UDP and TCP listeners on one address (RFC 1035 §4.2, RFC 7766).
///
/// UDP: one SO_REUSEPORT socket per thread. On Linux each is a ``BatchedUDPSocket`` (its own
/// thread, `recvmmsg`/`sendmmsg`, no allocation per query) unless
/// ``DNSServerConfiguration/batchedUDP`` is off; elsewhere an NIO datagram channel. TCP: NIO.
///
/// `start()` binds and returns the port; `run()` (the `Service` entry point) starts if needed and
/// serves until graceful shutdown, then closes the sockets. Every message goes through one
/// ``QueryPipeline``: counted and timed in ``DNSServerMetrics``, UDP answers rate limited by
/// ``ResponseRateLimiter`` when ``DNSServerConfiguration/rateLimit`` is set, and logged at
/// `debug` when ``DNSServerConfiguration/queryLogging`` is on.
public final class DNSServer: Service, Sendable {
    public let configuration: DNSServerConfiguration
    let handler: any DNSQueryHandler
    let logger: Logger
    /// The counters and timers this server reports to.
    public let metrics: DNSServerMetrics
    /// The rate-limit table, when rate limiting is on.
    public let rateLimiter: ResponseRateLimiter?
    let pipeline: QueryPipeline
    let group: MultiThreadedEventLoopGroup
    let state = Mutex<[Channel]>([])
    #if os(Linux)
    let udpSockets = Mutex<[BatchedUDPSocket]>([])
    #endif
    let tcpConnections = ManagedConnectionCount()

    /// - Parameters:
    ///   - configuration: where and how to listen.
    ///   - handler: answers each query.
    ///   - logger: transport events at `debug`, failures at `error`; per-query lines at `debug`
    ///     when query logging is on.
    ///   - metrics: where counters and timers go (default: the bootstrapped `MetricsSystem`).
    public init(configuration: DNSServerConfiguration, handler: any DNSQueryHandler, logger: Logger,
                metrics: DNSServerMetrics = DNSServerMetrics()) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.metrics = metrics
        self.rateLimiter = configuration.rateLimit.map {
            ResponseRateLimiter($0, originNanoseconds: NIODeadline.now().uptimeNanoseconds)
        }
        self.pipeline = QueryPipeline(handler: handler, metrics: metrics, limiter: rateLimiter, logger: logger,
                                      queryLogging: configuration.queryLogging)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.threads)
    }

    /// Binds UDP (one SO_REUSEPORT socket per thread) and TCP on the configured address.
    /// - Returns: the bound port (the same for UDP and TCP).
    /// - Throws: ``DNSServerError/bindFailed(transport:address:underlying:)``.
    @discardableResult
    public func start() async throws -> Int {
        if let channels = state.withLock({ $0.isEmpty ? nil : $0 }) { return boundPort(channels) }
        var lastError: Error?
        // With port 0, the UDP port the kernel picks may be taken for TCP; try a few times.
        for _ in 0..<8 {
            do {
                let channels = try await bindAll()
                state.withLock { $0 = channels }
                let port = boundPort(channels)
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
        #if os(Linux)
        if configuration.batchedUDP && BatchedUDPSocket.isAvailable {
            return try await bindBatched()
        }
        #endif
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

    #if os(Linux)
    /// Binds the batched UDP sockets, then TCP on the same port; starts the UDP threads.
    private func bindBatched() async throws -> [Channel] {
        var sockets: [BatchedUDPSocket] = []
        do {
            let address: SocketAddress
            do {
                // An IP address as given, else a host name resolved (as NIO's bootstraps do).
                address = try (try? SocketAddress(ipAddress: configuration.host, port: configuration.port))
                    ?? SocketAddress.makeAddressResolvingHost(configuration.host, port: configuration.port)
            } catch {
                throw DNSServerError.bindFailed(transport: "udp", address: "\(configuration.host):\(configuration.port)", underlying: "\(error)")
            }
            let first = try BatchedUDPSocket(address: address, batch: configuration.udpBatch, pipeline: pipeline)
            sockets.append(first)
            var bound = address
            bound.port = first.port
            for _ in 1..<configuration.threads {
                sockets.append(try BatchedUDPSocket(address: bound, batch: configuration.udpBatch, pipeline: pipeline))
            }
            let tcp = try await bindTCP(port: first.port)
            for socket in sockets { socket.start() }
            udpSockets.withLock { $0 = sockets }
            return [tcp]
        } catch {
            // Unstarted sockets close when released.
            throw error
        }
    }
    #endif

    /// The bound UDP port (the TCP port too).
    private func boundPort(_ channels: [Channel]) -> Int {
        #if os(Linux)
        if let socket = udpSockets.withLock({ $0.first }) { return socket.port }
        #endif
        return channels.first?.localAddress?.port ?? configuration.port
    }

    /// Stops the batched UDP threads, if any.
    private func stopUDPSockets() {
        #if os(Linux)
        let sockets: [BatchedUDPSocket] = udpSockets.withLock { s in defer { s = [] }; return s }
        for socket in sockets { socket.stop() }
        #endif
    }

    private func bindUDP(port: Int, loop: EventLoop) async throws -> Channel {
        let batch = configuration.udpBatch
        let pipeline = self.pipeline
        let bootstrap = DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
            .channelOption(.datagramVectorReadMessageCount, value: batch)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048 * batch))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UDPQueryHandler(pipeline: pipeline))
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
        let pipeline = self.pipeline
        let counter = tcpConnections
        let logger = self.logger
        let metrics = self.metrics
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: config.tcpWriteHighWater / 2, high: config.tcpWriteHighWater))
            .childChannelInitializer { channel in
                guard counter.acquire(limit: config.maxTCPConnections) else {
                    metrics.tcpConnectionsRefused.increment()
                    logger.debug("tcp connection refused: limit reached")
                    return channel.close()
                }
                metrics.tcpConnections.increment()
                channel.closeFuture.whenComplete { _ in counter.release() }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: .seconds(config.tcpIdleTimeout)))
                    try sync.addHandler(ByteToMessageHandler(TCPFrameDecoder()))
                    try sync.addHandler(TCPQueryHandler(pipeline: pipeline, maxQueries: config.maxQueriesPerConnection))
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
        stopUDPSockets()
        try? await group.shutdownGracefully()
    }

    /// Closes the listening sockets; in-flight TCP connections end on their own.
    public func stopListening() {
        let channels = state.withLock { $0 }
        for c in channels { c.close(promise: nil) }
        stopUDPSockets()
    }

    /// Closes the sockets and stops the event loops (for tests that call `start()` directly).
    public func shutdown() async {
        let channels: [Channel] = state.withLock { c in defer { c = [] }; return c }
        for c in channels { try? await c.close() }
        stopUDPSockets()
        try? await group.shutdownGracefully()
    }
}
