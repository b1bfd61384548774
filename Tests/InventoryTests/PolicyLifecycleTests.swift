import Foundation
import GRDB
import Testing
@testable import Inventory
import RecordBuilder

/// MTA-STS policy lifecycle in the inventory (RFC 8461 §3.1, §3.2, §8.1, §8.3; field case C24):
/// the policy ledger, mx changes with their plan, wind-down, on a simulated clock.
@Suite struct PolicyLifecycleTests {
    static let t0 = TestInventory.t0
    static let day = TestInventory.day

    static func mx(_ text: String) throws -> MXPattern { try MXPattern(parsing: text, argument: "--mx") }

    /// A domain with an `enforce` policy `{mail.example.com, max_age}` set at `t0`.
    static func enforced(_ t: TestInventory, maxAge: Int = 604_800) throws -> InventoryName {
        let d = try name("example.com")
        try t.inventory.addDomain(d, actor: "test", now: t0)
        try t.inventory.setMTASTS(d, mode: .enforce, maxAge: .set(maxAge), mxPatterns: [mx("mail.example.com")],
                                  actor: "test", now: t0)
        return d
    }

    /// Every ledger row names the body it was served with (id = hash of body, §3.1); one id
    /// never names two bodies; consecutive rows differ in id.
    static func expectLedgerInvariants(_ history: [MTASTSPolicyRecord], sourceLocation: SourceLocation = #_sourceLocation) throws {
        var bodies: [String: String] = [:]
        for (i, row) in history.enumerated() {
            let parsed = try MTASTSPolicy.parse(row.body)
            #expect(parsed.id == row.policyID && parsed.body == row.body, "row \(i)", sourceLocation: sourceLocation)
            #expect(parsed.mode == row.mode && parsed.maxAge == row.maxAge, sourceLocation: sourceLocation)
            if let known = bodies[row.policyID] { #expect(known == row.body, "id \(row.policyID) reused", sourceLocation: sourceLocation) }
            bodies[row.policyID] = row.body
            if i > 0 {
                #expect(history[i - 1].policyID != row.policyID || history[i - 1].servedUntil != row.servedFrom,
                        "a change without a new id at row \(i)", sourceLocation: sourceLocation)
            }
        }
        #expect(history.filter { $0.servedUntil == nil }.count <= 1, sourceLocation: sourceLocation)
    }

    /// C24, the whole sequence: P1 {enforce, mail.example.com, 604800} id A on day 0; on day 10
    /// the union P2 {mail.example.com, mx1.example.net} id B at once; P3 {mx1.example.net} id C
    /// only once P1 may have expired (day 10 + 604800 s); then removal: `mode: none` with a new
    /// id, withdrawn after the last max_age, the domain removed after the grace period.
    @Test func testC24FullSequenceUnionThenRemovalThenWindDown() throws {
        let t = try TestInventory()
        let inv = t.inventory
        let d = try Self.enforced(t)
        let a = try #require(try inv.policyHistory(d).last)
        #expect(a.mode == .enforce && a.maxAge == 604_800 && a.servedFrom == Self.t0)

        // Day 10: the union, at once, with a new id; the removal planned for day 10 + max_age.
        let day10 = Self.t0 + 10 * Self.day
        let result = try inv.planMXChange(d, add: [Self.mx("mx1.example.net")], remove: [Self.mx("mail.example.com")],
                                          actor: "ops", now: day10, reason: "MX move")
        #expect(result.oldPolicyID == a.policyID)
        #expect(result.unionPolicyID != a.policyID)
        #expect(result.domain.mxPatterns.map(\.text) == ["mail.example.com", "mx1.example.net"])
        let plan = try #require(result.plan)
        #expect(plan.removeAfter == day10 + 604_800)
        #expect(plan.switchMXAfter == day10 + 300)
        #expect(try inv.mxChangePlan(d) == plan)
        let b = try #require(try inv.policyHistory(d).last)
        #expect(b.policyID == result.unionPolicyID && b.body.contains("mx: mail.example.com\r\nmx: mx1.example.net\r\n"))

        // Not yet: nothing happens one second before the due time.
        #expect(try inv.runDueLifecycleSteps(now: plan.removeAfter - 1, actor: "clock").isEmpty)
        #expect(try inv.nextLifecycleStepTime() == plan.removeAfter)
        // Due: P3 without the old MX, id C.
        let steps = try inv.runDueLifecycleSteps(now: plan.removeAfter, actor: "clock")
        #expect(steps.map(\.kind) == [.mxPatternsRemoved])
        #expect(try inv.domain(d)?.mxPatterns.map(\.text) == ["mx1.example.net"])
        #expect(try inv.mxChangePlan(d) == nil)
        let c = try #require(try inv.policyHistory(d).last)
        #expect(Set([a.policyID, b.policyID, c.policyID]).count == 3)
        #expect(c.body == "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.net\r\nmax_age: 604800\r\n")
        #expect(try inv.runDueLifecycleSteps(now: plan.removeAfter + Self.day, actor: "clock").isEmpty)

        // Removal: mode none with a new id, served for the last max_age, then withdrawn.
        let leave = plan.removeAfter + Self.day
        let windDown = try inv.startWindDown(d, actor: "ops", now: leave, reason: "customer left")
        #expect(windDown.mtaSTSUntil == leave + 604_800)
        #expect(windDown.recordsUntil == leave + 30 * Self.day)
        let none = try #require(try inv.policyHistory(d).last)
        #expect(none.mode == .none && none.body == "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n")
        #expect(![a.policyID, b.policyID, c.policyID].contains(none.policyID))
        #expect(try inv.runDueLifecycleSteps(now: leave + 604_799, actor: "clock").isEmpty)
        #expect(try inv.runDueLifecycleSteps(now: leave + 604_800, actor: "clock").map(\.kind) == [.mtaSTSWithdrawn])
        #expect(try inv.policyHistory(d).last?.servedUntil == leave + 604_800)
        #expect(try inv.entry(d).domain.servedMTASTSPolicy(windDown: try inv.windDown(d)) == nil)
        #expect(try inv.runDueLifecycleSteps(now: windDown.recordsUntil - 1, actor: "clock").isEmpty)
        #expect(try inv.runDueLifecycleSteps(now: windDown.recordsUntil, actor: "clock").map(\.kind) == [.domainRemoved])
        #expect(try inv.domain(d) == nil)

        let actions = try inv.auditEntries(subject: d.text, limit: 1000).map(\.action)
        for expected: AuditAction in [.mxChangePlan, .mxChangeExecute, .domainWindDown, .mtaSTSWithdraw, .domainRemove] {
            #expect(actions.contains(expected), "audit lacks \(expected)")
        }
    }

    /// C24 invariants across the ledger of the sequence above and its bounds: body changed ⇔
    /// id changed; an id never names two bodies; max_age 0…31557600, larger refused.
    @Test func testC24MaxAgeBoundsAndLedgerInvariants() throws {
        let t = try TestInventory()
        let d = try Self.enforced(t)
        for bad in [31_557_601, -1] {
            let error = inventoryError {
                try t.inventory.setMTASTS(d, mode: .enforce, maxAge: .set(bad), actor: "test", now: Self.t0 + 1)
            }
            guard case .invalidValue(let argument, let value, let reason)? = error else {
                Issue.record("max_age \(bad) accepted: \(String(describing: error))")
                continue
            }
            #expect(argument == "--max-age" && value == String(bad) && reason.contains("31557600"))
        }
        try t.inventory.setMTASTS(d, mode: .enforce, maxAge: .set(31_557_600), actor: "test", now: Self.t0 + 2)
        try t.inventory.setMTASTS(d, mode: .testing, maxAge: .set(0), actor: "test", now: Self.t0 + 3)
        // Defaults by mode (RECORDS.md): testing 86400, enforce 604800.
        try t.inventory.setMTASTS(d, mode: .testing, maxAge: .cleared, actor: "test", now: Self.t0 + 4)
        #expect(try t.inventory.policyHistory(d).last?.maxAge == 86_400)
        try t.inventory.setMTASTS(d, mode: .enforce, actor: "test", now: Self.t0 + 5)
        #expect(try t.inventory.policyHistory(d).last?.maxAge == 604_800)
        // The same choices again: no new policy, no new id.
        let before = try t.inventory.policyHistory(d)
        try t.inventory.setMTASTS(d, mode: .enforce, actor: "test", now: Self.t0 + 6)
        #expect(try t.inventory.policyHistory(d) == before)
        try Self.expectLedgerInvariants(before)
    }

    /// The wait covers every policy served before, not only the last one (RFC 8461 §8.3: older
    /// policies may have a longer max_age): a year-long policy replaced by a one-day one a day
    /// ago still holds the removal back for a year.
    @Test func testC24RemovalWaitsForTheLongestCachedPolicy() throws {
        let t = try TestInventory()
        let d = try Self.enforced(t, maxAge: 31_557_600)
        try t.inventory.setMTASTS(d, mode: .enforce, maxAge: .set(86_400), actor: "test", now: Self.t0 + Self.day)
        let plan = try #require(try t.inventory.planMXChange(
            d, add: [Self.mx("mx1.example.net")], remove: [Self.mx("mail.example.com")], actor: "ops",
            now: Self.t0 + 2 * Self.day).plan)
        #expect(plan.removeAfter == Self.t0 + Self.day + 31_557_600)
        let windDown = try t.inventory.startWindDown(d, graceDays: 0, actor: "ops", now: Self.t0 + 3 * Self.day)
        #expect(windDown.mtaSTSUntil == Self.t0 + Self.day + 31_557_600)
        #expect(windDown.removeAt == windDown.mtaSTSUntil)
        // The wind-down cancelled the pending plan (the policy is mode none now).
        #expect(try t.inventory.mxChangePlan(d) == nil)
    }

    /// A pure removal (no --add) waits for the current policy's max_age.
    @Test func pureRemovalWaitsForTheCurrentPolicy() throws {
        let t = try TestInventory()
        let d = try Self.enforced(t)
        try t.inventory.setMTASTS(d, mode: .enforce, mxPatterns: [Self.mx("mail.example.com"), Self.mx("*.mx.example.net")],
                                  actor: "test", now: Self.t0)
        let result = try t.inventory.planMXChange(d, add: [], remove: [Self.mx("mail.example.com")], actor: "ops", now: Self.t0 + 100)
        #expect(result.unionPolicyID == result.oldPolicyID)
        #expect(result.plan?.removeAfter == Self.t0 + 100 + 604_800)
    }

    /// Pattern checks and refusals name the pattern and the reason.
    @Test func mxChangeRefusals() throws {
        let t = try TestInventory()
        let d = try Self.enforced(t)
        for (text, fragment) in [("192.0.2.25", "IP literals"), ("[2001:db8::1]", "IP literals"),
                                 ("*.*.example.net", "left-most"), ("mx.*.example.net", "left-most"), ("*.net", "two labels")] {
            #expect(throws: InventoryError.self) { try MXPattern(parsing: text, argument: "--add") }
            do {
                _ = try MXPattern(parsing: text, argument: "--add")
            } catch let error as InventoryError {
                #expect("\(error)".contains("'\(text)'") && "\(error)".contains(fragment), "\(error)")
            }
        }
        func refused(_ add: [String], _ remove: [String]) -> InventoryError? {
            inventoryError {
                try t.inventory.planMXChange(d, add: add.map(Self.mx), remove: remove.map(Self.mx), actor: "ops", now: Self.t0 + 1)
            }
        }
        #expect(refused([], []) != nil)
        #expect(refused(["mail.example.com"], [])?.description.contains("already a pattern") == true)
        #expect(refused(["mx1.example.net"], ["mx9.example.net"])?.description.contains("not a pattern") == true)
        #expect(refused([], ["mail.example.com"])?.description.contains("without mx patterns") == true)
        #expect(refused(["mx1.example.net"], ["mx1.example.net"]) != nil)
        // A pending plan blocks a second one and direct pattern edits, until cancelled.
        try t.inventory.planMXChange(d, add: [Self.mx("mx1.example.net")], remove: [Self.mx("mail.example.com")],
                                     actor: "ops", now: Self.t0 + 2)
        #expect(refused(["mx2.example.net"], [])?.code == "conflict")
        #expect(inventoryError {
            try t.inventory.setMTASTS(d, mode: .enforce, mxPatterns: [Self.mx("mx2.example.net")], actor: "ops", now: Self.t0 + 3)
        }?.code == "conflict")
        // The mode can still change while the plan waits.
        try t.inventory.setMTASTS(d, mode: .testing, actor: "ops", now: Self.t0 + 4)
        let cancelled = try t.inventory.cancelMXChange(d, actor: "ops", now: Self.t0 + 5)
        #expect(cancelled.removed.map(\.text) == ["mail.example.com"])
        #expect(try t.inventory.mxChangePlan(d) == nil)
        #expect(try t.inventory.domain(d)?.mxPatterns.map(\.text) == ["mail.example.com", "mx1.example.net"])
        #expect(inventoryError { try t.inventory.cancelMXChange(d, actor: "ops", now: Self.t0 + 6) }?.code == "conflict")
        // Not hosted or mode none: no plan.
        let other = try name("example.org")
        try t.inventory.addDomain(other, actor: "test", now: Self.t0)
        #expect(inventoryError {
            try t.inventory.planMXChange(other, add: [Self.mx("mx.example.org")], remove: [], actor: "ops", now: Self.t0)
        }?.code == "conflict")
        #expect(try t.inventory.auditEntries(subject: d.text, limit: 1000).map(\.action).contains(.mxChangeCancel))
    }

    /// Coverage of MX hosts by patterns (RFC 8461 §4.1): `*.` covers exactly one extra label.
    @Test func mxCoverage() throws {
        let patterns = [try Self.mx("mail.example.com"), try Self.mx("*.mx.example.net")]
        let hosts = ["MAIL.example.com.", "a.mx.example.net", "a.b.mx.example.net", "mx.example.net", "mail.example.com"]
        #expect(MXPattern.uncovered(hosts, by: patterns) == ["a.b.mx.example.net", "mx.example.net"])
    }

    /// Wind-down of a domain without MTA-STS: nothing to withdraw, removal after the grace; a
    /// restore in between serves the domain as before; the grace default is a setting.
    @Test func windDownWithoutMTASTSAndRestore() throws {
        let t = try TestInventory()
        let d = try name("example.net")
        try t.inventory.addDomain(d, actor: "test", now: Self.t0)
        try t.inventory.setWindDownGrace(days: 10, actor: "ops", now: Self.t0)
        #expect(try t.inventory.settings()?.windDownGraceDays == 10)
        #expect(inventoryError { try t.inventory.setWindDownGrace(days: 3651, actor: "ops", now: Self.t0) }?.code == "invalid-value")
        let w = try t.inventory.startWindDown(d, actor: "ops", now: Self.t0 + 1)
        #expect(w.mtaSTSUntil == nil && w.recordsUntil == Self.t0 + 1 + 10 * Self.day && w.removeAt == w.recordsUntil)
        #expect(inventoryError { try t.inventory.startWindDown(d, actor: "ops", now: Self.t0 + 2) }?.code == "conflict")
        let generation = try t.inventory.inventoryGeneration()
        try t.inventory.restoreDomain(d, actor: "ops", now: Self.t0 + 3)
        #expect(try t.inventory.inventoryGeneration() > generation, "a restore must reach herald serve")
        #expect(try t.inventory.windDown(d) == nil)
        #expect(try t.inventory.runDueLifecycleSteps(now: w.recordsUntil + 1, actor: "clock").isEmpty)
        #expect(try t.inventory.domain(d) != nil)
        try t.inventory.startWindDown(d, graceDays: 0, actor: "ops", now: Self.t0 + 4)
        #expect(try t.inventory.runDueLifecycleSteps(now: Self.t0 + 4, actor: "clock").map(\.kind) == [.domainRemoved])
        #expect(try t.inventory.domain(d) == nil)
        #expect(inventoryError { try t.inventory.startWindDown(d, graceDays: 4000, actor: "ops", now: Self.t0) }?.code == "invalid-value")
    }

    /// A restore during the `mode: none` phase serves the own policy again (its old id: the same
    /// body), and `removeDomain` without force refuses while a policy may be cached.
    @Test func restoreServesOwnPolicyAndImmediateRemovalNeedsForce() throws {
        let t = try TestInventory()
        let d = try Self.enforced(t)
        let own = try #require(try t.inventory.policyHistory(d).last)
        try t.inventory.startWindDown(d, actor: "ops", now: Self.t0 + 10)
        #expect(inventoryError { try t.inventory.removeDomain(d, actor: "ops", now: Self.t0 + 20) }?.code == "conflict")
        #expect(inventoryError { try t.inventory.setMTASTS(d, mode: .testing, actor: "ops", now: Self.t0 + 20) }?.code == "conflict",
                "a winding-down domain serves mode none whatever its own settings")
        try t.inventory.restoreDomain(d, actor: "ops", now: Self.t0 + 30)
        let history = try t.inventory.policyHistory(d)
        #expect(history.map(\.mode) == [.enforce, .none, .enforce])
        #expect(history.last?.policyID == own.policyID && history.last?.body == own.body)
        try Self.expectLedgerInvariants(history)
        try t.inventory.removeDomain(d, force: true, actor: "ops", now: Self.t0 + 40)
        #expect(try t.inventory.domain(d) == nil)
    }

    /// The id invariant as a property over random policy edits (seeded, reproducible): after
    /// every edit, the served policy's id changed exactly when its body did, and the ledger
    /// never names two bodies with one id.
    @Test(arguments: [1, 2, 3, 4, 5])
    func policyIdFollowsBodyOverRandomEdits(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let t = try TestInventory()
        let d = try Self.enforced(t)
        let pool = try ["mail.example.com", "mx1.example.net", "mx2.example.net", "*.mx.example.org", "backup.example.com"].map(Self.mx)
        var clock = Self.t0
        var previous = try t.inventory.entry(d).domain.servedMTASTSPolicy(windDown: nil)
        for _ in 0..<60 {
            clock += Int64(rng.next() % 200_000)
            let entry = try t.inventory.entry(d)
            switch rng.next() % 6 {
            case 0:
                let mode = [MTASTSMode.testing, .enforce, .none][Int(rng.next() % 3)]
                _ = try? t.inventory.setMTASTS(d, mode: mode, actor: "fuzz", now: clock)
            case 1:
                let ages = [0, 3600, 86_400, 604_800, 31_557_600]
                _ = try? t.inventory.setMTASTS(d, mode: entry.domain.mtaSTSMode ?? .testing,
                                               maxAge: .set(ages[Int(rng.next() % 5)]), actor: "fuzz", now: clock)
            case 2:
                let count = 1 + Int(rng.next() % 3)
                var chosen: [MXPattern] = []
                while chosen.count < count { let p = pool[Int(rng.next() % 5)]; if !chosen.contains(p) { chosen.append(p) } }
                _ = try? t.inventory.setMTASTS(d, mode: entry.domain.mtaSTSMode ?? .testing, mxPatterns: chosen, actor: "fuzz", now: clock)
            case 3:
                let add = pool.filter { !entry.domain.mxPatterns.contains($0) }.prefix(1)
                let remove = entry.domain.mxPatterns.prefix(1)
                _ = try? t.inventory.planMXChange(d, add: Array(add), remove: Array(remove), actor: "fuzz", now: clock)
            case 4:
                if entry.windDown == nil {
                    _ = try? t.inventory.startWindDown(d, graceDays: 400, actor: "fuzz", now: clock)
                } else {
                    _ = try? t.inventory.restoreDomain(d, actor: "fuzz", now: clock)
                }
            default:
                _ = try t.inventory.runDueLifecycleSteps(now: clock, actor: "fuzz")
            }
            guard try t.inventory.domain(d) != nil else { break }
            let now = try t.inventory.entry(d)
            let served = try now.domain.servedMTASTSPolicy(windDown: now.windDown)
            #expect((served?.body != previous?.body) == (served?.id != previous?.id))
            let open = try t.inventory.policyHistory(d).last.flatMap { $0.servedUntil == nil ? $0 : nil }
            #expect(open?.policyID == served?.id && open?.body == served?.body, "the ledger's open row is what is served")
            previous = served
        }
        try Self.expectLedgerInvariants(try t.inventory.policyHistory(d))
    }

    /// C26: several customer TLS-RPT URIs are kept in order (the repeated-option bug), duplicates
    /// refused, the list cleared as a whole.
    @Test func testC26SeveralTLSRPTURIsKeptInOrder() throws {
        let t = try TestInventory()
        let d = try name("example.com")
        var changes = DomainChanges()
        changes.tlsrptRUAs = .set([
            try ReportURI(parsing: "mailto:tls@example.com", argument: "--tlsrpt-rua", schemes: .mailtoOrHTTPS),
            try ReportURI(parsing: "https://tlsrpt.example.com/v1", argument: "--tlsrpt-rua", schemes: .mailtoOrHTTPS),
        ])
        try t.inventory.addDomain(d, changes: changes, actor: "test", now: Self.t0)
        #expect(try t.inventory.domain(d)?.tlsrptRUAs.map(\.description) == ["mailto:tls@example.com", "https://tlsrpt.example.com/v1"])
        #expect(try t.inventory.domains().first?.tlsrptRUAs.count == 2)
        var dup = DomainChanges()
        let uri = try ReportURI(parsing: "mailto:tls@example.com", argument: "--tlsrpt-rua", schemes: .mailtoOrHTTPS)
        dup.tlsrptRUAs = .set([uri, uri])
        #expect(inventoryError { try t.inventory.updateDomain(d, changes: dup, actor: "test", now: Self.t0) }?.code == "invalid-value")
        var clear = DomainChanges()
        clear.tlsrptRUAs = .cleared
        try t.inventory.updateDomain(d, changes: clear, actor: "test", now: Self.t0)
        #expect(try t.inventory.domain(d)?.tlsrptRUAs == [])
        // A bare address is refused with the fix named.
        let error = inventoryError { _ = try ReportURI(parsing: "tls@example.com", argument: "--tlsrpt-rua", schemes: .mailtoOrHTTPS) }
        #expect(error?.description.contains("mailto:tls@example.com") == true)
    }
}

/// A small seeded generator (SplitMix64), so random edits replay exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
