import Foundation
import Testing

/// The MTA-STS lifecycle and wind-down through the `herald` command line (issue 5; C24, C26):
/// mx-change with its plan and MX coverage warnings, wind-down state in `domain list/show`,
/// `records --literal`, repeated report URIs.
@Suite struct LifecycleCLITests {
    @Test func testC24MXChangeThroughTheCLI() async throws {
        try await withHerald { herald in
            try await herald.createBuiltDemo()
            // The customer's MX as a resolver would answer it (offline).
            let zone = herald.directory + "/mx.zone"
            try """
                $TTL 300
                example.com. MX 10 mail.example.com.
                example.com. MX 20 mx2.example.com.
                """.write(toFile: zone, atomically: true, encoding: .utf8)

            // Refusals name the pattern.
            for (pattern, fragment) in [("192.0.2.25", "IP literals"), ("*.*.example.net", "left-most")] {
                let refused = try await herald.run(["mta-sts", "mx-change", "example.com", "--add", pattern])
                #expect(!refused.succeeded && refused.stderr.contains(pattern) && refused.stderr.contains(fragment), "\(refused)")
            }
            let tooLong = try await herald.run(["mta-sts", "set", "example.com", "--mode", "enforce", "--max-age", "31557601"])
            #expect(!tooLong.succeeded && tooLong.stderr.contains("31557601"), "\(tooLong)")

            let planned = try await herald.run(["mta-sts", "mx-change", "example.com", "--add", "mx1.example.net",
                                                "--remove", "mail.example.com", "--offline-zone", zone, "--reason", "MX move"])
            #expect(planned.succeeded, "\(planned)")
            #expect(planned.stdout.contains("mx change planned") && planned.stdout.contains("switch MX after")
                    && planned.stdout.contains("remove:"), "\(planned)")
            // mx2.example.com is covered by no pattern, before or after; mail.example.com only before.
            #expect(planned.stderr.contains("MX host mx2.example.com"), "\(planned)")
            #expect(planned.stderr.contains("MX host mail.example.com of example.com is not covered by any pattern of the policy after"),
                    "\(planned)")

            let status = try await herald.require("mta-sts", "plan", "example.com", "--json")
            #expect(status.stdout.contains("\"remove_after\"") && status.stdout.contains("\"mail.example.com\""), "\(status)")
            let second = try await herald.run(["mta-sts", "mx-change", "example.com", "--add", "mx3.example.net"])
            #expect(!second.succeeded && second.stderr.contains("already pending"), "\(second)")
            let list = try await herald.require("domain", "list")
            #expect(list.stdout.contains("mx change: remove mail.example.com"), "\(list)")
            let history = try await herald.require("mta-sts", "history", "example.com")
            #expect(history.stdout.split(separator: "\n").count >= 3, "the ledger lists the old and the union policy: \(history)")
            let cancelled = try await herald.require("mta-sts", "mx-change", "example.com", "--cancel")
            #expect(cancelled.stdout.contains("cancelled"), "\(cancelled)")
            let audit = try await herald.require("audit", "--json", "--limit", "1000")
            #expect(audit.stdout.contains("mta-sts.mx-change.plan") && audit.stdout.contains("mta-sts.mx-change.cancel"))
        }
    }

    @Test func testC24WindDownAndLiteralRecordsThroughTheCLI() async throws {
        try await withHerald { herald in
            try await herald.createBuiltDemo()
            let literal = try await herald.require("records", "example.org", "--literal")
            #expect(literal.stdout.contains("_dmarc.example.org.  TXT  \"v=DMARC1; p=quarantine; t=y; pct=0"), "\(literal)")
            #expect(literal.stdout.contains("example.org.  TXT  \"v=spf1 "), "\(literal)")
            #expect(literal.stdout.contains("_mta-sts.example.org.  TXT  \"v=STSv1; id="), "\(literal)")
            #expect(literal.stdout.contains("_smtp._tls.example.org.  TXT  \"v=TLSRPTv1; rua=mailto:tlsrpt@reports.example.net\""))
            #expect(literal.stdout.contains("https://mta-sts.example.org/.well-known/mta-sts.txt must serve"), "\(literal)")
            #expect(literal.stdout.contains("  mode: enforce\n"), "\(literal)")
            let literalLines = literal.stdout.split(separator: "\n").filter { $0.contains("  TXT  ") }
            #expect(!literalLines.contains { $0.contains("hosted.example.net") }, "\(literalLines)")

            let now = try await herald.run(["domain", "remove", "example.org", "--now"])
            #expect(!now.succeeded && now.stderr.contains("--force"), "\(now)")
            let removal = try await herald.require("domain", "remove", "example.org", "--grace", "7", "--reason", "customer left")
            #expect(removal.stdout.contains("winding down") && removal.stdout.contains("grace 7 day(s)"), "\(removal)")
            let show = try await herald.require("domain", "show", "example.org")
            #expect(show.stdout.contains("WINDING DOWN") && show.stdout.contains("(wind-down: mode none)"), "\(show)")
            let list = try await herald.require("domain", "list")
            #expect(list.stdout.contains("winding down: mta-sts none until"), "\(list)")
            // The hosted records now announce mode none; the literal ones still the customer's own policy.
            let records = try await herald.require("records", "example.org")
            #expect(records.stdout.contains("mode: none") && records.stdout.contains("WINDING DOWN"), "\(records)")
            let stillOwn = try await herald.require("records", "example.org", "--literal")
            #expect(stillOwn.stdout.contains("  mode: enforce\n"), "\(stillOwn)")
            // The customer's apex record keeps exactly one v=spf1 with the customer's own -all.
            #expect(stillOwn.stdout.contains(" -all\""), "\(stillOwn)")
            let again = try await herald.run(["domain", "remove", "example.org"])
            #expect(!again.succeeded && again.stderr.contains("already winding down"), "\(again)")
            try await herald.require("domain", "restore", "example.org")
            let restored = try await herald.require("domain", "list")
            #expect(!restored.stdout.contains("winding down"), "\(restored)")
            let grace = try await herald.require("domain", "grace", "14")
            #expect(grace.stdout.contains("14 day(s)"), "\(grace)")
            // Immediate delete for mistakes: warns about cached enforce policies.
            let forced = try await herald.run(["domain", "remove", "example.org", "--now", "--force"])
            #expect(forced.succeeded && forced.stderr.contains("cached MTA-STS 'enforce' policy"), "\(forced)")
        }
    }

    /// Due lifecycle steps run in `herald build` (printed) and in `herald serve` (its lifecycle
    /// service checks at start and on a timer), and the server stops answering for a removed
    /// domain without a restart.
    @Test func testDueWindDownRunsInBuildAndServe() async throws {
        try await withHerald { herald in
            try await herald.createBuiltDemo()
            try await herald.require("domain", "remove", "shop.example", "--grace", "0")
            let build = try await herald.run(["build", "--offline-zone", Repository.snapshotZone])
            #expect(build.succeeded && build.stderr.contains("lifecycle: shop.example: domain-removed"), "\(build)")
            let list = try await herald.require("domain", "list")
            #expect(!list.stdout.contains("shop.example"), "\(list)")

            try await herald.require("domain", "add", "leaving.example")
            try await herald.withServer { server in
                let name = "leaving.example._dmarc.hosted.example.net"
                let before = try await Dig.dig(server.dnsPort, name, "TXT")
                #expect(before.status == "NOERROR" && !before.answer.isEmpty, "\(before)")
                try await herald.require("domain", "remove", "leaving.example", "--grace", "0")
                // Without MTA-STS and with no grace the removal is due at once: the service
                // sees it at its next check (every 5 s).
                var status = before.status
                let start = ContinuousClock.now
                while ContinuousClock.now - start < .seconds(20) {
                    status = try await Dig.dig(server.dnsPort, name, "TXT").status
                    if status == "NXDOMAIN" { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(status == "NXDOMAIN", "the wound-down domain is still served")
            }
            let audit = try await herald.require("audit", "--json", "--limit", "1000")
            #expect(audit.stdout.contains("herald serve (lifecycle)"), "the removal is audit-logged by serve")
        }
    }

    /// C26 and the repeated-option bug: several --tlsrpt-rua are all kept, in order; two --rua
    /// are refused (DMARC takes two URIs in all, the operator's first); a bare address is
    /// refused with the fix named.
    @Test func testC26RepeatedReportURIs() async throws {
        try await withHerald { herald in
            try await herald.createBuiltDemo()
            try await herald.require("domain", "update", "example.com", "--tlsrpt-rua", "mailto:tls@example.com",
                                     "--tlsrpt-rua", "https://tlsrpt.example.com/v1")
            let records = try await herald.require("records", "example.com")
            #expect(records.stdout.contains(
                "\"v=TLSRPTv1; rua=mailto:tlsrpt@reports.example.net,mailto:tls@example.com,https://tlsrpt.example.com/v1\""),
                "\(records)")
            let two = try await herald.run(["domain", "update", "example.com", "--rua", "mailto:a@example.com", "--rua", "mailto:b@example.com"])
            #expect(!two.succeeded && two.stderr.contains("at most two"), "\(two)")
            let bare = try await herald.run(["domain", "update", "example.com", "--tlsrpt-rua", "tls@example.com"])
            #expect(!bare.succeeded && bare.stderr.contains("did you mean 'mailto:tls@example.com'"), "\(bare)")
        }
    }
}
