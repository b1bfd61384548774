import Foundation
import Inventory
import Logging
import ServiceLifecycle

/// Runs the ``Autopilot`` inside `herald serve` (a swift-service-lifecycle `Service`): one tick
/// every `report_settings.autopilot_interval` seconds (default 3600, re-read before each wait),
/// ending promptly on graceful shutdown. Each move is posted to the webhook when one is set.
public final class AutopilotService: Service, Sendable {
    let autopilot: Autopilot
    let clock: @Sendable () -> Int64
    let logger: Logger
    let notify: (@Sendable (AutopilotMove) async -> Void)?

    /// - Parameters:
    ///   - clock: Unix seconds (injected; tests drive ``Autopilot/tick(now:)`` directly).
    ///   - notify: replaces the webhook (tests); `nil` posts to the configured webhook, if any.
    public init(inventory: Inventory, logger: Logger, clock: @escaping @Sendable () -> Int64,
                notify: (@Sendable (AutopilotMove) async -> Void)? = nil) {
        self.autopilot = Autopilot(inventory: inventory, logger: logger)
        self.clock = clock
        self.logger = logger
        self.notify = notify
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let wait = interval()
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                return
            }
            await runOnce()
        }
    }

    /// One tick now, then the notifications; returns the moves.
    @discardableResult
    public func runOnce() async -> [AutopilotMove] {
        let moves = autopilot.tick(now: clock())
        guard !moves.isEmpty else { return moves }
        if let notify {
            for move in moves { await notify(move) }
        } else if let text = (try? ReportSettingsStore(inventory: autopilot.inventory).settings())?.webhookURL,
                  let url = URL(string: text) {
            let notifier = WebhookNotifier(url: url, logger: logger)
            for move in moves { await notifier.notify(move) }
        }
        return moves
    }

    func interval() -> Duration {
        let seconds = (try? ReportSettingsStore(inventory: autopilot.inventory).settings())?.autopilotInterval ?? 3600
        return .seconds(max(60, seconds))
    }
}
