import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// A plain-HTTP listener that serves a Prometheus registry as text at `GET /metrics`
/// (Prometheus text exposition format 0.0.4). Any other path is 404.
///
/// Run it as a `Service` in the process's `ServiceGroup`. Binding to port 0 picks a free
/// port; `onServerRunning` receives the bound port.
public struct PrometheusEndpoint: Service {
    /// The HTTP application.
    let application: Application<RouterResponder<BasicRequestContext>>

    /// The content type of the exposition (Prometheus text format 0.0.4).
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Creates the listener (it binds when run).
    ///
    /// - Parameters:
    ///   - host: address to bind, e.g. `127.0.0.1`.
    ///   - port: TCP port; 0 lets the kernel choose.
    ///   - registry: the metrics to expose.
    ///   - logger: server events.
    ///   - onServerRunning: called once listening, with the bound port.
    public init(host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger,
                onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            let body = registry.emitToBuffer()
            return Response(
                status: .ok,
                headers: [.contentType: Self.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        try await application.run()
    }
}

extension PrometheusEndpoint {
    /// Upper bounds of the `dns_query_duration_seconds` histogram: 10 µs … 100 ms (answers
    /// from a compiled snapshot take microseconds; Prometheus' defaults start at 5 ms).
    public static let queryDurationBuckets: [Duration] = [
        .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
        .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(100),
    ]

    /// A swift-metrics factory that records into `registry`, with ``queryDurationBuckets``
    /// for the DNS latency timer; pass it to ``DNSServerMetrics/init(factory:)`` (and, if you
    /// like, to `MetricsSystem.bootstrap`).
    public static func metricsFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["dns_query_duration_seconds"] = queryDurationBuckets
        return factory
    }
}
