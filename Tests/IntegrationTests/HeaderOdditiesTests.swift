import Foundation
import Testing

/// The fixed 12-octet header of a DNS message, read by hand (RFC 1035 §4.1.1).
struct RawHeader: CustomStringConvertible {
    var id: UInt16
    var qr: Bool
    var opcode: Int
    var aa: Bool
    var tc: Bool
    var rd: Bool
    var ra: Bool
    /// The Z, AD and CD bits (RFC 1035 Z, RFC 4035 §3.2).
    var zADCD: Int
    var rcode: Int
    var qdcount: Int
    var ancount: Int
    var nscount: Int
    var arcount: Int

    init(_ wire: [UInt8]) throws {
        guard wire.count >= 12 else { throw HarnessError("answer of \(wire.count) octets has no header") }
        id = UInt16(wire[0]) << 8 | UInt16(wire[1])
        qr = wire[2] & 0x80 != 0
        opcode = Int(wire[2] >> 3) & 0x0F
        aa = wire[2] & 0x04 != 0
        tc = wire[2] & 0x02 != 0
        rd = wire[2] & 0x01 != 0
        ra = wire[3] & 0x80 != 0
        zADCD = Int(wire[3] >> 4) & 0x07
        rcode = Int(wire[3] & 0x0F)
        qdcount = Int(wire[4]) << 8 | Int(wire[5])
        ancount = Int(wire[6]) << 8 | Int(wire[7])
        nscount = Int(wire[8]) << 8 | Int(wire[9])
        arcount = Int(wire[10]) << 8 | Int(wire[11])
    }

    var description: String {
        "id \(id) qr \(qr) opcode \(opcode) aa \(aa) tc \(tc) rd \(rd) ra \(ra) z/ad/cd \(zADCD) rcode \(rcode) counts \(qdcount)/\(ancount)/\(nscount)/\(arcount)"
    }
}

/// Odd headers (C36) and EDNS version negotiation (C27) over real UDP.
@Suite struct HeaderOdditiesTests {
    /// C36: QDCOUNT 0 or 2 → FORMERR; UPDATE and opcode 15 → NOTIMP with the opcode echoed;
    /// QR=1 → dropped; unknown type → NODATA. The server keeps answering afterwards.
    @Test func testC36QDCountOpcodesAndResponsesOverUDP() async throws {
        try await withServedDemo { _, server in
            let port = server.dnsPort
            let question = RawDNS.question("example.org._dmarc.hosted.example.net", type: DNSCode.txt)

            // (a) QDCOUNT=0, no OPT.
            let a = try #require(try RawDNS.udp([0xAB, 0xCD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], port: port), "(a) no answer")
            let ha = try RawHeader(a)
            #expect(ha.id == 0xABCD && ha.qr && ha.rcode == DNSCode.formErr, "(a) \(ha)")

            // (b) QDCOUNT=2 carrying two questions.
            let b = try #require(try RawDNS.udp([0x00, 0x0B, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0] + question + question, port: port), "(b) no answer")
            let hb = try RawHeader(b)
            #expect(hb.id == 0x000B && hb.qr && hb.rcode == DNSCode.formErr, "(b) \(hb)")

            // (c) UPDATE (opcode 5) with a zone section `hosted.example.net SOA IN`.
            let update = [0x00, 0x0C, 0x28, 0x00, 0, 1, 0, 0, 0, 0, 0, 0] + RawDNS.question("hosted.example.net", type: DNSCode.soa)
            let c = try #require(try RawDNS.udp(update, port: port), "(c) no answer")
            let hc = try RawHeader(c)
            #expect(hc.id == 0x000C && hc.qr && hc.opcode == 5 && hc.rcode == DNSCode.notImp, "(c) \(hc)")

            // (d) opcode 15, header only, with TC, RD, RA, AA, Z, AD and CD set.
            let d = try #require(try RawDNS.udp([0x00, 0x0D, 0x7F, 0xF0, 0, 0, 0, 0, 0, 0, 0, 0], port: port), "(d) no answer")
            let hd = try RawHeader(d)
            #expect(hd.id == 0x000D && hd.qr && hd.opcode == 15 && hd.rcode == DNSCode.notImp, "(d) \(hd)")
            #expect(!hd.aa && !hd.tc && !hd.ra && hd.zADCD == 0, "(d) flags other than RD must be cleared: \(hd)")

            // (e) a response (QR=1) is dropped: nothing comes back within 300 ms.
            let response = [0x00, 0x0E, 0x80, 0x00, 0, 1, 0, 0, 0, 0, 0, 0] + question
            let e = try RawDNS.udp(response, port: port, timeoutMilliseconds: 300)
            #expect(e == nil, "(e) a QR=1 message was answered: \(e.map { (try? RawHeader($0))?.description ?? "\($0)" } ?? "")")

            // (f) an unknown type at an existing name: NOERROR/NODATA, never NOTIMP.
            let f = try LDNSDecoded(try #require(try RawDNS.udp(
                RawDNS.query("example.org._dmarc.hosted.example.net", type: 65280, id: 0x000F), port: port), "(f) no answer"))
            #expect(f.rcode == DNSCode.noError && f.aa && f.answer.isEmpty && f.authority.first?.type == DNSCode.soa, "(f) \(f)")

            // Still serving.
            let ok = try LDNSDecoded(try #require(try RawDNS.udp(
                RawDNS.query("example.org._dmarc.hosted.example.net", type: DNSCode.txt, id: 0x0010), port: port)))
            #expect(ok.rcode == DNSCode.noError && ok.answer.count == 1)
            #expect(server.isRunning)
        }
    }

    /// C27: EDNS version 1 → BADVERS (extended RCODE 16: header 0, OPT ext-rcode 1), OPT
    /// version 0, question echoed, no answer; the same cold and after a normal query.
    @Test func testC27EDNSVersionOneGetsBADVERS() async throws {
        try await withServedDemo { _, server in
            let name = "example.org._dmarc.hosted.example.net"
            let question = RawDNS.question(name, type: DNSCode.txt)
            // OPT: root, type 41, UDP 1232, ext-rcode 0, version 1, flags 0, RDLEN 4 + option 100 (empty).
            let opt: [UInt8] = [0x00, 0x00, 0x29, 0x04, 0xD0, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x64, 0x00, 0x00]
            let query = [0x02, 0x7B, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 1] + question + opt
            var answers: [[UInt8]] = []
            for round in 0..<2 {
                let wire = try #require(try RawDNS.udp(query, port: server.dnsPort), "round \(round): no answer")
                answers.append(wire)
                let header = try RawHeader(wire)
                #expect(header.id == 0x027B && header.qr && header.rcode == 0, "round \(round): \(header)")
                #expect(header.qdcount == 1 && header.ancount == 0 && header.nscount == 0 && header.arcount == 1, "round \(round): \(header)")
                #expect(Array(wire[12..<(12 + question.count)]) == question, "round \(round): question not echoed")
                // The OPT record follows the question: root name, type 41, class = payload, TTL = ext-rcode|version|flags.
                let optStart = 12 + question.count
                try #require(wire.count >= optStart + 11, "round \(round): no OPT record")
                #expect(wire[optStart] == 0 && wire[optStart + 1] == 0 && wire[optStart + 2] == 41, "round \(round): OPT not where expected")
                #expect(wire[optStart + 5] == 1, "round \(round): extended RCODE \(wire[optStart + 5]), expected 1 (BADVERS = 16)")
                #expect(wire[optStart + 6] == 0, "round \(round): OPT version \(wire[optStart + 6]), expected 0")
                #expect(wire[optStart + 9] == 0 && wire[optStart + 10] == 0, "round \(round): unknown option echoed")
                if round == 0 {
                    // Warm any cache with a normal query before the second round.
                    _ = try RawDNS.udp(RawDNS.query(name, type: DNSCode.txt, id: 7, ednsPayload: 1232), port: server.dnsPort)
                }
            }
            #expect(answers.count == 2 && answers[0] == answers[1], "cold and warm BADVERS answers differ")
        }
    }
}
