import Foundation
import Testing

/// Invalid CLI input is refused with a message naming the value, a documented exit status
/// (`Sources/herald/HeraldExit.swift`), and no change to the inventory or the published zones.
@Suite struct BadInputTests {
    /// Everything observable about an inventory: domains with their published state, the whole
    /// audit log, the sender catalog, the ranges of example.com, and the exported zones.
    static func observe(_ herald: HeraldProcess) async throws -> [String: String] {
        var state: [String: String] = [:]
        for (key, arguments) in [
            ("domains", ["domain", "list", "--json"]),
            ("audit", ["audit", "--json", "--limit", "1000000"]),
            ("senders", ["sender", "list", "--json"]),
            ("ranges", ["range", "list", "example.com", "--json"]),
            ("zones", ["zone", "export", "--serial", "1"]),
        ] {
            let result = try await herald.run(arguments)
            try #require(result.succeeded, "\(result)")
            state[key] = result.stdout
        }
        return state
    }

    @Test func testBadInputRefusedAndInventoryUnchanged() async throws {
        try await withHerald { herald in
            try await herald.createBuiltDemo()
            let before = try await Self.observe(herald)
            #expect(before["audit"]?.contains("sender.approve") == true, "the audit log should hold the demo's history")

            let longDomain = [String](repeating: String(repeating: "b", count: 60), count: 3).joined(separator: ".")
                + "." + String(repeating: "c", count: 40) + ".example"
            let cases: [(arguments: [String], status: Int32, mustName: [String])] = [
                (["domain", "add", "exa mple.com"], 65, ["exa mple.com"]),
                (["range", "add", "example.com", "192.0.2.1/24"], 65, ["192.0.2.1/24"]),
                (["dmarc", "set", "example.com", "nonsense"], 65, ["nonsense"]),
                (["sender", "approve", "example.com", "no-such-sender"], 66, ["no-such-sender"]),
                // Beyond the brief's four: a duplicate, an impossible prefix, a hosted name over 255 octets.
                (["domain", "add", "example.com"], 69, ["example.com"]),
                (["range", "add", "example.com", "192.0.2.0/33"], 65, ["192.0.2.0/33"]),
                (["domain", "add", longDomain], 65, [longDomain, "._report._dmarc.reports.example.net", "13 more"]),
                // A /0 authorises every address, like +all.
                (["range", "add", "example.com", "0.0.0.0/0"], 65, ["0.0.0.0/0"]),
                (["range", "add", "example.com", "::/0"], 65, ["::/0"]),
                // Building a domain that is not in the inventory is an error, not a silent no-op.
                (["build", "--offline-zone", "Zones/esp-snapshot.zone", "--domain", "nosuch.example"], 66, ["nosuch.example"]),
            ]
            for c in cases {
                let result = try await herald.run(c.arguments)
                let line = "herald " + c.arguments.joined(separator: " ")
                #expect(!result.succeeded, "\(line) succeeded: \(result)")
                #expect(result.status == c.status, "\(line): exit \(result.status), expected \(c.status)\n\(result.stderr)")
                for value in c.mustName {
                    #expect(result.stderr.contains(value), "\(line): the message does not name '\(value)': \(result.stderr)")
                }
                let after = try await Self.observe(herald)
                for key in before.keys.sorted() where before[key] != after[key] {
                    Issue.record("\(line) changed \(key):\nbefore: \(before[key]!.prefix(2000))\nafter: \(after[key]!.prefix(2000))")
                }
            }
        }
    }
}
