import DNSAuthority
import HeraldFuzzHarness
import Testing
@testable import DNSServer

/// The TC=1 "slip" answer: header and question only, so the client retries over TCP.
@Suite struct SlipResponseTests {
    @Test func slipKeepsHeaderAndQuestionOnly() throws {
        let q = query("www.example.com", type: 1, id: 0xBEEF, flags: 0x0100, edns: true)
        var response = try #require(Responder().respond(to: q, transport: .udp, snapshot: FuzzZones.snapshot))
        let original = Header(response)
        #expect(original.ancount == 1 && original.arcount == 1)
        let c = response.withUnsafeBytes { ResponseClass(response: $0) }
        SlipResponse.truncate(&response, questionEnd: c.questionEnd)
        let slipped = Header(response)
        #expect(slipped.id == 0xBEEF && slipped.truncated && slipped.rcode == 0)
        #expect(slipped.qdcount == 1 && slipped.ancount == 0 && slipped.nscount == 0 && slipped.arcount == 0)
        #expect(response[2] & 0x80 != 0 && response[2] & 0x01 != 0)  // QR and RD kept
        // The question is the query's question, octet for octet (no OPT).
        #expect(Array(response[12...]) == Array(q[12..<(q.count - 11)]))
    }

    @Test func slipOfAnErrorWithoutQuestion() throws {
        var response = try #require(Responder().respond(to: [0xAB, 0xCD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], transport: .udp,
                                                        snapshot: FuzzZones.snapshot))
        let c = response.withUnsafeBytes { ResponseClass(response: $0) }
        SlipResponse.truncate(&response, questionEnd: c.questionEnd)
        #expect(response.count == 12)
        let h = Header(response)
        #expect(h.truncated && h.rcode == 1 && h.qdcount == 0 && h.ancount == 0)
    }
}
