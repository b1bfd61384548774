extension CIDRSet {
    /// For each of `blocks` (sorted and pairwise disjoint, as ``blocks`` returns them), whether
    /// the set holds at least one of its addresses. One merge pass, O(blocks + intervals).
    func overlaps(sortedDisjoint blocks: [CIDRBlock<Address>]) -> [Bool] {
        var out = [Bool](repeating: false, count: blocks.count)
        var j = 0
        for (i, b) in blocks.enumerated() {
            while j < intervals.count && intervals[j].upper < b.first { j += 1 }
            if j < intervals.count && intervals[j].lower <= b.last { out[i] = true }
        }
        return out
    }
}
