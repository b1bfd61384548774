import Foundation
import Logging
import NIOSSL
import Testing
import X509
@testable import PolicyServer

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-policy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

private let logger = Logger(label: "test.policy")

/// The leaf certificate a store would present for `host`.
private func presentedLeaf(_ store: PolicyServer.CertificateStore, _ host: String) throws -> NIOSSLCertificate? {
    let override = try store.configurationOverride(forServerName: host)
    guard case .certificate(let leaf)? = override.certificateChain?.first else { return nil }
    return leaf
}

@Suite struct SelfSignedIssuerTests {
    @Test func writesAPairWhoseSANIsTheHost() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let issuer = SelfSignedIssuer(directory: dir.path)
        #expect(try issuer.ensureCertificates(for: ["MTA-STS.Example.ORG", "mta-sts.example.net"])
                == ["mta-sts.example.net", "mta-sts.example.org"])

        let pem = try String(contentsOfFile: "\(dir.path)/mta-sts.example.org.crt", encoding: .utf8)
        let certificate = try Certificate(pemEncoded: pem)
        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(Array(names) == [.dnsName("mta-sts.example.org")])
        #expect(certificate.issuer == certificate.subject)
        #expect(certificate.notValidAfter > Date().addingTimeInterval(89 * 86_400))

        let keyAttributes = try FileManager.default.attributesOfItem(atPath: "\(dir.path)/mta-sts.example.org.key")
        #expect((keyAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let key = try Certificate.PrivateKey(pemEncoded: String(contentsOfFile: "\(dir.path)/mta-sts.example.org.key",
                                                                 encoding: .utf8))
        #expect(key.publicKey == certificate.publicKey)
        #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/Example.ORG.crt"))
    }

    @Test func skipsValidCertificatesAndRenewsExpiringOnes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let issuer = SelfSignedIssuer(directory: dir.path)
        try issuer.ensureCertificates(for: ["mta-sts.example.org"])
        let first = try String(contentsOfFile: "\(dir.path)/mta-sts.example.org.crt", encoding: .utf8)
        #expect(try issuer.ensureCertificates(for: ["mta-sts.example.org"]) == [])
        #expect(try String(contentsOfFile: "\(dir.path)/mta-sts.example.org.crt", encoding: .utf8) == first)

        // 59 days later the 90-day certificate has 31 days left: kept.
        let earlier = SelfSignedIssuer(directory: dir.path, now: { Date().addingTimeInterval(59 * 86_400) })
        #expect(try earlier.ensureCertificates(for: ["mta-sts.example.org"]) == [])
        // 61 days later it has 29 days left: inside the 30-day window, renewed.
        let later = SelfSignedIssuer(directory: dir.path, now: { Date().addingTimeInterval(61 * 86_400) })
        #expect(try later.ensureCertificates(for: ["mta-sts.example.org"]) == ["mta-sts.example.org"])
        #expect(try String(contentsOfFile: "\(dir.path)/mta-sts.example.org.crt", encoding: .utf8) != first)
    }

    @Test func replacesAPairThatDoesNotCoverTheHost() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let issuer = SelfSignedIssuer(directory: dir.path)
        try issuer.ensureCertificates(for: ["mta-sts.example.org"])
        for suffix in ["crt", "key"] {
            try FileManager.default.copyItem(atPath: "\(dir.path)/mta-sts.example.org.\(suffix)",
                                             toPath: "\(dir.path)/mta-sts.example.net.\(suffix)")
        }
        #expect(issuer.needsIssue("mta-sts.example.net"))
        #expect(try issuer.ensureCertificates(for: ["mta-sts.example.net", "mta-sts.example.org"]) == ["mta-sts.example.net"])
    }
}

@Suite struct CertificateStoreTests {
    @Test func choosesThePairNamedForTheSNIHost() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try SelfSignedIssuer(directory: dir.path).ensureCertificates(for: ["mta-sts.example.org", "mta-sts.example.net"])
        let store = PolicyServer.CertificateStore(directory: dir.path, logger: logger)
        let org = try NIOSSLCertificate.fromPEMFile("\(dir.path)/mta-sts.example.org.crt")
        let net = try NIOSSLCertificate.fromPEMFile("\(dir.path)/mta-sts.example.net.crt")
        #expect(try presentedLeaf(store, "mta-sts.example.org") == org.first)
        #expect(try presentedLeaf(store, "MTA-STS.example.net.") == net.first)
        #expect(store.availableHosts() == ["mta-sts.example.net", "mta-sts.example.org"])
    }

    /// Field case C22: never another customer's certificate, never a default one.
    @Test func testC22UnknownOrMissingSNIGetsNoCertificate() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try SelfSignedIssuer(directory: dir.path).ensureCertificates(for: ["mta-sts.example.org"])
        let store = PolicyServer.CertificateStore(directory: dir.path, logger: logger)
        #expect(throws: PolicyServerError.noCertificate(host: "mta-sts.example.com")) {
            _ = try store.configurationOverride(forServerName: "mta-sts.example.com")
        }
        #expect(throws: PolicyServerError.noCertificate(host: nil)) {
            _ = try store.configurationOverride(forServerName: nil)
        }
        #expect(throws: PolicyServerError.noCertificate(host: "../mta-sts.example.org")) {
            _ = try store.configurationOverride(forServerName: "../mta-sts.example.org")
        }
    }

    /// A pair copied under another host's name is refused (its SAN does not cover that host),
    /// and so is a key that belongs to another certificate.
    @Test func refusesPairsThatDoNotMatch() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try SelfSignedIssuer(directory: dir.path).ensureCertificates(for: ["mta-sts.example.org", "mta-sts.example.net"])
        let fm = FileManager.default
        for suffix in ["crt", "key"] {
            try fm.copyItem(atPath: "\(dir.path)/mta-sts.example.org.\(suffix)", toPath: "\(dir.path)/mta-sts.example.com.\(suffix)")
        }
        try fm.removeItem(atPath: "\(dir.path)/mta-sts.example.net.key")
        try fm.copyItem(atPath: "\(dir.path)/mta-sts.example.org.key", toPath: "\(dir.path)/mta-sts.example.net.key")

        let store = PolicyServer.CertificateStore(directory: dir.path, logger: logger)
        let failures = store.reload()
        #expect(failures["mta-sts.example.com"] == .certificateDoesNotCoverHost(
            path: "\(dir.path)/mta-sts.example.com.crt", host: "mta-sts.example.com"))
        #expect(failures["mta-sts.example.net"] == .keyDoesNotMatchCertificate(
            certificatePath: "\(dir.path)/mta-sts.example.net.crt", keyPath: "\(dir.path)/mta-sts.example.net.key"))
        #expect(store.availableHosts() == ["mta-sts.example.org"])
        #expect(throws: PolicyServerError.noCertificate(host: "mta-sts.example.com")) {
            _ = try store.configurationOverride(forServerName: "mta-sts.example.com")
        }
    }

    @Test func picksUpNewRenewedAndRemovedFilesWithoutRestart() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = PolicyServer.CertificateStore(directory: dir.path, logger: logger)
        #expect(throws: PolicyServerError.self) { _ = try store.configurationOverride(forServerName: "mta-sts.example.org") }

        let issuer = SelfSignedIssuer(directory: dir.path)
        try issuer.issue(for: "mta-sts.example.org")
        let first = try presentedLeaf(store, "mta-sts.example.org")
        #expect(first == (try NIOSSLCertificate.fromPEMFile("\(dir.path)/mta-sts.example.org.crt")).first)

        try issuer.issue(for: "mta-sts.example.org")
        let second = try presentedLeaf(store, "mta-sts.example.org")
        #expect(second != first)
        #expect(second == (try NIOSSLCertificate.fromPEMFile("\(dir.path)/mta-sts.example.org.crt")).first)

        try FileManager.default.removeItem(atPath: "\(dir.path)/mta-sts.example.org.crt")
        #expect(throws: PolicyServerError.noCertificate(host: "mta-sts.example.org")) {
            _ = try store.configurationOverride(forServerName: "mta-sts.example.org")
        }
    }
}
