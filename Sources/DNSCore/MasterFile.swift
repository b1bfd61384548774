/// Renders records as RFC 1035 §5 master-file text that NSD and BIND load unchanged.
public enum MasterFile {
    /// Renders a zone: no `$ORIGIN` or `$TTL` directives, every name absolute, the SOA
    /// record(s) first, then all other records in canonical name order (RFC 4034 §6.1),
    /// by type number within a name, keeping input order within an RRset. One record per
    /// line, each line ending in `\n`.
    ///
    /// - Parameter records: the zone's records (the caller guarantees there is one SOA).
    /// - Returns: the master-file text.
    public static func render(records: [ResourceRecord]) -> String {
        let soa = records.filter { $0.type == .soa }
        let rest = records.enumerated().filter { $0.element.type != .soa }.sorted { lhs, rhs in
            if lhs.element.name != rhs.element.name { return lhs.element.name < rhs.element.name }
            if lhs.element.type != rhs.element.type { return lhs.element.type < rhs.element.type }
            return lhs.offset < rhs.offset
        }.map(\.element)
        var out = ""
        for record in soa + rest {
            out += record.presentation
            out += "\n"
        }
        return out
    }
}
