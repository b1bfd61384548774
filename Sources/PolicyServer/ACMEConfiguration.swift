import Foundation

/// How Herald obtains certificates by ACME (RFC 8555) through `lego` with HTTP-01 challenges.
///
/// Files live under the certificate directory: issued pairs as `<host>.crt`/`<host>.key` (the
/// layout ``CertificateStore`` reads), lego's account and raw certificates under ``legoPath``
/// (default `<certificateDirectory>/.lego`), challenge tokens under ``webroot`` (default
/// `<certificateDirectory>/.acme-webroot`, served by ``ACMEChallengeServer``), and the renewal
/// state in `<certificateDirectory>/acme-state.json`.
public struct ACMEConfiguration: Sendable, Equatable {
    /// Let's Encrypt's production directory, the default CA.
    public static let letsEncryptProduction = "https://acme-v02.api.letsencrypt.org/directory"

    /// The ACME directory URL (`lego --server`).
    public var directoryURL: String
    /// Contact address for the ACME account (`lego --email`); `nil` registers without one.
    public var email: String?
    /// PEM file of extra CA certificates lego trusts for the ACME server's HTTPS
    /// (`LEGO_CA_CERTIFICATES`; e.g. pebble's test certificate); `nil` uses the system store.
    public var caBundle: String?
    /// Where issued pairs are installed (the ``CertificateStore`` directory).
    public var certificateDirectory: String
    /// Where lego writes HTTP-01 tokens (`lego --http.webroot`).
    public var webroot: String
    /// lego's data directory (`lego --path`): account, raw certificates, logs.
    public var legoPath: String
    /// The lego executable (a path, or a name looked up in `PATH`).
    public var legoExecutable: String
    /// Key type of new certificates (`lego --key-type`: `ec256`, `ec384`, `rsa2048`, …).
    public var keyType: String
    /// A certificate is renewed when it expires within this many seconds (default 30 days).
    public var renewalWindow: TimeInterval
    /// Wait after the first failure for a name, in seconds; doubled after each further failure
    /// (default 15 minutes, which keeps under Let's Encrypt's 5 failed validations per hour).
    public var backoffBase: TimeInterval
    /// Longest wait between attempts for a failing name, in seconds (default 1 day).
    public var backoffMaximum: TimeInterval
    /// How long one lego run may take before it is killed.
    public var timeout: Duration

    /// A configuration with Herald's defaults; paths default to places under
    /// `certificateDirectory`.
    public init(
        certificateDirectory: String, directoryURL: String = ACMEConfiguration.letsEncryptProduction,
        email: String? = nil, caBundle: String? = nil, webroot: String? = nil, legoPath: String? = nil,
        legoExecutable: String = "lego", keyType: String = "ec256", renewalWindow: TimeInterval = 30 * 86_400,
        backoffBase: TimeInterval = 15 * 60, backoffMaximum: TimeInterval = 86_400, timeout: Duration = .seconds(300)
    ) {
        self.certificateDirectory = certificateDirectory
        self.directoryURL = directoryURL
        self.email = email
        self.caBundle = caBundle
        self.webroot = webroot ?? "\(certificateDirectory)/.acme-webroot"
        self.legoPath = legoPath ?? "\(certificateDirectory)/.lego"
        self.legoExecutable = legoExecutable
        self.keyType = keyType
        self.renewalWindow = renewalWindow
        self.backoffBase = backoffBase
        self.backoffMaximum = backoffMaximum
        self.timeout = timeout
    }

    /// The renewal window in whole days (`lego renew --days`), at least 1.
    public var renewalDays: Int { max(1, Int((renewalWindow / 86_400).rounded(.up))) }

    /// The renewal state file.
    public var statePath: String { "\(certificateDirectory)/acme-state.json" }

    /// The lock file that keeps two Herald processes from renewing at once.
    public var lockPath: String { "\(certificateDirectory)/.acme.lock" }

    /// The wait before the next attempt after `failures` consecutive failures (≥ 1), seconds:
    /// `backoffBase × 2^(failures−1)`, at most ``backoffMaximum``.
    public func backoff(afterFailures failures: Int) -> TimeInterval {
        let exponent = min(max(failures, 1) - 1, 30)
        return min(backoffBase * pow(2, Double(exponent)), backoffMaximum)
    }

    /// lego's arguments for one host: `run` for a first certificate, `renew --days N` when lego
    /// already holds one (it renews only when due, else leaves it and exits 0).
    public func legoArguments(host: String, renew: Bool) -> [String] {
        var arguments = ["--accept-tos", "--server", directoryURL, "--path", legoPath,
                         "--key-type", keyType, "--http", "--http.webroot", webroot, "--domains", host]
        if let email, !email.isEmpty { arguments += ["--email", email] }
        if renew {
            arguments += ["renew", "--days", String(renewalDays), "--no-random-sleep"]
        } else {
            arguments += ["run"]
        }
        return arguments
    }

    /// Environment added to lego's: `LEGO_CA_CERTIFICATES` when ``caBundle`` is set.
    public var legoEnvironment: [String: String] {
        caBundle.map { ["LEGO_CA_CERTIFICATES": $0] } ?? [:]
    }

    /// Where lego keeps the certificate and key it obtained for `host` (its `certificates/`
    /// folder; `*` in a name becomes `_`).
    public func legoFiles(host: String) -> (certificate: String, key: String) {
        let stem = host.replacingOccurrences(of: "*", with: "_")
        return ("\(legoPath)/certificates/\(stem).crt", "\(legoPath)/certificates/\(stem).key")
    }

    /// Where one lego run's output for `host` is kept.
    public func logPath(host: String) -> String { "\(legoPath)/logs/\(host).log" }
}
