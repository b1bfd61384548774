import GRDB
import Inventory
import Logging
import RecordBuilder

/// The DMARC autopilot: for every domain that opted in (`herald dmarc autopilot D on`), one
/// evaluation per ``tick(now:)``.
///
/// - Rolls back one stage when, over the reports of the last 2 days that ended after the current
///   stage began (``ReadinessAnalyzer/rollbackWindow``), approved senders sent at least the
///   minimum volume and their DMARC pass rate is below the rollback threshold (default 90 %).
///   Evidence from before the stage change does not count, so one bad day causes one step
///   back; a failure that persists in the next day's reports causes another.
/// - Otherwise advances one stage when the dwell has passed and the evidence gate holds (reports
///   exist for the window, ≥ minimum volume, pass rate ≥ threshold, default 98 %). Without
///   reports the autopilot never advances: moving on dwell alone is an operator's decision.
///
/// Every move goes through ``Inventory/advance(_:force:reason:actor:now:gate:)`` or
/// ``Inventory/rollback(_:reason:actor:now:)`` and so writes the usual audit row, with the
/// numbers in its reason (and, for an advance, the gate's summary in `after.evidence`).
public struct Autopilot: Sendable {
    /// Audit actor of autopilot moves.
    public static let actor = "herald serve (autopilot)"

    /// The inventory.
    public let inventory: Inventory
    /// Logger for moves and errors.
    public let logger: Logger

    /// Creates an autopilot.
    public init(inventory: Inventory, logger: Logger = Logger(label: "herald.autopilot")) {
        self.inventory = inventory
        self.logger = logger
    }

    /// The domains that opted in, by name.
    public func enrolledDomains() throws -> [InventoryName] {
        try ReportSettingsStore.mapErrors {
            try inventory.pool.read { db in
                try String.fetchAll(db, sql: """
                    SELECT d.name FROM domain_report_options o JOIN domains d ON d.id = o.domain_id
                    WHERE o.autopilot = 1 ORDER BY d.name
                    """)
            }
        }.map { try InventoryName(parsing: $0, argument: "domain") }
    }

    /// Evaluates every enrolled domain at `now` and makes the moves the evidence calls for.
    ///
    /// A domain whose evaluation or move fails is logged and skipped; the others go on.
    /// - Returns: the moves made, in domain order.
    @discardableResult
    public func tick(now: Int64) -> [AutopilotMove] {
        let domains: [InventoryName]
        do { domains = try enrolledDomains() } catch {
            logger.error("autopilot: cannot list domains", metadata: ["error": "\(error)"])
            return []
        }
        var moves: [AutopilotMove] = []
        for domain in domains {
            do {
                if let move = try evaluate(domain, now: now) { moves.append(move) }
            } catch {
                logger.error("autopilot: domain not evaluated", metadata: ["domain": "\(domain)", "error": "\(error)"])
            }
        }
        return moves
    }

    /// Evaluates one domain and makes at most one move.
    ///
    /// - Returns: the move made, or `nil`.
    public func evaluate(_ domain: InventoryName, now: Int64) throws -> AutopilotMove? {
        let readiness = try ReadinessAnalyzer(inventory: inventory).readiness(domain, now: now)
        if readiness.shouldRollBack, let previous = readiness.stage.previous {
            let evidence = readiness.sinceStage
            let reason = "autopilot rollback: approved senders \(Format.percent(evidence.passRate)) DMARC pass "
                + "(\(Format.count(evidence.approvedPassing)) of \(Format.count(evidence.approvedMessages)) messages in the last "
                + "2 days at '\(readiness.stage.rawValue)') is below \(Format.percent(readiness.thresholds.rollbackPassRate))"
                + Self.culprits(readiness)
            let transition = try inventory.rollback(domain, reason: reason, actor: Self.actor, now: now)
            logger.notice("autopilot rolled back", metadata: [
                "domain": "\(domain)", "from": "\(transition.from.rawValue)", "to": "\(transition.to.rawValue)",
                "pass_rate": "\(evidence.passRate)", "messages": "\(evidence.approvedMessages)",
            ])
            assert(transition.to == previous)
            return AutopilotMove(domain: domain.text, from: transition.from, to: transition.to, direction: .rollback, at: now,
                                 evidence: evidence, reason: reason)
        }
        guard readiness.canAdvance, readiness.gate.applies, readiness.gate.holds else { return nil }
        let reason = "autopilot advance: dwell met; \(readiness.gate.summary)"
        let transition: StageTransition
        do {
            transition = try inventory.advance(domain, reason: reason, actor: Self.actor, now: now,
                                               gate: ReadinessAnalyzer.stageGate)
        } catch InventoryError.stageChangeRefused(_, let why) {
            logger.info("autopilot: advance refused", metadata: ["domain": "\(domain)", "reason": "\(why)"])
            return nil
        }
        logger.notice("autopilot advanced", metadata: [
            "domain": "\(domain)", "from": "\(transition.from.rawValue)", "to": "\(transition.to.rawValue)",
            "pass_rate": "\(readiness.gate.passRate)", "messages": "\(readiness.gate.approvedMessages)",
        ])
        return AutopilotMove(domain: domain.text, from: transition.from, to: transition.to, direction: .advance, at: now,
                             evidence: readiness.gate, reason: reason)
    }

    /// `; failing: Twilio SendGrid 0.0 % of 250` for the approved senders below the rollback
    /// threshold in the rollback window.
    static func culprits(_ r: DomainReadiness) -> String {
        let failing = r.sinceStageSenders.filter { $0.messages > 0 && $0.passRate < r.thresholds.rollbackPassRate }
        guard !failing.isEmpty else { return "" }
        return "; failing: " + failing.map {
            "\($0.displayName) \(Format.percent($0.passRate)) of \(Format.count($0.messages))"
        }.joined(separator: ", ")
    }
}
