import Foundation
import Testing

/// MTA-STS withdrawal while serving (C24, RFC 8461 §8.3): `mode: none` is published with a new
/// id, and the domain's records must stay until senders' cached policies have expired.
@Suite struct MTASTSWithdrawalTests {
    @Test func testC24WithdrawalServesModeNoneWithNewIDAndHoldsRemoval() async throws {
        try await withServedDemo { herald, server in
            let txtName = "example.org._mta-sts.hosted.example.net"
            let before = try await Dig.dig(server.dnsPort, txtName, "TXT")
            let oldID = try #require(before.answer.first.flatMap { PolicyHTTPSTests.policyID($0.txtText) }, "\(before)")

            try await herald.require("mta-sts", "set", "example.org", "--mode", "none")

            // The TXT id changes (bounded poll: the server reloads within a second).
            var newID: String?
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(5) {
                let out = try await Dig.dig(server.dnsPort, txtName, "TXT")
                if let id = out.answer.first.flatMap({ PolicyHTTPSTests.policyID($0.txtText) }), id != oldID {
                    newID = id
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(newID != nil, "the _mta-sts id did not change after withdrawal (C24: body changed ⇒ id changed)")

            // The body says mode none (body before id, RFC 8461 §8.1: it must already be served).
            let body = try await CurlExchange.fetch(host: "mta-sts.example.org", port: server.httpsPort)
            let text = String(decoding: body.body, as: UTF8.self)
            #expect(body.status == 200 && text.hasPrefix("version: STSv1\r\nmode: none\r\n"), "\(body)")

            // Removing the domain right away would drop the policy host and TXT while senders
            // still cache the 604800 s enforce policy. `domain remove` winds it down instead:
            // the records stay, the policy is `mode: none` (no mx lines) under yet another id,
            // and the removal is dated max_age after the enforce policy stopped being served.
            let removal = try await herald.run(["domain", "remove", "example.org", "--reason", "withdrawal test", "--json"])
            #expect(removal.succeeded, "\(removal)")
            #expect(removal.stdout.contains("\"wind_down\"") && removal.stdout.contains("\"mta_sts_until\""), "\(removal)")
            let immediate = try await herald.run(["domain", "remove", "example.org", "--now"])
            #expect(!immediate.succeeded && immediate.stderr.contains("--force"), "an immediate delete needs --force: \(immediate)")

            var windDownID: String?
            let again = ContinuousClock.now
            while ContinuousClock.now - again < .seconds(5) {
                let out = try await Dig.dig(server.dnsPort, txtName, "TXT")
                if let id = out.answer.first.flatMap({ PolicyHTTPSTests.policyID($0.txtText) }), id != newID, id != oldID {
                    windDownID = id
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(windDownID != nil, "the wind-down policy did not get its own id")
            let windDownBody = try await CurlExchange.fetch(host: "mta-sts.example.org", port: server.httpsPort)
            #expect(String(decoding: windDownBody.body, as: UTF8.self) == "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n",
                    "\(windDownBody)")
            let dmarc = try await Dig.dig(server.dnsPort, "example.org._dmarc.hosted.example.net", "TXT")
            #expect(!dmarc.answer.isEmpty, "DMARC stays served during the grace period: \(dmarc)")
            let show = try await herald.require("domain", "show", "example.org")
            #expect(show.stdout.contains("WINDING DOWN"), "\(show)")
        }
    }
}
