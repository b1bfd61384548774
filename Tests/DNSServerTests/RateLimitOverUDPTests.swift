import DNSServer
import Foundation
import Testing

/// Response-rate limiting over real sockets on 127.0.0.1 (port 0). Clients bind 127.0.0.2 and
/// 127.0.0.3, which share a /24, so the tests choose the prefix length.
@Suite(.serialized) struct RateLimitOverUDPTests {
    /// 1,000 identical queries from one socket as fast as it can send them: at most
    /// burst + rate × elapsed full answers, every 2nd limited response a TC=1 slip, the rest
    /// dropped. Then TCP from the same client and UDP from another /32 are unaffected.
    @Test func floodIsLimitedAndSlipsButTCPAndOtherPrefixesAreNot() async throws {
        let rate = 20, burst = 20
        let (server, port) = try await startServer {
            $0.rateLimit = RateLimit(responsesPerSecond: rate, burst: burst, slip: 2, ipv4PrefixLength: 32, exemptLoopback: false)
        }
        defer { Task { await server.shutdown() } }
        let flooder = try UDPClient(source: "127.0.0.2", port: port)
        let q = query("www.example.com", type: 1)
        var full = 0, slipped = 0, other = 0
        func tally(_ response: [UInt8]) {
            let h = Header(response)
            if h.truncated, h.ancount == 0, response.count == q.count { slipped += 1 }
            else if !h.truncated, h.ancount == 1, h.rcode == 0 { full += 1 }
            else { other += 1 }
        }
        let start = ContinuousClock.now
        for _ in 0..<1000 {
            try flooder.send(q)
            while let r = try flooder.receive(timeoutMilliseconds: 0) { tally(r) }
        }
        // Bounded drain: stop after 300 ms without a datagram.
        while let r = try flooder.receive(timeoutMilliseconds: 300) { tally(r) }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let ceiling = Double(burst) + Double(rate) * seconds
        print("RRL flood: \(full) answered, \(slipped) slipped, \(1000 - full - slipped) dropped in \(elapsed) (ceiling \(ceiling))")
        #expect(other == 0)
        #expect(full >= 1)
        #expect(Double(full) <= ceiling + 1, "\(full) full answers in \(seconds) s exceeds burst + rate × t = \(ceiling)")
        #expect(slipped >= 1)
        #expect(slipped <= (1000 - full) / 2 + 1)
        #expect(full + slipped <= 600, "most limited responses must be dropped")

        // TCP from the same client is never limited.
        let tcp = try TCPClient(source: "127.0.0.2", port: port)
        try tcp.write((0..<20).flatMap { TCPClient.framed(query("www.example.com", type: 1, id: UInt16($0))) })
        for _ in 0..<20 {
            let r = try #require(try tcp.readFramed())
            #expect(!Header(r).truncated && Header(r).ancount == 1)
        }

        // Another /32 has its own bucket.
        let neighbour = try UDPClient(source: "127.0.0.3", port: port)
        let r = try #require(try neighbour.exchange(q))
        #expect(!Header(r).truncated && Header(r).ancount == 1)
    }

    /// With the default /24, 127.0.0.2 and 127.0.0.3 share a bucket: once one has used it up,
    /// the other is limited too (slip 1: every limited response is a TC=1 answer).
    @Test func clientsInOnePrefixShareABucket() async throws {
        let (server, port) = try await startServer {
            $0.rateLimit = RateLimit(responsesPerSecond: 1, burst: 3, slip: 1, exemptLoopback: false)
        }
        defer { Task { await server.shutdown() } }
        let first = try UDPClient(source: "127.0.0.2", port: port)
        let second = try UDPClient(source: "127.0.0.3", port: port)
        let q = query("mail.example.com", type: 1)
        for _ in 0..<3 {
            let r = try #require(try first.exchange(q))
            #expect(!Header(r).truncated && Header(r).ancount == 1)
        }
        let r = try #require(try second.exchange(q))
        #expect(Header(r).truncated && Header(r).ancount == 0)
        // A different name is a different bucket.
        let other = try #require(try second.exchange(query("www.example.com", type: 28)))
        #expect(!Header(other).truncated && Header(other).ancount == 1)
    }

    /// Random names in one zone share the zone's NXDOMAIN bucket (the random-subdomain attack).
    @Test func randomNamesShareTheZoneBucket() async throws {
        let (server, port) = try await startServer {
            $0.rateLimit = RateLimit(responsesPerSecond: 1, burst: 5, slip: 1, exemptLoopback: false)
        }
        defer { Task { await server.shutdown() } }
        let client = try UDPClient(source: "127.0.0.2", port: port)
        var truncated = 0
        for index in 0..<10 {
            let r = try #require(try client.exchange(query("r\(index)x.example.com", type: 1)))
            #expect(Header(r).rcode == 3)
            if Header(r).truncated { truncated += 1 }
        }
        #expect(truncated == 5)
    }

    /// By default loopback clients are exempt (they cannot be spoofed from the network).
    @Test func loopbackIsExemptByDefault() async throws {
        let (server, port) = try await startServer {
            $0.rateLimit = RateLimit(responsesPerSecond: 1, burst: 1, slip: 1)
        }
        defer { Task { await server.shutdown() } }
        let client = try UDPClient(source: "127.0.0.2", port: port)
        for index in 0..<50 {
            let r = try #require(try client.exchange(query("www.example.com", type: 1, id: UInt16(index))))
            #expect(!Header(r).truncated)
        }
    }

    /// `rateLimit: nil` turns limiting off.
    @Test func rateLimitCanBeTurnedOff() async throws {
        let (server, port) = try await startServer { $0.rateLimit = nil }
        defer { Task { await server.shutdown() } }
        let client = try UDPClient(source: "127.0.0.2", port: port)
        for index in 0..<300 {
            let r = try #require(try client.exchange(query("www.example.com", type: 1, id: UInt16(index))))
            #expect(!Header(r).truncated)
        }
    }
}
