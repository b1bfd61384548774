import NIOCore
import Testing
@testable import DNSServer

/// Client addresses grouped by prefix (NSD `rrl-ipv4-prefix-length` / `rrl-ipv6-prefix-length`).
@Suite struct ClientPrefixTests {
    @Test func ipv4PrefixLengths() throws {
        let limit = RateLimit()
        let a = ClientPrefix(try SocketAddress(ipAddress: "192.0.2.7", port: 0), limit: limit)
        let b = ClientPrefix(try SocketAddress(ipAddress: "192.0.2.200", port: 1), limit: limit)
        let c = ClientPrefix(try SocketAddress(ipAddress: "192.0.3.7", port: 0), limit: limit)
        #expect(a == b)
        #expect(a != c)
        #expect(a == ClientPrefix(ipv4: 0xC000_0200, prefixLength: 32))
        let host = RateLimit(ipv4PrefixLength: 32)
        #expect(ClientPrefix(try SocketAddress(ipAddress: "127.0.0.2", port: 1), limit: host)
                != ClientPrefix(try SocketAddress(ipAddress: "127.0.0.3", port: 1), limit: host))
        #expect(ClientPrefix(ipv4: 0xFFFF_FFFF, prefixLength: 0) == ClientPrefix(ipv4: 0, prefixLength: 0))
    }

    @Test func ipv6PrefixLengthsAndMappedIPv4() throws {
        let limit = RateLimit()  // /56
        // /56 keeps 2001:db8:0:00 and drops the last byte of the fourth group.
        let a = ClientPrefix(try SocketAddress(ipAddress: "2001:db8:0:ff::1", port: 1), limit: limit)
        let b = ClientPrefix(try SocketAddress(ipAddress: "2001:db8:0:1::2", port: 1), limit: limit)
        let c = ClientPrefix(try SocketAddress(ipAddress: "2001:db8:0:100::1", port: 1), limit: limit)
        #expect(a == b)
        #expect(a != c)
        #expect(a == ClientPrefix(high: 0x2001_0DB8_0000_0000, low: 0))
        // ::ffff:192.0.2.7 is an IPv4 client and shares the /24 with 192.0.2.9.
        let mapped = ClientPrefix(try SocketAddress(ipAddress: "::ffff:192.0.2.7", port: 1), limit: limit)
        #expect(mapped == ClientPrefix(try SocketAddress(ipAddress: "192.0.2.9", port: 1), limit: limit))
        let full = RateLimit(ipv6PrefixLength: 128)
        #expect(ClientPrefix(try SocketAddress(ipAddress: "2001:db8::1", port: 1), limit: full)
                != ClientPrefix(try SocketAddress(ipAddress: "2001:db8::2", port: 1), limit: full))
        let wide = RateLimit(ipv6PrefixLength: 32)
        #expect(ClientPrefix(try SocketAddress(ipAddress: "2001:db8:ffff::1", port: 1), limit: wide)
                == ClientPrefix(try SocketAddress(ipAddress: "2001:db8::2", port: 1), limit: wide))
    }

    @Test func loopbackDetection() throws {
        for text in ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.2"] {
            #expect(ClientPrefix.isLoopback(try SocketAddress(ipAddress: text, port: 0)), "\(text)")
        }
        for text in ["192.0.2.1", "128.0.0.1", "::2", "2001:db8::1", "::ffff:192.0.2.1", "::127.0.0.1"] {
            #expect(!ClientPrefix.isLoopback(try SocketAddress(ipAddress: text, port: 0)), "\(text)")
        }
    }
}
