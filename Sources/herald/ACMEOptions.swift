import ArgumentParser
import Foundation
import PolicyServer
import RecordBuilder
import ZonePublisher

/// The ACME options shared by `herald serve` and `herald certs renew` (RFC 8555 through lego).
struct ACMEOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("ACME directory URL (default: Let's Encrypt production).", valueName: "URL"))
    var acmeDirectory = ACMEConfiguration.letsEncryptProduction

    @Option(name: .long, help: ArgumentHelp("Contact e-mail for the ACME account.", valueName: "ADDRESS"))
    var acmeEmail: String?

    @Option(name: .long, help: ArgumentHelp("PEM file of CA certificates lego trusts for the ACME server's HTTPS (e.g. a test CA's); sets LEGO_CA_CERTIFICATES.", valueName: "FILE"))
    var acmeCaBundle: String?

    @Option(name: .long, help: ArgumentHelp("Directory lego writes HTTP-01 tokens into and --http serves (default: <cert-dir>/.acme-webroot).", valueName: "DIR"))
    var acmeWebroot: String?

    @Option(name: .long, help: ArgumentHelp("The lego executable.", valueName: "PATH"))
    var lego = "lego"

    /// The configuration for certificates in `certificateDirectory`.
    /// - Throws: `ValidationError` naming the option for a bad URL or a missing CA bundle.
    func configuration(certificateDirectory: String) throws -> ACMEConfiguration {
        guard let url = URL(string: acmeDirectory), let scheme = url.scheme, ["https", "http"].contains(scheme), url.host != nil else {
            throw ValidationError("--acme-directory '\(acmeDirectory)': expected an https:// URL of an ACME directory")
        }
        if let acmeCaBundle, !FileManager.default.isReadableFile(atPath: acmeCaBundle) {
            throw ValidationError("--acme-ca-bundle '\(acmeCaBundle)': no readable file there")
        }
        if let acmeEmail, !acmeEmail.contains("@") {
            throw ValidationError("--acme-email '\(acmeEmail)': not an e-mail address")
        }
        return ACMEConfiguration(
            certificateDirectory: Self.absolute(certificateDirectory), directoryURL: acmeDirectory, email: acmeEmail,
            caBundle: acmeCaBundle.map(Self.absolute), webroot: acmeWebroot.map(Self.absolute), legoExecutable: lego)
    }

    /// `path` made absolute against the current directory (lego runs with the same one, but
    /// logs and state should name full paths).
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

/// The pointing check's resolver: A and AAAA through an upstream source (libldns
/// ``LiveResolver``, which follows CNAMEs).
struct UpstreamPolicyHostResolver: PolicyHostResolver {
    let source: any UpstreamSource

    func addresses(of host: String) async throws -> [String] {
        let v4 = try await source.a(host).map(\.description)
        let v6 = (try? await source.aaaa(host).map(\.description)) ?? []
        return v4 + v6
    }

    /// The resolver `--resolver` names, else the first nameserver in /etc/resolv.conf.
    static func make(resolver: String?) throws -> UpstreamPolicyHostResolver {
        let server = resolver ?? BuildCommand.systemResolver() ?? "127.0.0.1"
        do { return UpstreamPolicyHostResolver(source: try LiveResolver(server: server)) } catch {
            throw ValidationError("--resolver '\(server)': \(error)")
        }
    }
}
