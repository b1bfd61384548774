/// The prefix lengths of an `a` or `mx` mechanism, `dual-cidr-length` (RFC 7208 §5.6).
public struct SPFDualCIDRLength: Hashable, Sendable {
    /// Length applied to IPv4 addresses, `0...32`, default 32.
    public var v4: Int
    /// Length applied to IPv6 addresses, `0...128`, default 128.
    public var v6: Int

    /// Creates lengths; the defaults match single hosts.
    public init(v4: Int = 32, v6: Int = 128) {
        self.v4 = v4
        self.v6 = v6
    }

    /// `/v4//v6` with defaults omitted (`""`, `/24`, `//64`, `/24//64`).
    public var text: String {
        (v4 == 32 ? "" : "/\(v4)") + (v6 == 128 ? "" : "//\(v6)")
    }
}

/// An SPF mechanism (RFC 7208 §5).
public enum SPFMechanism: Hashable, Sendable {
    /// `all` (§5.1): matches every address.
    case all
    /// `include:<domain-spec>` (§5.2).
    case include(SPFMacroString)
    /// `a[:<domain-spec>][/len][//len6]` (§5.3); `nil` domain is the current domain.
    case a(SPFMacroString?, SPFDualCIDRLength)
    /// `mx[:<domain-spec>][/len][//len6]` (§5.4); `nil` domain is the current domain.
    case mx(SPFMacroString?, SPFDualCIDRLength)
    /// `ptr[:<domain-spec>]` (§5.5), needs the sender's address.
    case ptr(SPFMacroString?)
    /// `ip4:<network>[/len]` (§5.6), host bits cleared.
    case ip4(CIDRBlock<IPv4Address>)
    /// `ip6:<network>[/len]` (§5.6), host bits cleared.
    case ip6(CIDRBlock<IPv6Address>)
    /// `exists:<domain-spec>` (§5.7), almost always a macro on the sender's address.
    case exists(SPFMacroString)

    /// Whether evaluating the mechanism queries DNS and so counts toward the 10-lookup limit
    /// (§4.6.4: `include`, `a`, `mx`, `ptr`, `exists`).
    public var queriesDNS: Bool {
        switch self {
        case .include, .a, .mx, .ptr, .exists: return true
        case .all, .ip4, .ip6: return false
        }
    }

    /// The mechanism text without qualifier (`ip4:192.0.2.0/24`, `mx//64`).
    public var text: String {
        switch self {
        case .all: return "all"
        case .include(let d): return "include:\(d)"
        case .a(let d, let c): return "a" + (d.map { ":\($0)" } ?? "") + c.text
        case .mx(let d, let c): return "mx" + (d.map { ":\($0)" } ?? "") + c.text
        case .ptr(let d): return "ptr" + (d.map { ":\($0)" } ?? "")
        case .ip4(let b): return "ip4:" + b.spfText
        case .ip6(let b): return "ip6:" + b.spfText
        case .exists(let d): return "exists:\(d)"
        }
    }
}

/// A directive: a qualifier and a mechanism (RFC 7208 §4.6.1, §4.6.2).
public struct SPFDirective: Hashable, Sendable, CustomStringConvertible {
    /// The result when the mechanism matches (default `+`, pass).
    public var qualifier: SPFQualifier
    /// The mechanism.
    public var mechanism: SPFMechanism

    /// Creates a directive.
    public init(qualifier: SPFQualifier = .pass, mechanism: SPFMechanism) {
        self.qualifier = qualifier
        self.mechanism = mechanism
    }

    /// Canonical text: the qualifier only when not `+` (`-all`, `ip4:192.0.2.1`).
    public var description: String {
        (qualifier == .pass ? "" : qualifier.rawValue) + mechanism.text
    }
}

/// An SPF modifier (RFC 7208 §6, §4.6.1 `unknown-modifier`).
public enum SPFModifier: Hashable, Sendable, CustomStringConvertible {
    /// `redirect=<domain-spec>` (§6.1).
    case redirect(SPFMacroString)
    /// `exp=<domain-spec>` (§6.2); never affects which addresses pass.
    case explanation(SPFMacroString)
    /// Any other `name=macro-string`; ignored by evaluation (§6).
    case unknown(name: String, value: SPFMacroString)

    /// `name=value` text.
    public var description: String {
        switch self {
        case .redirect(let d): return "redirect=\(d)"
        case .explanation(let d): return "exp=\(d)"
        case .unknown(let n, let v): return "\(n)=\(v)"
        }
    }
}

/// One term of an SPF record, in record order.
public enum SPFTerm: Hashable, Sendable, CustomStringConvertible {
    /// A directive (qualifier + mechanism).
    case directive(SPFDirective)
    /// A modifier.
    case modifier(SPFModifier)

    /// The term's canonical text.
    public var description: String {
        switch self {
        case .directive(let d): return d.description
        case .modifier(let m): return m.description
        }
    }
}
