import Inventory
import Logging
import ServiceLifecycle

/// Runs due MTA-STS lifecycle steps inside `herald serve` (issue 5): planned mx pattern
/// removals and wind-down withdrawals and removals (RFC 8461 §3.1, §8.3; field case C24).
///
/// Every ``checkInterval`` (or sooner, when the next step is due earlier) it reads when the next
/// step is due (a cheap read, so a step planned by another process is seen within the
/// interval) and, when one is, calls ``Inventory/runDueLifecycleSteps(now:actor:)``; the steps
/// bump the inventory's change
/// counter, so the ``ReloadService`` publishes their records within a second. The clock and
/// the wait are injected so tests run on a simulated clock; the wait ends on graceful shutdown.
public final class LifecycleService: Service, Sendable {
    let inventory: Inventory
    let logger: Logger
    let clock: @Sendable () -> Int64
    let sleep: @Sendable (Duration) async throws -> Void
    /// The longest wait between two checks.
    public let checkInterval: Duration

    /// - Parameters:
    ///   - inventory: where plans and wind-downs live.
    ///   - checkInterval: the longest wait between two checks (default 5 s).
    ///   - clock: Unix seconds now.
    ///   - sleep: waits for a duration (default `Task.sleep`); throws when cancelled.
    public init(inventory: Inventory, checkInterval: Duration = .seconds(5), logger: Logger,
                clock: @escaping @Sendable () -> Int64,
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.inventory = inventory
        self.checkInterval = checkInterval
        self.logger = logger
        self.clock = clock
        self.sleep = sleep
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            check()
            do {
                let wait = nextWait()
                try await cancelWhenGracefulShutdown { [sleep] in try await sleep(wait) }
            } catch {
                return
            }
        }
    }

    /// Runs the steps due now; returns them (also logged). A failure is logged and retried at
    /// the next check.
    @discardableResult
    public func check() -> [LifecycleStep] {
        do {
            let now = clock()
            // A cheap read first: most checks find nothing due and write nothing.
            guard let next = try inventory.nextLifecycleStepTime(), next <= now else { return [] }
            let steps = try inventory.runDueLifecycleSteps(now: now, actor: "herald serve (lifecycle)")
            for step in steps {
                logger.notice("lifecycle step", metadata: [
                    "domain": "\(step.domain.text)", "step": "\(step.kind.rawValue)", "detail": "\(step.detail)",
                ])
            }
            return steps
        } catch {
            logger.error("lifecycle check failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// The wait before the next check: ``checkInterval``, or less when a step is due sooner
    /// (at least one second).
    func nextWait() -> Duration {
        guard let next = try? inventory.nextLifecycleStepTime() else { return checkInterval }
        let seconds = max(1, next - clock())
        return min(checkInterval, .seconds(seconds))
    }
}
