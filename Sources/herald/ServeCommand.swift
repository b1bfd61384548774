import ArgumentParser
import DNSAuthority
import DNSServer
import Foundation
import Inventory
import Logging
import Metrics
import PolicyServer
import Prometheus
import Reports
import ServiceLifecycle
import Synchronization
import ZonePublisher

/// `herald serve`: the authoritative DNS responder (UDP and TCP) and the HTTPS policy server,
/// publishing a new snapshot within a second of any inventory change.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve H and R over DNS (UDP+TCP) and MTA-STS policies over HTTPS.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("DNS listen address; port 0 picks a free port.", valueName: "ADDR:PORT"))
    var dns = "127.0.0.1:5353"

    @Option(name: .long, help: ArgumentHelp("HTTPS listen address for MTA-STS policies; 'off' disables.", valueName: "ADDR:PORT"))
    var https = "127.0.0.1:8443"

    @Option(name: .long, help: ArgumentHelp("Directory of <host>.crt/<host>.key pairs (SNI).", valueName: "DIR"))
    var certDir = "certs"

    @Flag(name: .long, help: "Demo mode: create a self-signed certificate for each hosted mta-sts.<domain> that has none, and announce MTA-STS with it. Never in production: sending MTAs reject self-signed certificates (RFC 8461 §3.3), so an enforce policy would stop mail.")
    var selfSigned = false

    @OptionGroup var certificateOptions: ServeCertificateOptions

    @Option(name: .long, help: ArgumentHelp("Largest UDP answer in octets (RFC 6891 §6.2.5).", valueName: "OCTETS"))
    var maxUdpPayload = 1232

    @Option(name: .long, help: ArgumentHelp("Write {\"dns_port\":…,\"https_port\":…} here once listening.", valueName: "PATH"))
    var readyFile: String?

    @Option(name: .long, help: ArgumentHelp("Scheduled refreshes read SPF trees from this zone file instead of DNS.", valueName: "FILE"))
    var offlineZone: String?

    @Option(name: .long, help: ArgumentHelp("Upstream resolver for scheduled refreshes (default: /etc/resolv.conf).", valueName: "IP[:PORT]"))
    var resolver: String?

    @Flag(name: .long, inversion: .prefixedNo, help: "Re-resolve senders' SPF trees on the inventory's refresh interval.")
    var refresh = true

    @Option(name: .long, help: ArgumentHelp("Log level (trace, debug, info, notice, warning, error).", valueName: "LEVEL"))
    var logLevel = "info"

    @Option(name: .long, help: ArgumentHelp("Serve Prometheus metrics over plain HTTP at http://ADDR:PORT/metrics (off by default).", valueName: "ADDR:PORT"))
    var metrics: String?

    @Flag(name: .long, inversion: .prefixedNo, help: "Response-rate limiting of UDP answers per client /24 (IPv6 /56) and response (RRL).")
    var rrl = true

    @Option(name: .long, help: ArgumentHelp("RRL: UDP responses per second per client prefix and response; also the burst.", valueName: "N"))
    var rrlRate = 200

    @Option(name: .long, help: ArgumentHelp("RRL: every Nth limited response is sent truncated (TC=1) so real clients retry over TCP; 0 drops all.", valueName: "N"))
    var rrlSlip = 2

    @Option(name: .long, help: ArgumentHelp("DNS event-loop threads, each with its own SO_REUSEPORT UDP socket (default: the CPUs this process may run on, so taskset is honoured).", valueName: "N"))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Keep the last published snapshot here and, on restart, answer from it at once while the inventory is read (default: <inventory>.image; 'off' disables).", valueName: "PATH"))
    var snapshotImage: String?

    @Flag(name: .long, help: "Log every DNS query at debug level (client, qname, qtype, rcode, transport); raises --log-level to debug.")
    var logQueries = false

    func run() async throws {
        let (dnsHost, dnsPort) = try Self.address(dns, option: "--dns")
        let httpsAddress = https == "off" ? nil : try Self.address(https, option: "--https")
        guard (512...65_535).contains(maxUdpPayload) else {
            throw ValidationError("--max-udp-payload '\(maxUdpPayload)': must be 512…65535")
        }
        let metricsAddress = try metrics.map { try Self.address($0, option: "--metrics") }
        guard (1...1_000_000).contains(rrlRate) else {
            throw ValidationError("--rrl-rate '\(rrlRate)': must be 1…1000000 responses per second")
        }
        guard (0...100).contains(rrlSlip) else {
            throw ValidationError("--rrl-slip '\(rrlSlip)': must be 0…100")
        }
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads '\(threads)': must be 1…256")
        }
        var logger = Logger(label: "herald")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var dnsLogger = logger
        if logQueries { dnsLogger.logLevel = min(dnsLogger.logLevel, .debug) }

        let inventory = try global.openInventory()
        let reference = SnapshotReference()
        let policies = try PolicyStore()
        try FileManager.default.createDirectory(atPath: certDir, withIntermediateDirectories: true)
        let certificates = CertificateStore(directory: certDir, logger: logger)
        let log = logger
        // C22: _mta-sts is announced only once mta-sts.D has a usable certificate (self-signed
        // ones count in demo mode only); ACME issuance, the challenge listener, static zones.
        let certificateWiring = try ServeCertificates.make(
            options: certificateOptions, certificates: certificates, certDir: certDir,
            selfSigned: selfSigned, resolver: resolver, logger: logger,
            onHTTPBound: { port in log.debug("http bound", metadata: ["port": "\(port)"]) })
        try certificateWiring.checkStaticZones(inventory: inventory)
        let imagePath = snapshotImage == "off" ? nil : (snapshotImage ?? global.databasePath + ".image")
        let reload = ReloadService(inventory: inventory, logger: logger, clock: { Int64(Date().timeIntervalSince1970) },
                                   additions: certificateWiring.additions, imagePath: imagePath) { snapshot in
            // Body before id (RFC 8461 §8.1): the HTTPS store first, then the zones.
            do { try policies.replace(with: snapshot.policies) } catch {
                log.error("policies not published", metadata: ["error": "\(error)"])
            }
            reference.publish(snapshot.zones)
        }
        // Only the banner's facts outlive the first build: the snapshot's record list goes now
        // and the build's transient memory is handed back before serving.
        let origins = try await { () async throws -> String in
            let first = try await reload.initialSnapshot()
            // H and R share the snapshot's serial; a static zone has its file's own.
            let settings = try inventory.settings()
            let built = Set([settings?.hostedZone.text, settings?.reportZone.text].compactMap { $0 }
                .map { $0.hasSuffix(".") ? $0.lowercased() : $0.lowercased() + "." })
            let zones = first.zones.zones
            let isBuilt = { (zone: Zone) in built.contains(zone.origin.description.lowercased()) }
            var text = zones.filter(isBuilt).map(\.origin.description).joined(separator: ", ") + " serial \(first.serial)"
            let statics = zones.filter { !isBuilt($0) }.map { "\($0.origin) (serial \($0.serial))" }
            if !statics.isEmpty { text += "; static zones " + statics.joined(separator: ", ") }
            return text
        }()
        ReloadService.returnFreeMemory()

        let responder = Responder(configuration: ResponderConfiguration(maxUDPPayload: maxUdpPayload))
        var metricsEndpoint: PrometheusEndpoint?
        let dnsMetrics: DNSServerMetrics
        if let (host, port) = metricsAddress {
            let registry = PrometheusCollectorRegistry()
            let factory = PrometheusEndpoint.metricsFactory(registry: registry)
            MetricsSystem.bootstrap(factory)
            dnsMetrics = DNSServerMetrics(factory: factory)
            metricsEndpoint = PrometheusEndpoint(host: host, port: port, registry: registry, logger: logger) { bound in
                log.info("metrics listening", metadata: ["address": "\(host):\(bound)"])
            }
        } else {
            dnsMetrics = DNSServerMetrics()
        }
        let dnsServer = DNSServer(
            configuration: DNSServerConfiguration(
                host: dnsHost, port: dnsPort,
                threads: threads ?? DNSServerConfiguration.availableCores,
                rateLimit: rrl ? RateLimit(responsesPerSecond: rrlRate, slip: rrlSlip) : nil,
                queryLogging: logQueries),
            handler: SnapshotQueryHandler(responder: responder, reference: reference), logger: dnsLogger,
            metrics: dnsMetrics)
        let boundDNS = try await dnsServer.start()
        let ready = ReadyFile(path: readyFile, dnsPort: boundDNS, expectHTTPS: httpsAddress != nil)

        var services: [any Service] = [dnsServer, reload]
        services += certificateWiring.services
        if let metricsEndpoint { services.append(metricsEndpoint) }
        // Issue 6: DMARC autopilot (idle unless a domain opted in with 'herald dmarc autopilot D on').
        services.append(AutopilotService(inventory: inventory, logger: logger, clock: { Int64(Date().timeIntervalSince1970) }))
        if refresh {
            let (zone, upstream) = (offlineZone, resolver)
            _ = try BuildCommand.upstream(offlineZone: zone, resolver: upstream)  // fail fast on a bad flag
            services.append(RefreshService(
                publisher: Publisher(inventory: inventory), logger: logger,
                clock: { Int64(Date().timeIntervalSince1970) },
                source: { try BuildCommand.upstream(offlineZone: zone, resolver: upstream) }))
        }
        // MTA-STS lifecycle: planned mx removals and wind-downs when due (RFC 8461 §8.3).
        services.append(LifecycleService(inventory: inventory, logger: logger, clock: { Int64(Date().timeIntervalSince1970) }))
        if let (host, port) = httpsAddress {
            let server = try PolicyHTTPSServer(host: host, port: port, store: policies, certificates: certificates, logger: logger) { bound in
                log.info("https listening", metadata: ["address": "\(host):\(bound)"])
                ready.httpsBound(bound)
            }
            services.append(server)
        }
        // The banner is printed once every listener is bound, with the bound ports (port 0
        // asked for means a kernel-chosen one).
        ready.onReady { dnsPort, httpsPort in
            let httpsText = httpsPort.map { ", https \(httpsAddress?.0 ?? ""):\($0)" } ?? ""
            FileHandle.standardOutput.write(Data("herald: serving \(origins) on dns \(dnsHost):\(dnsPort)\(httpsText)\n".utf8))
        }
        ready.dnsBound()
        // A service that fails or returns early (e.g. the HTTPS listener cannot bind) shuts the
        // whole group down gracefully, so serve exits instead of running half-started; plain
        // cancellation would wait on services that only honour graceful shutdown.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map {
                    ServiceGroupConfiguration.ServiceConfiguration(
                        service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch {
            if let (host, port) = httpsAddress, !ready.httpsIsBound {
                throw ServeListenError(option: "--https", address: "\(host):\(port)", underlying: error)
            }
            throw error
        }
    }

    /// Splits `ADDR:PORT` (`127.0.0.1:53`, `[::1]:53`, `:53` = all IPv4 addresses).
    static func address(_ text: String, option: String) throws -> (String, Int) {
        var host: Substring
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(after: close)...].dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            throw ValidationError("\(option) '\(text)': expected ADDR:PORT")
        }
        if host.isEmpty { host = "0.0.0.0" }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw ValidationError("\(option) '\(text)': port must be 0…65535")
        }
        return (String(host), port)
    }
}

/// Writes the ready file once every listener is bound, so tests and scripts can poll for it.
final class ReadyFile: Sendable {
    let path: String?
    let dnsPort: Int
    let expectHTTPS: Bool
    private let state = Mutex<(dns: Bool, https: Int?, announced: Bool)>((false, nil, false))
    private let announce = Mutex<(@Sendable (Int, Int?) -> Void)?>(nil)

    init(path: String?, dnsPort: Int, expectHTTPS: Bool) {
        self.path = path
        self.dnsPort = dnsPort
        self.expectHTTPS = expectHTTPS
    }

    /// Called once, when every expected listener is bound, with the DNS and HTTPS ports.
    func onReady(_ body: @escaping @Sendable (Int, Int?) -> Void) { announce.withLock { $0 = body } }
    func dnsBound() { state.withLock { $0.dns = true }; writeIfReady() }
    func httpsBound(_ port: Int) { state.withLock { $0.https = port }; writeIfReady() }
    /// Whether the HTTPS listener has reported its bound port.
    var httpsIsBound: Bool { state.withLock { $0.https != nil } }

    private func writeIfReady() {
        let (dns, https, first) = state.withLock { s -> (Bool, Int?, Bool) in
            let complete = s.dns && (!expectHTTPS || s.https != nil)
            let first = complete && !s.announced
            if first { s.announced = true }
            return (s.dns, s.https, first)
        }
        guard dns, !expectHTTPS || https != nil else { return }
        if first, let body = announce.withLock({ $0 }) { body(dnsPort, https) }
        guard let path else { return }
        let json = "{\"dns_port\":\(dnsPort),\"https_port\":\(https.map(String.init) ?? "null")}\n"
        let tmp = path + ".tmp"
        try? json.write(toFile: tmp, atomically: false, encoding: .utf8)
        rename(tmp, path)
    }
}

/// A listener `herald serve` was asked for could not be opened; names the option and address.
struct ServeListenError: Error, CustomStringConvertible {
    let option: String
    let address: String
    let underlying: any Error

    var description: String { "\(option) '\(address)': cannot listen: \(underlying)" }
}
