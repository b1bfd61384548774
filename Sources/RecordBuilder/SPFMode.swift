/// How a domain's hosted SPF record authorises its senders (RECORDS.md "SPF", "Macro mode").
///
/// Raw values are the names stored in the inventory and accepted on the command line.
public enum SPFMode: String, CaseIterable, Sendable, Codable {
    /// Flattened `ip4:`/`ip6:` terms at `D._spf.H`, with `_N.D._spf.H` chain links when the
    /// terms do not fit one record (RFC 7208 §3.3, §3.4, §4.6.4).
    case flatten
    /// `D._spf.H TXT "v=spf1 [include:<kept>] exists:%{i}._ip.D._spf.H <all>"`: the responder
    /// answers `A 127.0.0.2` for an address in the pass set and NXDOMAIN otherwise (RFC 7208
    /// §5.7, §7.3). No chain links and no size limit on the pass set.
    case macro
}
