import Testing
@testable import RecordBuilder

/// RFC 7208 §3.4 / C09: a non-EDNS UDP answer for every hosted SPF name fits in 512 octets,
/// measured on the wire (header 12, question name+4, answer owner pointer 2 + 10 + RDATA).
struct SPFRendererWireFitTests {
    @Test(arguments: ["h.example", "hosted.example.net", "a-much-longer-hosted-zone-name.operator.example.net"])
    func testC09EveryNonEDNSAnswerFits512(hostedZone: String) throws {
        var networks: [IPNetwork] = []
        for i in 0..<60 { networks.append(try IPNetwork.parse("198.51.\(i).0/25")) }
        let r = try SPFRenderer.render(domain: "customer-with-long-name.example.com", hostedZone: hostedZone,
                                       pass: AddressSet(networks), keptIncludes: [], all: .softfail)
        #expect(r.records.count >= 3)
        for rec in r.records {
            let qname = rec.owner.utf8.count + 2
            let answer = 12 + (qname + 4) + (2 + 10 + rec.rdataLength)
            #expect(answer <= 512, "\(rec.owner): \(answer) octets")
            #expect(rec.rdataLength <= 450)
        }
    }
}
