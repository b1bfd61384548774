/// Errors of the DNS transports and their side services.
public enum DNSServerError: Error, CustomStringConvertible {
    /// Binding `host:port` failed for the named transport (`udp`, `tcp`, `metrics`).
    case bindFailed(transport: String, address: String, underlying: String)

    public var description: String {
        switch self {
        case .bindFailed(let t, let a, let u): return "cannot bind DNS \(t) on \(a): \(u)"
        }
    }
}
