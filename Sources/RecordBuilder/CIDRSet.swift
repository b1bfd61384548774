/// An exact set of addresses of one family, kept as sorted, disjoint, non-adjacent intervals.
///
/// The algebra behind SPF flattening (RFC 7208 §4.6.2, §5.2): union, difference and
/// membership are exact on the integer form of the addresses, so `S − M` removes precisely the
/// addresses an earlier term matched. ``blocks`` gives the canonical minimal CIDR decomposition
/// (RFC 4632 §3.1): host bits cleared, contained and adjacent ranges merged, duplicates removed,
/// numeric order. Two sets holding the same addresses are `==` and give identical ``blocks``.
public struct CIDRSet<Address: IPAddressFamily>: Hashable, Sendable {
    /// A closed range of address bits `lower...upper`.
    public struct Interval: Hashable, Sendable {
        /// The lowest address bits in the interval.
        public var lower: Address.Bits
        /// The highest address bits in the interval (inclusive).
        public var upper: Address.Bits
    }

    /// The intervals, sorted, pairwise disjoint and never adjacent (`a.upper + 1 < b.lower`).
    public private(set) var intervals: [Interval]

    /// The empty set.
    public init() { intervals = [] }

    /// The set of all addresses of the family.
    public static var all: CIDRSet { CIDRSet(normalized: [Interval(lower: 0, upper: .max)]) }

    /// The set of addresses covered by `blocks`.
    public init<S: Sequence>(_ blocks: S) where S.Element == CIDRBlock<Address> {
        self.init(normalizing: blocks.map { Interval(lower: $0.first, upper: $0.last) })
    }

    /// The set holding the addresses from `lower` through `upper` (inclusive).
    /// - Precondition: `lower <= upper`.
    public init(lower: Address, upper: Address) {
        precondition(lower <= upper, "empty interval")
        intervals = [Interval(lower: lower.bits, upper: upper.bits)]
    }

    private init(normalized: [Interval]) { intervals = normalized }

    /// Sorts and merges arbitrary intervals into canonical form.
    private init(normalizing raw: [Interval]) {
        let sorted = raw.sorted { ($0.lower, $0.upper) < ($1.lower, $1.upper) }
        var out: [Interval] = []
        out.reserveCapacity(sorted.count)
        for iv in sorted {
            if var last = out.last, last.upper == .max || iv.lower <= last.upper + 1 {
                if iv.upper > last.upper { last.upper = iv.upper }
                out[out.count - 1] = last
            } else {
                out.append(iv)
            }
        }
        intervals = out
    }

    /// Whether the set holds no address.
    public var isEmpty: Bool { intervals.isEmpty }

    /// Whether the set holds every address of the family.
    public var isFull: Bool { intervals.count == 1 && intervals[0].lower == 0 && intervals[0].upper == .max }

    /// Whether `address` is in the set (binary search, O(log n)).
    public func contains(_ address: Address) -> Bool {
        let x = address.bits
        var lo = 0, hi = intervals.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if intervals[mid].upper < x { lo = mid + 1 } else { hi = mid }
        }
        return lo < intervals.count && intervals[lo].lower <= x
    }

    /// Addresses in `self` or `other`.
    public func union(_ other: CIDRSet) -> CIDRSet {
        if other.isEmpty { return self }
        if isEmpty { return other }
        return CIDRSet(normalizing: intervals + other.intervals)
    }

    /// Adds the addresses of `other` to `self`.
    public mutating func formUnion(_ other: CIDRSet) { self = union(other) }

    /// Addresses in `self` and not in `other` (exact set difference).
    public func subtracting(_ other: CIDRSet) -> CIDRSet {
        if isEmpty || other.isEmpty { return self }
        var out: [Interval] = []
        var j = 0
        let b = other.intervals
        for var cur in intervals {
            // Skip subtrahend intervals entirely below the current one.
            while j < b.count && b[j].upper < cur.lower { j += 1 }
            var k = j
            var alive = true
            while k < b.count && b[k].lower <= cur.upper {
                if b[k].lower > cur.lower {
                    out.append(Interval(lower: cur.lower, upper: b[k].lower - 1))
                }
                if b[k].upper >= cur.upper { alive = false; break }
                cur.lower = b[k].upper + 1
                k += 1
            }
            if alive { out.append(cur) }
        }
        return CIDRSet(normalized: out)
    }

    /// Addresses in both `self` and `other`.
    public func intersection(_ other: CIDRSet) -> CIDRSet {
        subtracting(subtracting(other))
    }

    /// The canonical minimal list of CIDR blocks covering exactly the set, in numeric order.
    public var blocks: [CIDRBlock<Address>] {
        var out: [CIDRBlock<Address>] = []
        let width = Address.bitWidth
        for iv in intervals {
            var lower = iv.lower
            while true {
                // Largest aligned block starting at `lower` that ends at or before `upper`.
                var size = lower == 0 ? width : lower.trailingZeroBitCount
                while size > 0 {
                    let hostMask: Address.Bits = size == width ? .max : (Address.Bits(1) << Address.Bits(size)) - 1
                    if lower | hostMask <= iv.upper { break }
                    size -= 1
                }
                let hostMask: Address.Bits = size == width ? .max : (Address.Bits(1) << Address.Bits(size)) - 1
                let end = lower | hostMask
                out.append(CIDRBlock(address: Address(bits: lower), prefixLength: width - size))
                if end >= iv.upper { break }
                lower = end + 1
            }
        }
        return out
    }

    /// The number of addresses in the set, saturating at `UInt128.max` (the full IPv6 space).
    public var addressCount: UInt128 {
        var total: UInt128 = 0
        for iv in intervals {
            let span = UInt128(iv.upper - iv.lower)
            let (withOne, o1) = span.addingReportingOverflow(1)
            let (sum, o2) = total.addingReportingOverflow(withOne)
            if o1 || o2 { return .max }
            total = sum
        }
        return total
    }
}
