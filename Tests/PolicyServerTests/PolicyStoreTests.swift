import Testing
@testable import PolicyServer

@Suite struct PolicyHostTests {
    @Test func normalizesCaseAndTrailingDot() throws {
        #expect(try PolicyHost.normalize("MTA-STS.Example.ORG.") == "mta-sts.example.org")
        #expect(try PolicyHost.forDomain("Example.COM") == "mta-sts.example.com")
    }

    @Test func rejectsNonHostNames() {
        for bad in ["", ".", "a..b", "-a.example", "a-.example", "../../etc/passwd", "a b.example",
                    "under_score.example", String(repeating: "a", count: 64) + ".example", "x/y"] {
            #expect(throws: PolicyServerError.invalidHost(bad)) { _ = try PolicyHost.normalize(bad) }
        }
    }

    /// RFC 9110 §7.2: Host is `uri-host [ ":" port ]`; the port never matters (RECORDS.md).
    @Test func hostFromAuthorityIgnoresPort() {
        #expect(PolicyHost.fromAuthority("mta-sts.example.org") == "mta-sts.example.org")
        #expect(PolicyHost.fromAuthority("MTA-STS.Example.org:8443") == "mta-sts.example.org")
        #expect(PolicyHost.fromAuthority("mta-sts.example.org.:443") == "mta-sts.example.org")
        #expect(PolicyHost.fromAuthority("[2001:db8::1]:443") == nil)
        #expect(PolicyHost.fromAuthority("mta-sts.example.org:x") == nil)
    }
}

@Suite struct PolicyStoreTests {
    private let bodyA = "version: STSv1\r\nmode: testing\r\nmx: mail.example.org\r\nmax_age: 86400\r\n"
    private let bodyB = "version: STSv1\r\nmode: enforce\r\nmx: *.mx.example.net\r\nmax_age: 604800\r\n"

    @Test func looksUpByHostInAnyCase() throws {
        let store = try PolicyStore(policies: ["MTA-STS.Example.ORG.": bodyA])
        #expect(store.policy(forHost: "mta-sts.example.org") == bodyA)
        #expect(store.policy(forHost: "Mta-Sts.Example.Org") == bodyA)
        #expect(store.policy(forHost: "mta-sts.example.com") == nil)
        #expect(store.policy(forHost: "example.org") == nil)
        #expect(store.hosts == ["mta-sts.example.org"])
    }

    @Test func replaceSwapsTheWholeMap() throws {
        let store = try PolicyStore(policies: ["mta-sts.example.org": bodyA])
        try store.replace(with: ["mta-sts.example.net": bodyB])
        #expect(store.policy(forHost: "mta-sts.example.org") == nil)
        #expect(store.policy(forHost: "mta-sts.example.net") == bodyB)
    }

    @Test func rejectedReplacementKeepsTheOldMap() throws {
        let store = try PolicyStore(policies: ["mta-sts.example.org": bodyA])
        #expect(throws: PolicyServerError.invalidHost("bad host")) {
            try store.replace(with: ["mta-sts.example.net": bodyB, "bad host": bodyB])
        }
        let huge = String(repeating: "x", count: PolicyStore.maximumBodySize + 1)
        #expect(throws: PolicyServerError.policyTooLarge(host: "mta-sts.example.net", octets: huge.utf8.count)) {
            try store.replace(with: ["mta-sts.example.net": huge])
        }
        #expect(store.snapshot() == ["mta-sts.example.org": bodyA])
    }

    /// Readers running during many swaps always see one complete published map.
    @Test func concurrentReadersSeeWholeSnapshots() async throws {
        let store = try PolicyStore(policies: ["mta-sts.a.example": bodyA, "mta-sts.b.example": bodyA])
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for round in 0..<500 {
                    let body = round.isMultiple(of: 2) ? bodyB : bodyA
                    try? store.replace(with: ["mta-sts.a.example": body, "mta-sts.b.example": body])
                }
                return true
            }
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<500 {
                        let snapshot = store.snapshot()
                        if snapshot["mta-sts.a.example"] != snapshot["mta-sts.b.example"] { return false }
                    }
                    return true
                }
            }
            for await consistent in group { #expect(consistent) }
        }
    }

    /// The compact table finds every host of a large set and nothing else (binary search over
    /// hosts sorted by octets, including hosts that are prefixes of others).
    @Test func largeTablesFindEveryHostAndNoOther() throws {
        var policies: [String: String] = [:]
        for i in 0..<2_000 { policies["mta-sts.customer\(i).example"] = "version: STSv1\r\nmode: testing\r\nmx: mx\(i).example\r\nmax_age: 86400\r\n" }
        policies["mta-sts.customer1.example.net"] = bodyB
        let store = try PolicyStore(policies: policies)
        #expect(store.count == policies.count)
        for (host, body) in policies { #expect(store.policy(forHost: host.uppercased() + ".") == body) }
        for miss in ["mta-sts.customer2000.example", "mta-sts.customer1.exampl", "mta-sts.customer.example", "mta-sts.a", "mta-sts.zzz"] {
            #expect(store.policy(forHost: miss) == nil)
        }
        #expect(store.snapshot() == policies)
    }
}
