import Testing
@testable import DNSServer

/// The rate-limit table with an injected clock: exact GCRA counts, refill, isolation of
/// prefixes and classes, collisions (NSD/Knot RRL).
@Suite struct ResponseRateLimiterTests {
    static let second: UInt64 = 1_000_000_000
    static let answer = ResponseClass(kind: .answer, qtype: 1, nameHash: 0xAAAA, questionEnd: 33)
    static let client = ClientPrefix(ipv4: 0xC000_0207, prefixLength: 24)

    /// How many of `count` responses at time `now` the limiter admits.
    func admitted(_ limiter: ResponseRateLimiter, _ count: Int, at now: UInt64,
                  prefix: ClientPrefix = client, response: ResponseClass = answer) -> Int {
        (0..<count).filter { _ in limiter.admit(prefix: prefix, response: response, nowNanoseconds: now) }.count
    }

    @Test func burstThenRate() {
        let limiter = ResponseRateLimiter(RateLimit(responsesPerSecond: 10, burst: 5), seed: 1, originNanoseconds: 0)
        #expect(admitted(limiter, 100, at: 0) == 5)
        // 10/s: one more every 100 ms.
        #expect(admitted(limiter, 100, at: Self.second / 10) == 1)
        #expect(admitted(limiter, 100, at: Self.second / 10 + Self.second / 20) == 0)
        #expect(admitted(limiter, 100, at: 3 * Self.second / 10) == 2)
        // Idle for a long time: back to a full burst, not more.
        #expect(admitted(limiter, 100, at: 60 * Self.second) == 5)
    }

    /// In any window of t seconds a bucket admits at most burst + rate × t responses.
    @Test func neverMoreThanBurstPlusRateTimesTime() {
        let rate = 200, burst = 200
        let limiter = ResponseRateLimiter(RateLimit(responsesPerSecond: rate, burst: burst), seed: 2, originNanoseconds: 0)
        var rng = SplitMix(seed: 7)
        var now: UInt64 = 0
        var admittedAt: [UInt64] = []
        for _ in 0..<50_000 {
            now += rng.next() % 200_000  // 0–200 µs apart: ~10,000 queries/s offered
            if limiter.admit(prefix: Self.client, response: Self.answer, nowNanoseconds: now) { admittedAt.append(now) }
        }
        // Sliding windows starting at each admitted response.
        var end = 0
        for start in admittedAt.indices {
            while end < admittedAt.count, admittedAt[end] - admittedAt[start] <= Self.second { end += 1 }
            #expect(end - start <= burst + rate + 1)
        }
        let seconds = Double(now) / 1e9
        #expect(Double(admittedAt.count) <= Double(burst) + Double(rate) * seconds + 1)
        #expect(Double(admittedAt.count) >= Double(rate) * seconds * 0.95)
    }

    @Test func prefixesAndClassesHaveTheirOwnBuckets() {
        let limiter = ResponseRateLimiter(RateLimit(responsesPerSecond: 1, burst: 3), seed: 3, originNanoseconds: 0)
        #expect(admitted(limiter, 10, at: 0) == 3)
        let otherPrefix = ClientPrefix(ipv4: 0xC000_0307, prefixLength: 24)
        let samePrefix = ClientPrefix(ipv4: 0xC000_02FE, prefixLength: 24)
        #expect(admitted(limiter, 10, at: 0, prefix: otherPrefix) == 3)
        #expect(admitted(limiter, 10, at: 0, prefix: samePrefix) == 0)
        let otherType = ResponseClass(kind: .answer, qtype: 28, nameHash: 0xAAAA, questionEnd: 33)
        let otherName = ResponseClass(kind: .answer, qtype: 1, nameHash: 0xBBBB, questionEnd: 33)
        let negative = ResponseClass(kind: .nxDomain, qtype: 0, nameHash: 0xAAAA, questionEnd: 33)
        let error = ResponseClass(kind: .error, qtype: 0, nameHash: 0, questionEnd: 12)
        for response in [otherType, otherName, negative, error] {
            #expect(admitted(limiter, 10, at: 0, response: response) == 3)
        }
    }

    /// A 16-slot table with many keys: every key still gets its burst when it arrives (a key
    /// that finds its slot taken by another tag starts fresh, NSD-style overwrite).
    @Test func collisionsOverwrite() {
        let limiter = ResponseRateLimiter(RateLimit(responsesPerSecond: 1, burst: 2, tableSize: 16), seed: 4, originNanoseconds: 0)
        for host in UInt32(0)..<200 {
            let prefix = ClientPrefix(ipv4: 0x0A00_0000 | host << 8, prefixLength: 24)
            #expect(admitted(limiter, 5, at: 0, prefix: prefix) == 2)
        }
    }

    @Test func settingsAreClamped() {
        let limit = RateLimit(responsesPerSecond: 0, burst: -3, slip: -1, ipv4PrefixLength: 40, ipv6PrefixLength: -1, tableSize: 1000)
        #expect(limit.responsesPerSecond == 1 && limit.burst == 1 && limit.slip == 0)
        #expect(limit.ipv4PrefixLength == 32 && limit.ipv6PrefixLength == 0)
        #expect(limit.tableSize == 1024)
        let defaults = RateLimit()
        #expect(defaults.responsesPerSecond == 200 && defaults.burst == 200 && defaults.slip == 2)
        #expect(defaults.ipv4PrefixLength == 24 && defaults.ipv6PrefixLength == 56 && defaults.tableSize == 1 << 20)
    }

    @Test func concurrentAdmitsStayWithinTheLimit() async {
        let limiter = ResponseRateLimiter(RateLimit(responsesPerSecond: 1, burst: 1000), seed: 5, originNanoseconds: 0)
        let total = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { self.admitted(limiter, 5000, at: 1) } }
            return await group.reduce(0, +)
        }
        #expect(total == 1000)
    }
}

/// Deterministic pseudo-random numbers (SplitMix64).
struct SplitMix: RandomNumberGenerator {
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
