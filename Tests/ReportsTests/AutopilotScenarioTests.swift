import Foundation
import Inventory
import RecordBuilder
import ServiceLifecycle
import Synchronization
import Testing
@testable import Reports

/// The scenario of issue 6 on a simulated clock: good reports move a domain up the whole
/// ladder, a sender that starts failing moves it one stage back, and the fix lets it climb again.
struct AutopilotScenarioTests {
    static let t0 = ReportsWorld.t0, day = ReportsWorld.day

    /// One day of reports from two receivers; `sendgridPasses` decides SendGrid's DKIM result.
    static func reports(day index: Int, sendgridPasses: Bool) -> [(String, Data)] {
        let begin = t0 + Int64(index) * day, end = begin + day - 1
        return [
            ("google-\(index).xml", aggregateXML(org: "google.com", id: "g-\(index)", begin: begin, end: end, rows: [
                Row(ip: "192.0.2.10", count: 600, dkim: true, spf: true, dkimDomain: "example.com"),
                Row(ip: "198.51.100.20", count: 150, dkim: sendgridPasses, spf: false, dkimDomain: sendgridPasses ? "example.com" : "sendgrid.net"),
                Row(ip: "198.51.100.7", count: 30, dkim: false, spf: false),   // spoofing: unknown, does not block
            ])),
            ("ms-\(index).xml", aggregateXML(org: "Enterprise Outlook", id: "m-\(index)", begin: begin, end: end, rows: [
                Row(ip: "192.0.2.11", count: 300, dkim: true, spf: true),
                Row(ip: "198.51.100.21", count: 100, dkim: sendgridPasses, spf: false),
            ])),
        ]
    }

    @Test func testLadderClimbsOnGoodReportsAndStepsBackWhenASenderFails() async throws {
        let world = try ReportsWorld()
        let d = try name("example.com")
        try ReportSettingsStore(inventory: world.inventory).setOptions(d, DomainReportOptions(autopilot: true), actor: "t", now: Self.t0)
        let moves = Mutex<[AutopilotMove]>([])
        let clock = Mutex<Int64>(Self.t0)
        let service = AutopilotService(inventory: world.inventory, logger: .init(label: "test"), clock: { clock.withLock { $0 } },
                                       notify: { move in moves.withLock { $0.append(move) } })
        var stageByDay: [Int: DMARCStage] = [:]
        var failingFrom: Int?
        for dayIndex in 0..<80 {
            // SendGrid breaks on day 50 (the domain is at reject by then) and is fixed the next day.
            let passes = dayIndex != 50
            if !passes && failingFrom == nil { failingFrom = dayIndex }
            let paths = try Self.reports(day: dayIndex, sendgridPasses: passes).map { try world.write($0.0, $0.1) }
            _ = try world.ingest(paths, now: Self.t0 + Int64(dayIndex + 1) * Self.day)
            clock.withLock { $0 = Self.t0 + Int64(dayIndex + 1) * Self.day + 3600 }   // an hour after the day's reports
            await service.runOnce()
            stageByDay[dayIndex] = try #require(try world.inventory.domain(d)).stage
        }
        let all = moves.withLock { $0 }
        let path = all.map { "\($0.direction.rawValue):\($0.to.rawValue)" }
        try #require(all.count >= 6, "moves: \(path)")
        #expect(Array(path.prefix(5)) == ["advance:quarantine-test", "advance:quarantine", "advance:reject-test", "advance:reject",
                                          "rollback:reject-test"])
        // Dwell times: 14d at monitor, then 7, 14, 7 (each counted from the move, evaluated daily).
        #expect(all[0].at == Self.t0 + 14 * Self.day + 3600)
        #expect(all[1].at - all[0].at == 7 * Self.day)
        #expect(all[2].at - all[1].at == 14 * Self.day)
        #expect(all[3].at - all[2].at == 7 * Self.day)
        #expect(stageByDay[41] == .reject)
        // The first failing day's reports trigger the step back the same evening.
        #expect(all[4].at == Self.t0 + 51 * Self.day + 3600)
        #expect(all[4].evidence.passRate < 0.90)
        #expect(all[4].reason.hasSuffix("is below 90.0 %; failing: Twilio SendGrid 50.0 % of 500"))
        // Fixed: the ladder is climbed again once the window's evidence is good and the dwell has passed.
        #expect(stageByDay[79] == .reject)
        #expect(path == ["advance:quarantine-test", "advance:quarantine", "advance:reject-test", "advance:reject",
                         "rollback:reject-test", "advance:reject"])
        // Back at reject-test it waits the dwell (7 d) and for a window that passes the gate again.
        #expect(all[5].at - all[4].at == 7 * Self.day)
        #expect(all[5].evidence.passRate >= 0.98)
        // Every move is audit-logged by the autopilot with its numbers.
        let audit = try world.inventory.auditEntries(subject: "example.com", limit: 100)
            .filter { $0.actor == Autopilot.actor }
        #expect(audit.count == all.count)
        #expect(audit.allSatisfy { ($0.reason ?? "").contains("DMARC pass") })
        #expect(audit.contains { $0.action == .dmarcRollback && ($0.reason ?? "").hasPrefix("autopilot rollback: approved senders") })
    }

    @Test func testAutopilotOffOrWithoutReportsNeverMoves() throws {
        let world = try ReportsWorld()
        let d = try name("example.com")
        let autopilot = Autopilot(inventory: world.inventory)
        // Reports are good but the domain has not opted in.
        _ = try world.ingest(try (0..<14).flatMap { try Self.reports(day: $0, sendgridPasses: true).map { try world.write($0.0, $0.1) } })
        #expect(autopilot.tick(now: Self.t0 + 30 * Self.day).isEmpty)
        // Opted in, but another domain without reports stays put even after its dwell.
        try world.inventory.addDomain(try name("example.org"), actor: "t", now: Self.t0)
        try ReportSettingsStore(inventory: world.inventory).setOptions(try name("example.org"), DomainReportOptions(autopilot: true),
                                                                       actor: "t", now: Self.t0)
        #expect(autopilot.tick(now: Self.t0 + 30 * Self.day).isEmpty)
        #expect(try world.inventory.domain(d)?.stage == .monitor)
    }

    @Test func testWebhookBodyCarriesTheEvidence() throws {
        let move = AutopilotMove(domain: "example.com", from: .quarantine, to: .rejectTest, direction: .advance, at: 42,
                                 evidence: GateEvaluation(applies: true, approvedMessages: 1000, approvedPassing: 990, threshold: 0.98,
                                                          minMessages: 100, windowDays: 14),
                                 reason: "autopilot advance")
        let text = String(decoding: try WebhookNotifier.body(for: move), as: UTF8.self)
        #expect(text.hasPrefix(#"{"at":42,"direction":"advance","domain":"example.com","event":"dmarc.stage""#)
                || text.contains(#""event":"dmarc.stage""#))
        #expect(text.contains(#""from":"quarantine""#) && text.contains(#""to":"reject-test""#))
        #expect(text.contains(#""pass_rate":0.99"#) && text.contains(#""approved_messages":1000"#))
    }
}

/// The service inside `herald serve`: ends promptly on graceful shutdown.
struct AutopilotServiceTests {
    @Test func testServiceEndsOnGracefulShutdown() async throws {
        let world = try ReportsWorld()
        let service = AutopilotService(inventory: world.inventory, logger: .init(label: "test"), clock: { ReportsWorld.t0 })
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: .init(label: "test")))
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await Task.yield()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        // The wait is an hour (the default interval): ending well before it means the shutdown
        // cancelled it. The bound is loose on purpose: a loaded 2-core machine running every
        // suite in parallel has been seen to take 32 s to schedule this test's tasks.
        #expect(ContinuousClock.now - started < .seconds(600))
    }
}
