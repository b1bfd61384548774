/// Decides whether a new build's SPF pass sets may replace the published ones (RECORDS.md "SPF"
/// Safety: "a build whose pass set shrinks by more than a configurable share is held for
/// confirmation, with a diff that names the sender each removed range came from").
///
/// Pure: it compares ``DomainBuild/passSetsBySender`` of the last published build (`previous`)
/// and of the new one (`next`). Rules:
/// - **Hold** when the union pass set loses more than ``maxShrinkShare`` of its IPv4 addresses,
///   or of its IPv6 addresses (raw address counts; shares are ratios, so /64 units would give
///   the same share for /64-aligned ranges). The union is taken over the senders present in
///   both builds: addresses another sender still authorises are not lost.
/// - **Hold** when a sender that had addresses before is still approved but now has none (its
///   tree shrank to nothing, e.g. an upstream record emptied by mistake).
/// - A sender absent before (newly approved) is growth. A sender absent now (revoked by the
///   operator, or now kept as an `include:` that receivers evaluate themselves) is deliberate: it
///   never causes a hold and its addresses do not count as lost.
/// - Growth or no change publishes. A temporary DNS failure never reaches the gate (the build
///   fails and the last good records stay, RFC 7208 §4.4).
public struct SPFPublishGate: Sendable {
    /// The largest share (0…1) of IPv4 or IPv6 addresses a build may drop and still publish;
    /// a loss strictly greater holds the build. Default 0.10.
    public var maxShrinkShare: Double

    /// Creates a gate.
    /// - Parameter maxShrinkShare: 0…1; 0 holds on any loss, 1 never holds on shrinkage (a
    ///   sender dropping to nothing still holds).
    public init(maxShrinkShare: Double = 0.10) {
        self.maxShrinkShare = maxShrinkShare
    }

    /// Compares the published per-sender pass sets with a new build's.
    /// - Parameters:
    ///   - previous: slug → pass set of the last published build (`own` for own ranges).
    ///   - next: slug → pass set of the new build.
    /// - Returns: `.publish` with the diff, or `.hold` with human-readable reasons and the diff.
    public func evaluate(previous: [String: AddressSet], next: [String: AddressSet]) -> SPFGateDecision {
        let diff = SPFPassSetDiff(previous: previous, next: next)
        var reasons: [String] = []
        for slug in previous.keys.sorted() {
            guard let before = previous[slug], !before.isEmpty, let after = next[slug], after.isEmpty else { continue }
            reasons.append("\(slug): 0 addresses (had \(Self.describeCount(v4: before.v4.addressCount, v6: before.v6.addressCount)))")
        }
        for (family, share) in [("IPv4", diff.removedShareIPv4), ("IPv6", diff.removedShareIPv6)] where share > maxShrinkShare {
            reasons.append("\(family) pass set shrinks \(Self.percent(share, decimals: 1)) % (limit \(Self.percent(maxShrinkShare, decimals: 2)) %)")
        }
        return reasons.isEmpty ? .publish(diff: diff) : .hold(reasons: reasons, diff: diff)
    }

    /// `1,047,552` for IPv4 only; with IPv6, `… IPv4 and N IPv6 /64s` (or raw IPv6 addresses
    /// below one /64; `≈` when not a whole number of /64s).
    static func describeCount(v4: UInt128, v6: UInt128) -> String {
        let six: String
        if v6 >= UInt128(1) << 64 {
            six = (v6 & (UInt128(1) << 64 - 1) == 0 ? "" : "≈") + grouped(v6 >> 64) + " IPv6 /64s"
        } else {
            six = grouped(v6) + " IPv6 addresses"
        }
        if v6 == 0 { return grouped(v4) }
        if v4 == 0 { return six }
        return grouped(v4) + " IPv4 and " + six
    }

    /// Decimal with `,` every three digits (`1,047,552`).
    static func grouped(_ n: UInt128) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// `share` as a percentage with at most `decimals` decimals, trailing zeros kept only for
    /// one decimal (`23.4`, `10`, `12.5`).
    static func percent(_ share: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((share * 100 * scale).rounded())
        let whole = scaled / Int(scale)
        var fraction = String(scaled % Int(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        if decimals > 1 {
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
        }
        return "\(whole).\(fraction)"
    }
}
