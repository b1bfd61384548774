import Foundation
import Testing

/// The demo inventory (example.com, example.org, shop.example), built offline from the ESP
/// snapshot and served by `herald serve`, asked over real UDP and TCP by dig, kdig and a raw
/// socket decoded with libldns.
@Suite struct DemoEndToEndTests {
    static let hosted = "hosted.example.net"
    static let demoDomains = ["example.com", "example.org", "shop.example"]

    @Test func testDemoEndToEndOverTheWire() async throws {
        try await withHerald { herald in
            try await herald.createDemoInventory()
            let build = try await herald.run(["build", "--offline-zone", Repository.snapshotZone, "--json"])
            try #require(build.succeeded, "\(build)")
            let reports = try #require(try JSONSerialization.jsonObject(with: Data(build.stdoutBytes)) as? [[String: Any]])
            let shopReport = try #require(reports.first { $0["domain"] as? String == "shop.example" })
            let reportedLookups = try #require(shopReport["spfLookups"] as? Int)

            try await herald.withServer { server in
                let port = server.dnsPort

                // DMARC, RFC 9989 t=y with the RFC 7489 pct=0 shim, authoritative.
                let dmarc = try await Dig.dig(port, "example.org._dmarc.\(Self.hosted)", "TXT")
                #expect(dmarc.status == "NOERROR", "\(dmarc)")
                #expect(dmarc.flags.contains("aa"), "AA missing:\n\(dmarc)")
                #expect(!dmarc.flags.contains("ra"))
                #expect(dmarc.answer.map(\.txtText) == ["v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@reports.example.net"], "\(dmarc)")

                // C20: exactly one v=DMARC1 record at every hosted _dmarc name.
                for domain in Self.demoDomains {
                    let out = try await Dig.dig(port, "\(domain)._dmarc.\(Self.hosted)", "TXT")
                    let policies = out.answer.filter { $0.type == "TXT" && $0.txtText.hasPrefix("v=DMARC1;") }
                    #expect(out.answer.count == 1 && policies.count == 1, "C20: \(domain) must have one DMARC record:\n\(out)")
                }

                // The same DMARC answer through a raw UDP socket, decoded by libldns.
                let query = RawDNS.query("example.org._dmarc.\(Self.hosted)", type: DNSCode.txt, id: 0x4A11, ednsPayload: 1232)
                let wire = try #require(try RawDNS.udp(query, port: port), "no UDP answer")
                let decoded = try LDNSDecoded(wire)
                #expect(decoded.id == 0x4A11)
                #expect(decoded.qr && decoded.aa && !decoded.tc && !decoded.ra)
                #expect(decoded.rcode == DNSCode.noError)
                #expect(decoded.hasEDNS, "the query had OPT, so the answer must carry one (RFC 6891)")
                #expect(decoded.answer.count == 1)
                if let rr = decoded.answer.first {
                    #expect(rr.type == DNSCode.txt)
                    #expect(rr.owner == "example.org._dmarc.\(Self.hosted).")
                    #expect(rr.ttl == 300)
                    #expect(rr.txtText == "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@reports.example.net")
                    #expect(rr.rawFields.allSatisfy { Int($0.first ?? 0) == $0.count - 1 }, "length octets must match")
                }

                // SPF: every domain's chain, UDP without EDNS (C09, C29) and TCP (kdig) agree.
                for domain in Self.demoDomains {
                    let chain = try await Self.followSPFChain(domain: domain, port: port)
                    let lookups = 1 + chain.links + chain.keptIncludes.count
                        + chain.keptIncludes.reduce(0) { $0 + chain.snapshot.lookupTerms(below: $1) }
                    #expect(lookups <= 10, "\(domain): \(lookups) DNS lookups for a receiver (RFC 7208 §4.6.4)")
                    if domain == "shop.example" {
                        #expect(chain.keptIncludes.contains("_spf.salesforce.com"),
                                "salesforce (exists:%{i}) must stay include:_spf.salesforce.com; chain: \(chain.texts)")
                        #expect(lookups == reportedLookups, "build report says \(reportedLookups) lookups, the wire shows \(lookups)")
                        #expect(chain.links >= 1, "shop.example's terms do not fit one record; expected _N links")
                    }
                }

                // The shop.example apex SPF answer without EDNS through a raw socket and libldns.
                let spfQuery = RawDNS.query("shop.example._spf.\(Self.hosted)", type: DNSCode.txt, id: 0x5F5F)
                let spfWire = try #require(try RawDNS.udp(spfQuery, port: port))
                #expect(spfWire.count <= 512, "non-EDNS UDP answer is \(spfWire.count) octets")
                let spf = try LDNSDecoded(spfWire)
                #expect(!spf.tc && spf.aa && spf.rcode == DNSCode.noError && !spf.hasEDNS)
                let spfRR = try #require(spf.answer.first)
                #expect(spfRR.txtStrings.count >= 2, "a ~440-octet record needs several character-strings (C08)")
                #expect(spfRR.txtStrings.allSatisfy { !$0.isEmpty && $0.count <= 255 })
                #expect(spfRR.rawFields.allSatisfy { Int($0[0]) == $0.count - 1 })
                #expect(spfRR.txtText.hasPrefix("v=spf1 ") && spfRR.txtText.hasSuffix(" ~all"))
            }
        }
    }

    /// What walking one customer's SPF chain over the wire found.
    struct Chain {
        var links = 0
        var keptIncludes: [String] = []
        var texts: [String] = []
        var snapshot: SnapshotSPF
    }

    /// Starts at `D._spf.H` and follows `include:_N.D._spf.H` links. Every record is fetched
    /// over UDP without EDNS (dig +noedns: must fit 512 octets, no TC, strings ≤255 octets)
    /// and over TCP (kdig +tcp: must be the same record).
    static func followSPFChain(domain: String, port: Int) async throws -> Chain {
        var chain = Chain(snapshot: try SnapshotSPF(path: Repository.snapshotZone))
        let apex = "\(domain)._spf.\(hosted)"
        var name = apex
        var seen: Set<String> = []
        while true {
            try #require(seen.insert(name).inserted && seen.count <= 12, "SPF chain of \(domain) loops or is too long: \(seen)")
            let udp = try await Dig.dig(port, name, "TXT", ["+noedns", "+ignore"])
            #expect(udp.status == "NOERROR" && udp.flags.contains("aa"), "\(udp)")
            #expect(!udp.flags.contains("tc"), "C29: \(name) truncated without EDNS:\n\(udp)")
            #expect((udp.messageSize ?? 9999) <= 512, "C09: \(name) answer is \(udp.messageSize ?? -1) octets without EDNS")
            let records = udp.answer.filter { $0.type == "TXT" }
            #expect(records.count == 1, "C11: \(name) must hold exactly one v=spf1 record:\n\(udp)")
            let record = try #require(records.first)
            #expect(record.txtStrings.allSatisfy { !$0.isEmpty && $0.count <= 255 }, "C08: \(name) strings \(record.txtStrings.map(\.count))")
            let tcp = try await Dig.kdig(port, name, "TXT", ["+tcp"])
            #expect(tcp.status == "NOERROR" && tcp.flags.contains("aa"))
            #expect(tcp.answer.map(\.txtText) == [record.txtText], "UDP and TCP disagree for \(name)")

            let text = record.txtText
            chain.texts.append(text)
            #expect(text.hasPrefix("v=spf1 ") || text == "v=spf1")
            if name != apex {
                #expect(!text.contains("all"), "chain link \(name) carries an all term: \(text)")
            }
            var next: String?
            for term in text.split(separator: " ").dropFirst() where term.hasPrefix("include:") {
                let target = String(term.dropFirst("include:".count))
                if target == "_\(chain.links + 1).\(apex)" {
                    #expect(next == nil, "two chain links in \(name)")
                    next = target
                } else {
                    #expect(!target.hasSuffix(hosted), "unexpected hosted include \(target) in \(name)")
                    chain.keptIncludes.append(target)
                }
            }
            guard let link = next else { break }
            chain.links += 1
            name = link
        }
        return chain
    }
}
