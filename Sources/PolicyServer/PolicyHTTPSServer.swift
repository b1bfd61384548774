import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import ServiceLifecycle

/// The MTA-STS policy web server (RFC 8461 §3.3): HTTPS with the certificate chosen by SNI from a
/// ``CertificateStore``, answers from a ``PolicyStore`` via ``PolicyResponder``.
///
/// Run it as a `Service` in the process's `ServiceGroup` (graceful shutdown on SIGTERM comes
/// from there). Binding to port 0 picks a free port; `onServerRunning` receives the bound port.
///
/// TLS: TLS 1.2 or later, HTTP/1.1. For each ClientHello, `sslContextCallback` asks the store
/// for the SNI name's pair; with no pair (or no SNI) the handshake fails. NIOSSL needs a
/// certificate in the base configuration, so the server holds an in-memory self-signed
/// certificate for `herald-no-certificate.invalid` (RFC 6761 §6.4) that is never presented:
/// every handshake either gets the SNI host's own pair or fails. No customer's certificate is
/// ever a fallback for another name.
public struct PolicyHTTPSServer: Service {
    /// The Hummingbird application doing the work.
    public let application: Application<PolicyResponder>

    /// An HTTPS server.
    /// - Parameters:
    ///   - host: address to bind (`127.0.0.1`, `::`, `0.0.0.0`).
    ///   - port: TCP port; 0 lets the kernel choose (read it from `onServerRunning`).
    ///   - store: the policies to serve.
    ///   - certificates: the SNI certificate source.
    ///   - logger: for server and per-request (debug) logs.
    ///   - onServerRunning: called once listening, with the bound port.
    /// - Throws: ``PolicyServerError/issueFailed(host:reason:)`` if the placeholder certificate
    ///   cannot be made, or a NIOSSL error for an unusable TLS configuration.
    public init(host: String, port: Int, store: PolicyStore, certificates: CertificateStore, logger: Logger,
                onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws {
        var tls = try Self.tlsConfiguration(certificates: certificates, logger: logger)
        tls.minimumTLSVersion = .tlsv12
        application = Application(
            responder: PolicyResponder(store: store),
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// An HTTPS server whose certificates are the pairs in `certificateDirectory`.
    public init(host: String, port: Int, store: PolicyStore, certificateDirectory: String, logger: Logger,
                onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws {
        try self.init(host: host, port: port, store: store,
                      certificates: CertificateStore(directory: certificateDirectory, logger: logger),
                      logger: logger, onServerRunning: onServerRunning)
    }

    private init(application: Application<PolicyResponder>) { self.application = application }

    /// A plain-HTTP server with the same routes (no TLS): for tests and for running behind a
    /// TLS-terminating proxy that preserves `Host`.
    public static func plainHTTP(host: String, port: Int, store: PolicyStore, logger: Logger,
                                 onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> PolicyHTTPSServer {
        PolicyHTTPSServer(application: Application(
            responder: PolicyResponder(store: store),
            server: .http1(),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger))
    }

    /// Serves until cancelled or gracefully shut down.
    public func run() async throws {
        try await application.run()
    }

    /// The server-side TLS configuration: a never-presented placeholder certificate plus the SNI
    /// callback that swaps in the requested host's pair or fails the handshake.
    static func tlsConfiguration(certificates: CertificateStore, logger: Logger) throws -> TLSConfiguration {
        let placeholderHost = "herald-no-certificate.invalid"
        let now = Date()
        let (certificatePEM, keyPEM) = try SelfSignedIssuer.makeCertificate(
            for: placeholderHost, notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400 * 365))
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)))
        configuration.applicationProtocols = ["http/1.1"]
        let chooseCertificate: NIOSSLContextCallback = { values, promise in
            do throws(PolicyServerError) {
                promise.succeed(try certificates.configurationOverride(forServerName: values.serverHostname))
            } catch {
                logger.debug("TLS handshake refused", metadata: ["error": .string(error.description)])
                promise.fail(error)
            }
        }
        configuration.sslContextCallback = chooseCertificate
        return configuration
    }
}
