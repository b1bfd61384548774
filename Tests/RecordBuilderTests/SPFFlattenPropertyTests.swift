import Testing
@testable import RecordBuilder

/// Property: for random SPF trees, an address is in the flattened pass set exactly when
/// `check_host()` on the original tree returns `pass` (RFC 7208 §4.6.2, §5.2, §6.1), and the
/// rendered hosted records evaluate the same as the original.
@Suite struct SPFFlattenPropertyTests {
    struct Generator {
        var rng: SplitMix64

        mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }

        mutating func qualifier() -> String { ["", "+", "-", "~", "?"][int(5)] }

        mutating func ip4() -> (String, UInt32) {
            let base: UInt32 = [0xC000_0200, 0xC633_6400][int(2)]  // 192.0.2.0, 198.51.100.0
            return ("\(IPv4Address(base | UInt32(int(256))))", base)
        }

        mutating func ip6() -> String { "\(IPv6Address((UInt128(0x2001_0db8) << 96) | UInt128(int(512))))" }

        /// A zone of `n` SPF records `p0…` plus hosts with A/AAAA/MX, includes pointing forward only.
        mutating func zone(records n: Int) -> String {
            var lines: [String] = []
            let hosts = (0..<3).map { "h\($0).example.net" }
            for h in hosts {
                for _ in 0..<(1 + int(2)) { lines.append("\(h). A \(ip4().0)") }
                lines.append("\(h). AAAA \(ip6())")
            }
            for i in 0..<n {
                let name = "p\(i).example.net"
                lines.append("\(name). A \(ip4().0)")
                lines.append("\(name). AAAA \(ip6())")
                lines.append("\(name). MX 10 \(hosts[int(3)]).")
                if chance(50) { lines.append("\(name). MX 20 \(hosts[int(3)]).") }
                var terms: [String] = []
                for _ in 0..<(1 + int(5)) {
                    let q = qualifier()
                    switch int(10) {
                    case 0, 1, 2: terms.append(q + "ip4:" + ip4().0 + "/\(24 + int(9))")
                    case 3, 4: terms.append(q + "ip6:" + ip6() + "/\(119 + int(10))")
                    case 5 where i + 1 < n, 6 where i + 1 < n: terms.append(q + "include:p\(i + 1 + int(n - i - 1)).example.net")
                    case 7: terms.append(q + (chance(50) ? "a" : "a:\(hosts[int(3)])") + (chance(50) ? "/\(26 + int(7))" : "") + (chance(30) ? "//\(124 + int(5))" : ""))
                    case 8: terms.append(q + (chance(50) ? "mx" : "mx:p\(int(n)).example.net") + (chance(50) ? "/\(28 + int(5))" : ""))
                    default: break
                    }
                }
                if chance(40) { terms.append(["-all", "~all"][int(2)]) }
                if chance(40) && i + 1 < n { terms.insert("redirect=p\(i + 1 + int(n - i - 1)).example.net", at: int(terms.count + 1)) }
                lines.append("\(name). TXT \"v=spf1 \(terms.joined(separator: " "))\"")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Addresses around every edge of `set`, plus random ones in the test universe.
    static func samples(_ set: AddressSet, _ g: inout Generator) -> [AnyIPAddress] {
        var out: [AnyIPAddress] = []
        for iv in set.v4.intervals {
            for x in [iv.lower &- 1, iv.lower, iv.upper, iv.upper &+ 1] { out.append(.v4(IPv4Address(x))) }
        }
        for iv in set.v6.intervals {
            for x in [iv.lower &- 1, iv.lower, iv.upper, iv.upper &+ 1] { out.append(.v6(IPv6Address(x))) }
        }
        for _ in 0..<20 { out.append(.v4(IPv4Address(g.ip4().0)!)) }
        for _ in 0..<10 { out.append(.v6(IPv6Address(g.ip6())!)) }
        out.append(v4("203.0.113.1"))
        out.append(v6("2001:db8:ffff::1"))
        return out
    }

    @Test func flattenedPassSetEqualsCheckHost() async throws {
        var g = Generator(rng: SplitMix64(seed: 7208))
        var checked = 0, skipped = 0, passes = 0, nonPasses = 0
        for _ in 0..<120 {
            let text = g.zone(records: 2 + g.int(5))
            let zone = ZoneFixture(text)
            let flattening: SPFFlattening
            do {
                flattening = try await SPFFlattener(source: zone).flatten(entryPoint: "p0.example.net")
            } catch {
                // Only limits may refuse these trees (no loops, no macros, no missing records).
                #expect(["spf.too-many-lookups", "spf.too-many-void-lookups"].contains(error.code), "\(error)\n\(text)")
                skipped += 1
                continue
            }
            let pass = try #require(flattening.passSet)
            // The rendered hosted records, served next to the customer's own record.
            let rendering = try SPFRenderer.render(domain: "example.com", hostedZone: "hosted.example.net", pass: pass,
                                                   keptIncludes: [], all: .softfail, maxRDATA: 200)
            let hosted = ZoneFixture((["example.com. TXT \"v=spf1 include:example.com._spf.hosted.example.net -all\""]
                                      + rendering.records.map(\.description)).joined(separator: "\n"))
            for ip in Self.samples(pass, &g) {
                let direct = await SPFEvaluator.checkHost(ip: ip, domain: "p0.example.net", source: zone)
                #expect(![.permerror, .temperror, .none].contains(direct), "\(ip) → \(direct)\n\(text)")
                #expect((direct == .pass) == pass.contains(ip), "\(ip): check_host \(direct), flattened \(pass.contains(ip))\n\(text)")
                let viaHosted = await SPFEvaluator.checkHost(ip: ip, domain: "example.com", source: hosted)
                #expect((viaHosted == .pass) == (direct == .pass), "\(ip) hosted \(viaHosted) vs \(direct)")
                if direct == .pass { passes += 1 } else { nonPasses += 1 }
            }
            checked += 1
        }
        #expect(checked >= 100, "too many trees refused: \(skipped)")
        #expect(passes > 500 && nonPasses > 2000, "passes \(passes), non-passes \(nonPasses), checked \(checked)")
    }
}
