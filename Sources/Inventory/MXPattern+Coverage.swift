extension MXPattern {
    /// The MX hosts that no pattern covers (RFC 8461 §4.1: exact match, or `*.rest` matching
    /// exactly one extra left-most label), in the order given. Hosts are compared in lowercase
    /// without a trailing dot.
    ///
    /// - Parameters:
    ///   - hosts: MX exchange names, as a resolver returns them.
    ///   - patterns: the policy's `mx` patterns.
    /// - Returns: the uncovered hosts, normalised, duplicates removed.
    public static func uncovered(_ hosts: [String], by patterns: [MXPattern]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for raw in hosts {
            var host = raw.lowercased()
            if host.hasSuffix(".") { host.removeLast() }
            guard !host.isEmpty, seen.insert(host).inserted else { continue }
            if !patterns.contains(where: { $0.matches(host) }) { result.append(host) }
        }
        return result
    }
}
