import Testing
import DNSCore
@testable import DNSAuthority

/// `AddressRangeTable`: canonical form (sorted, overlaps and neighbours merged) and
/// `contains` against a brute-force scan of the input ranges.
@Suite struct AddressRangeTableTests {
    struct Case: Sendable, CustomStringConvertible {
        let label: String
        let input: [ClosedRange<UInt32>]
        let expected: [ClosedRange<UInt32>]
        var description: String { label }
    }

    static let cases: [Case] = [
        Case(label: "empty", input: [], expected: []),
        Case(label: "single address", input: [7...7], expected: [7...7]),
        Case(label: "unsorted disjoint", input: [50...60, 10...20], expected: [10...20, 50...60]),
        Case(label: "overlap", input: [10...20, 15...30], expected: [10...30]),
        Case(label: "adjacent", input: [10...20, 21...30], expected: [10...30]),
        Case(label: "gap of one stays", input: [10...20, 22...30], expected: [10...20, 22...30]),
        Case(label: "contained", input: [10...100, 20...30, 40...40], expected: [10...100]),
        Case(label: "duplicates", input: [5...9, 5...9, 5...9], expected: [5...9]),
        Case(label: "chain in reverse", input: [31...40, 21...30, 11...20, 0...10], expected: [0...40]),
        Case(label: "touching the top", input: [UInt32.max...UInt32.max, 0...0, (UInt32.max - 1)...(UInt32.max - 1)],
             expected: [0...0, (UInt32.max - 1)...UInt32.max]),
        Case(label: "everything", input: [0...UInt32.max, 5...6, UInt32.max...UInt32.max], expected: [0...UInt32.max]),
        Case(label: "later range extends merged one", input: [0...5, 3...4, 4...9, 11...12], expected: [0...9, 11...12]),
    ]

    @Test(arguments: cases)
    func normalisation(_ test: Case) {
        let table = AddressRangeTable(v4: test.input, v6: test.input.map { UInt128($0.lowerBound)...UInt128($0.upperBound) })
        #expect(table.v4Ranges == test.expected)
        #expect(table.v6Ranges == test.expected.map { UInt128($0.lowerBound)...UInt128($0.upperBound) })
        #expect(table.isEmpty == test.expected.isEmpty)
        // Canonical: the same set given differently is equal.
        #expect(table == AddressRangeTable(v4: test.expected.reversed(), v6: test.expected.map { UInt128($0.lowerBound)...UInt128($0.upperBound) }))
        for range in test.input {
            #expect(table.contains(v4: range.lowerBound) && table.contains(v4: range.upperBound))
        }
    }

    @Test func familiesAreSeparate() {
        let table = AddressRangeTable(v4: [1...1], v6: [(UInt128.max - 1)...UInt128.max])
        #expect(table.contains(v4: 1) && !table.contains(v6: 1))
        #expect(table.contains(v6: UInt128.max) && !table.contains(v4: UInt32.max))
        #expect(!table.isEmpty && AddressRangeTable.empty.isEmpty)
        #expect(AddressRangeTable(v4: [], v6: [0...0]) != AddressRangeTable(v4: [0...0], v6: []))
        #expect(!AddressRangeTable.empty.contains(v4: 0) && !AddressRangeTable.empty.contains(v6: 0))
    }

    /// Random ranges in a small universe (so they overlap and touch often), probed everywhere
    /// in it; then random ranges over the whole space probed at every bound ± 1.
    @Test func containsMatchesBruteForce() {
        var rng = SeededGenerator(seed: 0xA11_5E7)
        for round in 0..<300 {
            let universe: UInt32 = round % 2 == 0 ? 200 : UInt32.max
            let ranges: [ClosedRange<UInt32>] = (0..<Int.random(in: 0...12, using: &rng)).map { _ in
                let a = UInt32.random(in: 0...universe, using: &rng)
                let width = UInt32.random(in: 0...(universe == 200 ? 15 : 1 << 20), using: &rng)
                return a...(a.addingReportingOverflow(width).overflow ? UInt32.max : a + width)
            }
            let v6Ranges = ranges.map { (UInt128($0.lowerBound) << 90)...(UInt128($0.upperBound) << 90 | (UInt128(1) << 90 - 1)) }
            let table = AddressRangeTable(v4: ranges, v6: v6Ranges)
            // Invariants of the stored form.
            let stored = table.v4Ranges
            for (a, b) in zip(stored, stored.dropFirst()) { #expect(a.upperBound < UInt32.max && a.upperBound + 1 < b.lowerBound) }
            var probes: [UInt32] = []
            if universe == 200 {
                probes = Array(0...230)
            } else {
                for range in ranges {
                    probes += [range.lowerBound, range.upperBound, range.lowerBound &- 1, range.upperBound &+ 1]
                }
                probes += (0..<50).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }
            }
            for probe in probes {
                let expected = ranges.contains { $0.contains(probe) }
                #expect(table.contains(v4: probe) == expected, "round \(round) probe \(probe) ranges \(ranges)")
                let v6 = UInt128(probe) << 90 | UInt128(probe & 0x3FF)
                #expect(table.contains(v6: v6) == v6Ranges.contains { $0.contains(v6) }, "round \(round) v6 probe \(probe)")
                #expect(table.contains(v6: UInt128(probe) << 90 &- 1) == v6Ranges.contains { $0.contains(UInt128(probe) << 90 &- 1) })
            }
        }
    }
}
