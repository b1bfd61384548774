import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging

/// Posts each ``AutopilotMove`` as JSON to the operator's webhook (`herald reports settings
/// --webhook URL`). Failures are logged and never block or undo a move.
///
/// Body: `{"event":"dmarc.stage","domain":…,"from":…,"to":…,"direction":"advance"|"rollback",
/// "at":…,"evidence":{…},"reason":…}`, `Content-Type: application/json`, 10 s timeout.
public struct WebhookNotifier: Sendable {
    /// The endpoint.
    public let url: URL
    /// Logger for failures.
    public let logger: Logger

    /// Creates a notifier.
    public init(url: URL, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    struct Body: Encodable {
        var event = "dmarc.stage"
        var move: AutopilotMove
        func encode(to encoder: Encoder) throws {
            try move.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(event, forKey: .event)
        }
        enum Key: String, CodingKey { case event }
    }

    /// The request body for `move`.
    public static func body(for move: AutopilotMove) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Body(move: move))
    }

    /// Sends `move`; returns `true` on a 2xx answer. Never throws.
    @discardableResult
    public func notify(_ move: AutopilotMove) async -> Bool {
        do {
            var request = URLRequest(url: url, timeoutInterval: 10)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try Self.body(for: move)
            let (_, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard (200..<300).contains(status) else {
                logger.warning("autopilot webhook answered \(status)", metadata: ["url": "\(url)", "domain": "\(move.domain)"])
                return false
            }
            return true
        } catch {
            logger.warning("autopilot webhook failed", metadata: ["url": "\(url)", "domain": "\(move.domain)", "error": "\(error)"])
            return false
        }
    }
}
