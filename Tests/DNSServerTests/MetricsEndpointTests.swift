import DNSServer
import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Testing

/// The Prometheus endpoint on port 0 shows the transports' counters after real queries.
@Suite(.serialized) struct MetricsEndpointTests {
    @Test func metricsEndpointReportsCounters() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = DNSServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let (server, port) = try await startServer({
            $0.rateLimit = RateLimit(responsesPerSecond: 1, burst: 2, slip: 2, ipv4PrefixLength: 32, exemptLoopback: false)
        }, metrics: metrics)
        defer { Task { await server.shutdown() } }

        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let endpoint = PrometheusEndpoint(host: "127.0.0.1", port: 0, registry: registry, logger: Logger(label: "test.metrics")) {
            portSink.yield($0)
        }
        let services = ServiceGroup(services: [endpoint], logger: Logger(label: "test.services"))
        let serving = Task { try await services.run() }
        defer { Task { await services.triggerGracefulShutdown(); _ = await serving.result } }
        var iterator = ports.makeAsyncIterator()
        let metricsPort = try #require(await iterator.next())

        let client = try UDPClient(source: "127.0.0.2", port: port)
        try client.send(query("www.example.com", type: 1, flags: 0x8000))        // QR=1: dropped
        #expect(try client.exchange(query("nope.example.com", type: 16)).map { Header($0).rcode } == 3)
        let q = query("www.example.com", type: 1)
        #expect(try client.exchange(q).map { Header($0).truncated } == false)     // burst 2: both pass
        #expect(try client.exchange(q).map { Header($0).truncated } == false)
        try client.send(q)                                                         // 1st limited: dropped
        let slip = try #require(try client.exchange(q))                            // 2nd limited: slipped
        #expect(Header(slip).truncated)
        let tcp = try TCPClient(source: "127.0.0.2", port: port)
        try tcp.write(TCPClient.framed(query("www.example.org", type: 1)))
        #expect(try tcp.readFramed().map { Header($0).rcode } == 5)

        let http = try TCPClient(port: metricsPort)
        try http.write(Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
        let text = String(decoding: try http.readToEnd(), as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200"))
        #expect(text.lowercased().contains("content-type: text/plain; version=0.0.4"))
        for line in [
            #"dns_queries_total{transport="udp"} 6"#,
            #"dns_queries_total{transport="tcp"} 1"#,
            #"dns_responses_total{rcode="NOERROR"} 3"#,
            #"dns_responses_total{rcode="NXDOMAIN"} 1"#,
            #"dns_responses_total{rcode="REFUSED"} 1"#,
            "dns_dropped_queries_total 1",
            "dns_rrl_dropped_total 1",
            "dns_rrl_slipped_total 1",
            "dns_tcp_connections_total 1",
            #"dns_query_duration_seconds_count{transport="udp"} 6"#,
            #"dns_query_duration_seconds_count{transport="tcp"} 1"#,
        ] {
            #expect(text.contains("\n" + line + "\n"), "missing '\(line)' in:\n\(text)")
        }

        let notFound = try TCPClient(port: metricsPort)
        try notFound.write(Array("GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
        #expect(String(decoding: try notFound.readToEnd(), as: UTF8.self).hasPrefix("HTTP/1.1 404"))
    }
}
