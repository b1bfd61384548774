import Testing
@testable import RecordBuilder

@Suite struct CIDRSetTests {
    typealias Set4 = CIDRSet<IPv4Address>

    func set4(_ text: String) -> Set4 { addressSet(text).v4 }

    @Test func unionMergesAdjacentAndContained() {
        let s = set4("203.0.113.0/25 203.0.113.128/25 203.0.113.7")
        #expect(s.blocks.map(\.description) == ["203.0.113.0/24"])
        #expect(s.intervals.count == 1)
    }

    @Test func subtractionIsExact() {
        let s = set4("192.0.2.0/29").subtracting(set4("192.0.2.5"))
        #expect(s.blocks.map(\.spfText) == ["192.0.2.0/30", "192.0.2.4", "192.0.2.6/31"])
        #expect(!s.contains(IPv4Address("192.0.2.5")!))
        #expect(s.contains(IPv4Address("192.0.2.4")!))
        #expect(!s.contains(IPv4Address("192.0.2.8")!))
    }

    @Test func subtractionAcrossManyIntervals() {
        let a = set4("10.0.0.0/8 172.16.0.0/12 192.168.0.0/16")
        let b = set4("10.128.0.0/9 172.16.0.0/16 172.31.255.255 192.0.0.0/8")
        let d = a.subtracting(b)
        #expect(d.blocks.map(\.spfText) == [
            "10.0.0.0/9", "172.17.0.0/16", "172.18.0.0/15", "172.20.0.0/14", "172.24.0.0/14",
            "172.28.0.0/15", "172.30.0.0/16", "172.31.0.0/17", "172.31.128.0/18", "172.31.192.0/19",
            "172.31.224.0/20", "172.31.240.0/21", "172.31.248.0/22", "172.31.252.0/23",
            "172.31.254.0/24", "172.31.255.0/25", "172.31.255.128/26", "172.31.255.192/27",
            "172.31.255.224/28", "172.31.255.240/29", "172.31.255.248/30", "172.31.255.252/31",
            "172.31.255.254",
        ])
    }

    @Test func fullAndEmptyEdges() {
        #expect(Set4.all.blocks.map(\.description) == ["0.0.0.0/0"])
        #expect(CIDRSet<IPv6Address>.all.blocks.map(\.description) == ["::/0"])
        #expect(Set4.all.subtracting(.all).isEmpty)
        let top = set4("255.255.255.255")
        #expect(Set4.all.subtracting(top).blocks.count == 32)
        #expect(Set4.all.subtracting(top).union(top).isFull)
        #expect(Set4.all.addressCount == 1 << 32)
        #expect(CIDRSet<IPv6Address>.all.addressCount == .max)
        #expect(set4("0.0.0.0 255.255.255.255").blocks.map(\.spfText) == ["0.0.0.0", "255.255.255.255"])
    }

    @Test func ipv6Decomposition() {
        let s = addressSet("2001:db8:c003:104::/64 2001:db8:c003:104::215 2001:db8::/127 2001:db8::2").v6
        #expect(s.blocks.map(\.spfText) == ["2001:db8::/127", "2001:db8::2", "2001:db8:c003:104::/64"])
    }

    /// Random sets: blocks decompose to the same set, are aligned, disjoint and sorted; the
    /// algebra agrees with a brute-force model on a small universe.
    @Test func randomAlgebraMatchesBruteForce() {
        var rng = SplitMix64(seed: 0xC14)
        for _ in 0..<300 {
            // Universe 10.0.0.0/24 keeps brute force cheap.
            func randomSet() -> (Set4, Set<UInt32>) {
                var blocks: [CIDRBlock<IPv4Address>] = []
                var model: Set<UInt32> = []
                for _ in 0..<Int(rng.next() % 5) {
                    let len = 24 + Int(rng.next() % 9)
                    let b = CIDRBlock(address: IPv4Address(0x0A00_0000 | UInt32(rng.next() % 256)), prefixLength: len)
                    blocks.append(b)
                    for x in b.first...b.last { model.insert(x) }
                }
                return (Set4(blocks), model)
            }
            let (a, ma) = randomSet()
            let (b, mb) = randomSet()
            let checks: [(Set4, Set<UInt32>)] = [(a.union(b), ma.union(mb)), (a.subtracting(b), ma.subtracting(mb)),
                                                 (a.intersection(b), ma.intersection(mb))]
            for (s, m) in checks {
                for x in UInt32(0x0A00_0000)...0x0A00_00FF {
                    #expect(s.contains(IPv4Address(x)) == m.contains(x))
                }
                let blocks = s.blocks
                #expect(Set4(blocks) == s)
                #expect(blocks == blocks.sorted())
                for (p, q) in zip(blocks, blocks.dropFirst()) { #expect(p.last < q.first) }
                #expect(s.addressCount == UInt128(m.count))
            }
        }
    }
}

/// A small seeded generator (SplitMix64) so random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
