import Metrics

/// The transports' counters and latency timers, made once through one `MetricsFactory`
/// (swift-metrics), so the query path only increments.
///
/// Names (Prometheus style; the exposition adds nothing else):
/// - `dns_queries_total{transport}`: messages received, `udp` or `tcp`;
/// - `dns_responses_total{rcode}`: responses sent by header RCODE name (RFC 1035 §4.1.1,
///   RFC 6895 §2.3), slip answers included;
/// - `dns_dropped_queries_total`: messages the responder chose not to answer (QR=1, short);
/// - `dns_rrl_dropped_total`, `dns_rrl_slipped_total`: UDP responses dropped or sent as TC=1
///   by rate limiting;
/// - `dns_tcp_connections_total`, `dns_tcp_connections_refused_total`: TCP connections
///   accepted, and closed at once because the connection limit was reached;
/// - `dns_query_duration_seconds{transport}`: time to answer one message (a Timer; a
///   histogram in Prometheus).
public final class DNSServerMetrics: Sendable {
    let udpQueries: Counter
    let tcpQueries: Counter
    let responsesByRCode: [Counter]
    let droppedQueries: Counter
    let rrlDropped: Counter
    let rrlSlipped: Counter
    let tcpConnections: Counter
    let tcpConnectionsRefused: Counter
    let udpDuration: Timer
    let tcpDuration: Timer

    /// RCODE names by value 0…15 (RFC 6895 §2.3); unassigned values by number.
    static let rcodeNames = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                             "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
                             "12", "13", "14", "15"]

    /// Creates the metrics through `factory` (default: the process's bootstrapped factory,
    /// a no-op one until `MetricsSystem.bootstrap` is called).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        udpQueries = Counter(label: "dns_queries_total", dimensions: [("transport", "udp")], factory: factory)
        tcpQueries = Counter(label: "dns_queries_total", dimensions: [("transport", "tcp")], factory: factory)
        responsesByRCode = Self.rcodeNames.map {
            Counter(label: "dns_responses_total", dimensions: [("rcode", $0)], factory: factory)
        }
        droppedQueries = Counter(label: "dns_dropped_queries_total", factory: factory)
        rrlDropped = Counter(label: "dns_rrl_dropped_total", factory: factory)
        rrlSlipped = Counter(label: "dns_rrl_slipped_total", factory: factory)
        tcpConnections = Counter(label: "dns_tcp_connections_total", factory: factory)
        tcpConnectionsRefused = Counter(label: "dns_tcp_connections_refused_total", factory: factory)
        udpDuration = Timer(label: "dns_query_duration_seconds", dimensions: [("transport", "udp")], factory: factory)
        tcpDuration = Timer(label: "dns_query_duration_seconds", dimensions: [("transport", "tcp")], factory: factory)
    }

    /// Counts one response by the RCODE in its header (octet 3, low 4 bits).
    @inline(__always)
    func countResponse(_ response: [UInt8]) {
        guard response.count >= 4 else { return }
        responsesByRCode[Int(response[3] & 0x0F)].increment()
    }
}
