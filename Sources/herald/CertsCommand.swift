import ArgumentParser
import Foundation
import Inventory
import Logging
import PolicyServer
import ZonePublisher

/// `herald certs status|renew`: the policy hosts' TLS certificates (RFC 8461 §3.3) and their
/// ACME renewal (RFC 8555).
struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "TLS certificates of the MTA-STS policy hosts (mta-sts.<domain>).",
        subcommands: [Status.self, Renew.self])

    /// The policy hosts the inventory wants served (`mta-sts.D` for each domain with a policy).
    static func policyTargets(_ inventory: Inventory) async throws -> (hosts: [String], addresses: [String]) {
        let snapshot = try inventory.snapshot()
        let current = await Publisher.currentRecords(snapshot)
        return (current.policies.keys.sorted(), snapshot.settings.policyAddresses.map(\.description))
    }

    /// A manager over `certDir`; `acme` nil uses the defaults (status needs no CA).
    static func manager(certDir: String, acme: ACMEOptions?, resolver: String?, logger: Logger) throws -> CertificateManager {
        let configuration = try acme?.configuration(certificateDirectory: certDir)
            ?? ACMEConfiguration(certificateDirectory: ACMEOptions.absolute(certDir))
        let store = CertificateStore(directory: configuration.certificateDirectory, logger: logger)
        return CertificateManager(configuration: configuration, store: store,
                                  resolver: try UpstreamPolicyHostResolver.make(resolver: resolver), logger: logger)
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "One line per policy host: issuer, expiry, days left, last error, next attempt.")

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("Directory of <host>.crt/<host>.key pairs.", valueName: "DIR"))
        var certDir = "certs"

        /// One host, as printed (and its `--json` shape).
        struct View: Encodable {
            var host: String
            var issuer: String?
            var notAfter: String?
            var daysLeft: Int?
            var selfSigned: Bool?
            var problem: String?
            var lastError: String?
            var lastSuccess: String?
            var consecutiveFailures: Int
            var nextAttempt: String?
            var state: String
        }

        func run() async throws {
            var logger = Logger(label: "herald")
            logger.logLevel = .critical
            let inventory = try global.openInventory()
            let targets = try await CertsCommand.policyTargets(inventory)
            let manager = try CertsCommand.manager(certDir: certDir, acme: nil, resolver: "127.0.0.1", logger: logger)
            let now = Date()
            let views = try manager.status(hosts: targets.hosts).map { status -> View in
                let state: String
                switch status.decision {
                case .current: state = "current"
                case .backingOff: state = "backing-off"
                case .due(let reason): state = "due: \(reason)"
                }
                return View(
                    host: status.host, issuer: status.certificate?.issuer,
                    notAfter: status.certificate.map { Self.time($0.notAfter) },
                    daysLeft: status.certificate.map { Int(($0.secondsLeft(at: now) / 86_400).rounded(.down)) },
                    selfSigned: status.certificate?.isSelfSigned, problem: status.problem,
                    lastError: status.state.lastError, lastSuccess: status.state.lastSuccess.map(Self.time),
                    consecutiveFailures: status.state.consecutiveFailures,
                    nextAttempt: status.nextAttempt.map(Self.time), state: state)
            }
            if global.json {
                print(try Output.json(views))
                return
            }
            if views.isEmpty {
                print("no domain has an MTA-STS policy")
                return
            }
            let rows = views.map { v -> [String] in
                [v.host, v.issuer.map { v.selfSigned == true ? "\($0) (self-signed)" : $0 } ?? "(no certificate)",
                 v.notAfter ?? "-", v.daysLeft.map(String.init) ?? "-",
                 v.nextAttempt ?? (v.state == "current" ? "-" : "next pass"),
                 v.problem ?? v.lastError ?? "-"]
            }
            print(Output.table(["HOST", "ISSUER", "NOT AFTER", "DAYS", "NEXT ATTEMPT", "LAST ERROR"], rows))
        }

        static func time(_ date: Date) -> String { Output.time(Int64(date.timeIntervalSince1970)) }
    }

    struct Renew: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "renew",
            abstract: "Run one ACME pass now: obtain or renew the certificates that are due (all policy hosts, or those of the domains named).",
            discussion: """
            A host is skipped while its certificate is valid for more than 30 days, while it backs \
            off after a failure, or when mta-sts.<domain> does not resolve to a policy-server \
            address. The running 'herald serve' must answer HTTP-01 challenges (--http) from the \
            same webroot; it picks new certificates up without a restart.
            """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var acme: ACMEOptions

        @Option(name: .long, help: ArgumentHelp("Directory of <host>.crt/<host>.key pairs.", valueName: "DIR"))
        var certDir = "certs"

        @Option(name: .long, help: ArgumentHelp("Resolver for the mta-sts.<domain> check (default: /etc/resolv.conf).", valueName: "IP[:PORT]"))
        var resolver: String?

        @Argument(help: ArgumentHelp("Customer domains (default: every domain with an MTA-STS policy).", valueName: "DOMAIN"))
        var domains: [String] = []

        func run() async throws {
            var logger = Logger(label: "herald")
            logger.logLevel = .warning
            let inventory = try global.openInventory()
            let targets = try await CertsCommand.policyTargets(inventory)
            var hosts = targets.hosts
            if !domains.isEmpty {
                hosts = try domains.map { domain in
                    let host = try PolicyHost.forDomain(domain)
                    guard targets.hosts.contains(host) else {
                        throw ValidationError("domain '\(domain)': not hosted, or it has no MTA-STS policy")
                    }
                    return host
                }
            }
            try FileManager.default.createDirectory(atPath: certDir, withIntermediateDirectories: true)
            let manager = try CertsCommand.manager(certDir: certDir, acme: acme, resolver: resolver, logger: logger)
            let outcomes = try await manager.renew(hosts: hosts, policyAddresses: targets.addresses)
            var failed = 0
            for (host, outcome) in outcomes {
                switch outcome {
                case .current(let notAfter): print("\(host): current, valid until \(Status.time(notAfter))")
                case .backingOff(let until): print("\(host): backing off after a failure, next attempt \(Status.time(until))")
                case .notPointingAtUs(let message): failed += 1; print("\(host): skipped, \(message)")
                case .issued(let summary): print("\(host): issued by \(summary.issuer), valid until \(Status.time(summary.notAfter))")
                case .failed(let reason, let next): failed += 1; print("\(host): failed, next attempt \(Status.time(next)): \(reason)")
                }
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
