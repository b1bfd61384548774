import Foundation
import Testing

/// An inventory change made by the CLI while `herald serve` runs must be answered over DNS
/// within one second, with a larger SOA serial (RECORDS.md, "Authoritative answers").
@Suite struct ChangeVisibilityTests {
    static let dmarcName = "example.com._dmarc.hosted.example.net"

    /// The SOA serial of `zone` from `dig +short`.
    static func serial(_ port: Int, _ zone: String) async throws -> UInt32 {
        let out = try await Dig.dig(port, zone, "SOA")
        #expect(out.status == "NOERROR" && out.flags.contains("aa"), "\(out)")
        let soa = try #require(out.answer.first { $0.type == "SOA" }, "no SOA for \(zone):\n\(out)")
        let fields = soa.rdata.split(separator: " ")
        return try #require(fields.count == 7 ? UInt32(fields[2]) : nil, "SOA rdata '\(soa.rdata)'")
    }

    @Test func testDMARCAdvanceVisibleOverDNSWithinOneSecond() async throws {
        try await withServedDemo { herald, server in
            let port = server.dnsPort
            let before = try await Dig.dig(port, Self.dmarcName, "TXT")
            #expect(before.answer.map(\.txtText) == ["v=DMARC1; p=none; rua=mailto:dmarc@reports.example.net"], "\(before)")
            let hostedSerial = try await Self.serial(port, "hosted.example.net")
            let reportSerial = try await Self.serial(port, "reports.example.net")

            try await herald.require("dmarc", "advance", "example.com", "--force", "--reason", "test")
            let exited = ContinuousClock.now

            var seenAfter: Duration?
            var last: DigOutput?
            while ContinuousClock.now - exited < .seconds(5) {
                let out = try await Dig.dig(port, Self.dmarcName, "TXT")
                last = out
                if out.answer.map(\.txtText) == ["v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@reports.example.net"] {
                    seenAfter = ContinuousClock.now - exited
                    break
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            let elapsed = try #require(seenAfter, "the new DMARC record never appeared within 5 s; last answer:\n\(last.map(\.raw) ?? "-")")
            #expect(elapsed <= .seconds(1), "the change became visible after \(elapsed), more than 1 s after the CLI exited")
            print("DMARC advance visible over DNS \(elapsed) after the CLI exited")

            let newSerial = try await Self.serial(port, "hosted.example.net")
            #expect(newSerial > hostedSerial, "SOA serial \(hostedSerial) → \(newSerial) did not increase")
            let newReportSerial = try await Self.serial(port, "reports.example.net")
            #expect(newReportSerial >= reportSerial, "report zone serial went backwards: \(reportSerial) → \(newReportSerial)")
            #expect(server.isRunning)
        }
    }
}
