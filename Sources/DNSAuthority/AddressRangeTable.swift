/// A set of IPv4 and IPv6 addresses held as sorted, disjoint, non-adjacent closed intervals,
/// built once at snapshot time and searched by binary search on the hot path (SPF macro
/// mode: the pass set behind `exists:%{i}._ip.D._spf.H`, RFC 7208 §5.7, §7.3).
///
/// Addresses are host-order integers: IPv4 `192.0.2.1` = `0xC000_0201`, IPv6 the 128-bit
/// value of the 16 octets, most significant first (the same convention as `RData.a`/`.aaaa`).
/// Two tables are equal exactly when they hold the same addresses.
public struct AddressRangeTable: Sendable, Equatable {
    /// Interval starts of the IPv4 ranges, strictly increasing.
    private let v4Starts: [UInt32]
    /// Interval ends (inclusive) of the IPv4 ranges, `v4Ends[i] >= v4Starts[i]`.
    private let v4Ends: [UInt32]
    /// Interval starts of the IPv6 ranges, strictly increasing.
    private let v6Starts: [UInt128]
    /// Interval ends (inclusive) of the IPv6 ranges, `v6Ends[i] >= v6Starts[i]`.
    private let v6Ends: [UInt128]

    /// Creates a table from ranges in any order; overlapping and adjacent ranges (end + 1 ==
    /// next start) are merged, so the stored form is canonical.
    ///
    /// - Parameters:
    ///   - v4: IPv4 ranges (inclusive bounds, host-order values).
    ///   - v6: IPv6 ranges (inclusive bounds, host-order values).
    public init(v4: [ClosedRange<UInt32>], v6: [ClosedRange<UInt128>]) {
        (v4Starts, v4Ends) = Self.normalize(v4)
        (v6Starts, v6Ends) = Self.normalize(v6)
    }

    /// The table holding no address.
    public static let empty = AddressRangeTable(v4: [], v6: [])

    /// Whether the IPv4 address (host order) is in the table. O(log n), no allocation.
    public func contains(v4 address: UInt32) -> Bool {
        Self.search(address, starts: v4Starts, ends: v4Ends)
    }

    /// Whether the IPv6 address (host order) is in the table. O(log n), no allocation.
    public func contains(v6 address: UInt128) -> Bool {
        Self.search(address, starts: v6Starts, ends: v6Ends)
    }

    /// Whether the table holds no address of either family.
    public var isEmpty: Bool { v4Starts.isEmpty && v6Starts.isEmpty }

    /// The normalised IPv4 ranges: sorted, disjoint, never adjacent.
    public var v4Ranges: [ClosedRange<UInt32>] { zip(v4Starts, v4Ends).map { $0...$1 } }

    /// The normalised IPv6 ranges: sorted, disjoint, never adjacent.
    public var v6Ranges: [ClosedRange<UInt128>] { zip(v6Starts, v6Ends).map { $0...$1 } }

    /// Sorts by lower bound and merges overlapping or adjacent ranges.
    private static func normalize<T: FixedWidthInteger & UnsignedInteger>(_ ranges: [ClosedRange<T>]) -> ([T], [T]) {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var starts: [T] = []
        var ends: [T] = []
        starts.reserveCapacity(sorted.count)
        ends.reserveCapacity(sorted.count)
        for range in sorted {
            if let last = ends.last, last == T.max || range.lowerBound <= last + 1 {
                if range.upperBound > last { ends[ends.count - 1] = range.upperBound }
            } else {
                starts.append(range.lowerBound)
                ends.append(range.upperBound)
            }
        }
        return (starts, ends)
    }

    /// Binary search for the last start ≤ `value`, then a check against its end.
    @inline(__always)
    private static func search<T: FixedWidthInteger & UnsignedInteger>(_ value: T, starts: [T], ends: [T]) -> Bool {
        var low = 0
        var high = starts.count
        while low < high {
            let mid = (low &+ high) >> 1
            if starts[mid] <= value { low = mid &+ 1 } else { high = mid }
        }
        return low > 0 && value <= ends[low &- 1]
    }
}
