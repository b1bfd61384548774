import Hummingbird
import Logging
import ServiceLifecycle

/// The plain-HTTP listener for ACME HTTP-01 challenges (`herald serve --http ADDR:PORT`),
/// answering through ``ACMEChallengeResponder`` (RFC 8555 §8.3); every other request gets `404`.
///
/// Run it as a `Service` in the process's `ServiceGroup`. Binding to port 0 picks a free port;
/// `onServerRunning` receives the bound port. The CA connects to port 80 of the validated name,
/// so in production this listens on `:80` (or behind a port forward to it).
public struct ACMEChallengeServer: Service {
    /// The Hummingbird application doing the work.
    public let application: Application<ACMEChallengeResponder>

    /// A challenge server.
    /// - Parameters:
    ///   - host: address to bind (`127.0.0.1`, `::`, `0.0.0.0`).
    ///   - port: TCP port; 0 lets the kernel choose.
    ///   - webroot: the directory lego writes `.well-known/acme-challenge/<token>` files under.
    ///   - logger: for server and per-request logs.
    ///   - onServerRunning: called once listening, with the bound port.
    public init(host: String, port: Int, webroot: String, logger: Logger,
                onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        application = Application(
            responder: ACMEChallengeResponder(webroot: webroot),
            server: .http1(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Serves until cancelled or gracefully shut down.
    public func run() async throws {
        try await application.run()
    }
}
