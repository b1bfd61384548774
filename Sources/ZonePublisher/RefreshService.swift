import Inventory
import Logging
import RecordBuilder
import ServiceLifecycle

/// Re-resolves every sender's SPF tree on a schedule inside `herald serve` (issue 3).
///
/// Each refresh is one ``Publisher/build(source:only:now:progress:)`` run: one flattener and one
/// upstream cache shared by all domains, so each upstream name is asked once per refresh. The
/// interval is the inventory's `refresh_interval` (default 3600 s), re-read before each wait; a
/// failed domain keeps its last good records (RFC 7208 §2.6.6), and a refresh that fails as a
/// whole is logged and retried at the next interval. Results are written to the inventory, whose
/// change counter then wakes the ``ReloadService``.
public final class RefreshService: Service, Sendable {
    let publisher: Publisher
    let source: @Sendable () throws -> any UpstreamSource
    let logger: Logger
    let clock: @Sendable () -> Int64
    let defaultInterval: Duration

    /// - Parameters:
    ///   - publisher: builds and stores the records.
    ///   - source: makes the upstream source for one refresh (a fresh cache each time).
    ///   - defaultInterval: used when the inventory has no interval setting.
    ///   - clock: Unix seconds, stored as build times.
    public init(
        publisher: Publisher, defaultInterval: Duration = .seconds(3600), logger: Logger,
        clock: @escaping @Sendable () -> Int64, source: @escaping @Sendable () throws -> any UpstreamSource
    ) {
        self.publisher = publisher
        self.defaultInterval = defaultInterval
        self.logger = logger
        self.clock = clock
        self.source = source
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                // An hour-long wait must not hold up SIGTERM: graceful shutdown cancels it.
                let wait = interval()
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                return
            }
            await refresh()
        }
    }

    /// One refresh now; returns the outcomes (also logged).
    @discardableResult
    public func refresh() async -> [DomainBuildOutcome] {
        let started = ContinuousClock.now
        do {
            let outcomes = try await publisher.build(source: try source(), now: clock(), actor: "herald serve (scheduled refresh)")
            var failed = 0
            for o in outcomes {
                if case .failed(let message, let temporary, let kept) = o.status {
                    failed += 1
                    logger.warning("build failed; last good records stay published", metadata: [
                        "domain": "\(o.domain)", "temporary": "\(temporary)", "kept_last_good": "\(kept)", "error": "\(message)",
                    ])
                }
            }
            logger.info("scheduled refresh done", metadata: [
                "domains": "\(outcomes.count)", "failed": "\(failed)", "duration": "\(ContinuousClock.now - started)",
            ])
            return outcomes
        } catch {
            logger.error("scheduled refresh failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// The inventory's `refresh_interval` (60…86,400 s), else the default.
    func interval() -> Duration {
        guard let seconds = (try? publisher.inventory.settings())??.refreshInterval, seconds > 0 else { return defaultInterval }
        return .seconds(seconds)
    }
}
