import ArgumentParser
import DNSAuthority
import DNSCore
import Foundation
import Inventory
import Logging
import PolicyServer
import ServiceLifecycle
import Synchronization
import ZonePublisher

/// `herald serve` options for certificates (ACME, RFC 8555) and static zones (issue 5).
struct ServeCertificateOptions: ParsableArguments {
    @Flag(name: .long, help: "Obtain and renew a certificate for every mta-sts.<domain> by ACME (lego, HTTP-01).")
    var acme = false

    @OptionGroup var acmeOptions: ACMEOptions

    @Option(name: .long, help: ArgumentHelp("Plain-HTTP listener for ACME HTTP-01 challenges (serves only /.well-known/acme-challenge/; use :80).", valueName: "ADDR:PORT"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("Also serve every <name>.zone RFC 1035 file in this directory (reloaded when files change).", valueName: "DIR"))
    var zones: String?
}

/// The certificate and static-zone wiring of `herald serve`: the C22 announcement gate, the
/// self-signed (demo) or ACME issuance, the challenge listener and the static zones.
struct ServeCertificates: Sendable {
    /// The gate (field case C22).
    let availability: CertificateAvailability
    /// What the reload loop adds to each snapshot.
    let additions: SnapshotAdditions
    /// Services to run next to the servers (challenge listener, renewal loop).
    let services: [any Service]
    /// Static zones, checked at start.
    let staticZones: StaticZoneDirectory?

    /// Wires everything.
    /// - Parameters:
    ///   - selfSigned: issue self-signed certificates (demo mode); they then count for the gate.
    ///   - onHTTPBound: receives the challenge listener's bound port.
    static func make(options: ServeCertificateOptions, certificates: CertificateStore, certDir: String, selfSigned: Bool,
                     resolver: String?, logger: Logger,
                     onHTTPBound: @escaping @Sendable (Int) -> Void) throws -> ServeCertificates {
        let availability = CertificateAvailability(store: certificates, allowSelfSigned: selfSigned, refreshNow: false)
        // The issuer decides from the store's per-file cache: each pair is read once per change.
        let issuer = selfSigned ? SelfSignedIssuer(store: certificates) : nil
        let targets = PolicyTargetsBox()
        let staticZones = options.zones.map { StaticZoneDirectory(directory: $0, logger: logger) }
        if let directory = options.zones {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--zones '\(directory)': not a directory")
            }
        }
        let log = logger
        let generation: @Sendable () -> UInt64 = {
            var hasher = Hasher()
            hasher.combine(availability.generation)
            hasher.combine(staticZones?.generation())
            return UInt64(bitPattern: Int64(hasher.finalize()))
        }
        var zonesSource: (@Sendable ([DNSName]) throws -> [Zone])? = nil
        if let staticZones {
            zonesSource = { served in try staticZones.zones(servedZones: served) }
        }
        let announces: @Sendable (String) -> Bool = { availability.isCovered($0) }
        let observe: @Sendable (SnapshotAdditions.PolicyTargets) -> Void = { wanted in
            if let issuer {
                do { _ = try issuer.ensureCertificates(for: wanted.hosts) } catch {
                    log.error("self-signed certificate not issued", metadata: ["error": "\(error)"])
                }
                availability.refresh()
            }
            targets.update(wanted)
        }
        // The certificate directory is first read by the reload service before its first
        // build (after a snapshot image is already answering), not here.
        let additions = SnapshotAdditions(generation: generation, staticZones: zonesSource,
                                          announcesPolicy: announces, observePolicyTargets: observe,
                                          prepare: { availability.refresh() })

        var services: [any Service] = []
        var manager: CertificateManager?
        let webroot: String
        if options.acme {
            let configuration = try options.acmeOptions.configuration(certificateDirectory: certDir)
            webroot = configuration.webroot
            manager = CertificateManager(
                configuration: configuration, store: certificates,
                resolver: try UpstreamPolicyHostResolver.make(resolver: resolver), logger: logger,
                onInstalled: { _ in availability.refresh() })
            if options.http == nil {
                logger.notice("--acme without --http: serve \(webroot)/.well-known/acme-challenge/ on port 80 another way")
            }
        } else {
            webroot = options.acmeOptions.acmeWebroot.map(ACMEOptions.absolute) ?? ACMEOptions.absolute(certDir) + "/.acme-webroot"
        }
        let httpReady = ReadyFlag(options.http == nil)
        if let http = options.http {
            let (host, port) = try ServeCommand.address(http, option: "--http")
            try FileManager.default.createDirectory(atPath: webroot + "/.well-known/acme-challenge", withIntermediateDirectories: true)
            services.append(ACMEChallengeServer(host: host, port: port, webroot: webroot, logger: logger) { bound in
                log.info("http (ACME challenges) listening", metadata: ["address": "\(host):\(bound)", "webroot": .string(webroot)])
                httpReady.set()
                onHTTPBound(bound)
            })
        }
        services.append(CertificateRenewalService(
            manager: manager, availability: availability,
            targets: { targets.current }, ready: { httpReady.isSet },
            logger: logger, afterRefresh: { ReloadService.returnFreeMemory() }))
        return ServeCertificates(availability: availability, additions: additions, services: services, staticZones: staticZones)
    }

    /// Refuses bad static zone files at start (later changes keep the last good version).
    func checkStaticZones(inventory: Inventory) throws {
        guard let staticZones else { return }
        let settings = try inventory.snapshot().settings
        let served = try [settings.hostedZone.text, settings.reportZone.text].map { try DNSName($0) }
        do { _ = try staticZones.loadAll(servedZones: served) } catch {
            throw ValidationError("--zones '\(staticZones.directory)': \(error)")
        }
    }
}

/// The policies the inventory wants served, with a generation that moves when they change.
///
/// The hosts are kept as one newline-joined string, not an array of strings: an update comes from
/// a snapshot rebuild, and 100,000 small strings made amid the rebuild's garbage would keep its
/// freed pages resident. The array is made only when the renewal service asks for it.
final class PolicyTargetsBox: Sendable {
    private let state = Mutex<(generation: UInt64, hosts: String, count: Int, policyAddresses: [String])>((0, "", 0, []))

    /// Stores `wanted`, moving the generation when it differs.
    func update(_ wanted: SnapshotAdditions.PolicyTargets) {
        let joined = wanted.hosts.joined(separator: "\n")
        state.withLock {
            if $0.hosts != joined || $0.count != wanted.hosts.count || $0.policyAddresses != wanted.policyAddresses {
                $0 = ($0.generation &+ 1, joined, wanted.hosts.count, wanted.policyAddresses)
            }
        }
    }

    /// The generation, the hosts (made on demand) and the policy addresses.
    var current: (generation: UInt64, hosts: @Sendable () -> [String], policyAddresses: [String]) {
        let (generation, joined, count, addresses) = state.withLock { ($0.generation, $0.hosts, $0.count, $0.policyAddresses) }
        return (generation, { count == 0 ? [] : joined.split(separator: "\n").map(String.init) }, addresses)
    }
}

/// A flag set once (the HTTP-01 listener is bound).
final class ReadyFlag: Sendable {
    private let flag: Mutex<Bool>
    init(_ initial: Bool) { flag = Mutex(initial) }
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
