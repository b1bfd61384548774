import Foundation
import NIOSSL
import SwiftASN1
import X509

/// One host's certificate chain and private key, read from disk and checked: every certificate
/// in the chain parses, the key belongs to the leaf, and the leaf's subjectAltName covers the
/// host (RFC 8461 §3.3, RFC 6125 §6.4.3). Parsing is done once, with swift-certificates; no
/// OpenSSL object is created until ``configurationOverride()`` is asked for (at a TLS handshake).
///
/// The DER blocks handed to NIOSSL are exactly the ones checked here, so what a handshake
/// presents is what was verified.
struct CertificatePair {
    /// The bytes of the two files and the identity of the contents read.
    struct Files {
        var certificate: [UInt8]
        var certificateStamp: FileStamp
        var key: [UInt8]
        var keyStamp: FileStamp
    }

    /// Largest certificate or key file read, in bytes; larger files are refused as unreadable
    /// (a chain of a few certificates is under 10 KiB).
    static let maximumFileSize = 1 << 20

    /// The leaf (first certificate of the chain file).
    let leaf: Certificate
    /// DER of every certificate in the chain file, leaf first.
    let chainDER: [[UInt8]]
    /// DER of the private key (PKCS#8, SEC1 or PKCS#1, as the PEM block said).
    let keyDER: [UInt8]

    /// Reads both files of a pair; each file's stamp is taken from the open descriptor before
    /// reading, so a file rewritten during the read gets a new stamp and is read again later.
    /// - Throws: ``PolicyServerError/unreadableFile(path:reason:)`` naming the file that could not
    ///   be opened or read, is not a regular file, or is larger than ``maximumFileSize``.
    static func readFiles(certificatePath: String, keyPath: String) throws(PolicyServerError) -> Files {
        let certificate = try readFile(certificatePath)
        let key = try readFile(keyPath)
        return Files(certificate: certificate.bytes, certificateStamp: certificate.stamp,
                     key: key.bytes, keyStamp: key.stamp)
    }

    /// Parses and checks `files` for `host` (key form).
    /// - Throws: ``PolicyServerError/unreadableFile(path:reason:)`` when the chain file holds no
    ///   certificate or one that does not parse, or the key file holds no single private key that
    ///   parses; ``PolicyServerError/keyDoesNotMatchCertificate(certificatePath:keyPath:)``;
    ///   ``PolicyServerError/certificateDoesNotCoverHost(path:host:)``.
    init(host: String, files: Files, certificatePath: String, keyPath: String) throws(PolicyServerError) {
        var chainDER: [[UInt8]] = []
        let leaf: Certificate
        do {
            var certificates: [Certificate] = []
            for document in try Self.certificateDocuments(in: files.certificate) {
                certificates.append(try Certificate(derEncoded: document.derBytes))
                chainDER.append(document.derBytes)
            }
            // The leaf is the first certificate; an ACME chain file holds the intermediates too.
            guard let first = certificates.first else {
                throw PolicyServerError.unreadableFile(path: certificatePath, reason: "no certificate in file")
            }
            leaf = first
        } catch let error as PolicyServerError {
            throw error
        } catch {
            throw .unreadableFile(path: certificatePath, reason: String(describing: error))
        }
        let key: Certificate.PrivateKey
        let keyDER: [UInt8]
        do {
            let documents = try PEMDocument.parseMultiple(pemString: String(decoding: files.key, as: UTF8.self))
                .filter { $0.discriminator.hasSuffix("PRIVATE KEY") }
            guard documents.count == 1 else {
                throw PolicyServerError.unreadableFile(
                    path: keyPath, reason: "expected one PEM private key, found \(documents.count)")
            }
            key = try Certificate.PrivateKey(pemDocument: documents[0])
            keyDER = documents[0].derBytes
        } catch let error as PolicyServerError {
            throw error
        } catch {
            throw .unreadableFile(path: keyPath, reason: String(describing: error))
        }
        guard key.publicKey == leaf.publicKey else {
            throw .keyDoesNotMatchCertificate(certificatePath: certificatePath, keyPath: keyPath)
        }
        guard Self.covers(leaf, host: host) else {
            throw .certificateDoesNotCoverHost(path: certificatePath, host: host)
        }
        self.leaf = leaf
        self.chainDER = chainDER
        self.keyDER = keyDER
    }

    /// The `CERTIFICATE` blocks of a PEM chain file, in order. Other blocks (e.g. a stray key)
    /// are skipped, as OpenSSL's PEM reader does.
    static func certificateDocuments(in pem: [UInt8]) throws -> [PEMDocument] {
        try PEMDocument.parseMultiple(pemString: String(decoding: pem, as: UTF8.self))
            .filter { $0.discriminator == "CERTIFICATE" }
    }

    /// The leaf (first certificate) of a PEM chain file, parsed without any other check.
    /// - Throws: ``PolicyServerError/unreadableFile(path:reason:)`` naming `path`.
    static func leaf(in pem: [UInt8], path: String) throws(PolicyServerError) -> Certificate {
        do {
            guard let first = try certificateDocuments(in: pem).first else {
                throw PolicyServerError.unreadableFile(path: path, reason: "no certificate in file")
            }
            return try Certificate(derEncoded: first.derBytes)
        } catch let error as PolicyServerError {
            throw error
        } catch {
            throw .unreadableFile(path: path, reason: String(describing: error))
        }
    }

    /// What the gate and the renewal decisions need of the leaf.
    var validity: CertificateValidity {
        CertificateValidity(notBefore: leaf.notValidBefore, notAfter: leaf.notValidAfter,
                            isSelfSigned: leaf.issuer == leaf.subject)
    }

    /// The leaf's summary (issuer and subject text, names).
    var summary: CertificateSummary { CertificateSummary(leaf) }

    /// The chain and key as OpenSSL objects, for a TLS handshake.
    /// - Throws: ``PolicyServerError/unreadableFile(path:reason:)`` when OpenSSL refuses a block
    ///   swift-certificates accepted (the pair is then not served).
    func configurationOverride(certificatePath: String, keyPath: String) throws(PolicyServerError) -> NIOSSLContextConfigurationOverride {
        var override = NIOSSLContextConfigurationOverride()
        do {
            override.certificateChain = try chainDER.map { .certificate(try NIOSSLCertificate(bytes: $0, format: .der)) }
        } catch {
            throw .unreadableFile(path: certificatePath, reason: "TLS library refused the chain: \(error)")
        }
        do {
            override.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: keyDER, format: .der))
        } catch {
            throw .unreadableFile(path: keyPath, reason: "TLS library refused the key: \(error)")
        }
        return override
    }

    /// Whether a SAN `dNSName` of `certificate` matches `host` (RFC 6125 §6.4.3: exact, or `*`
    /// as the whole left-most label).
    static func covers(_ certificate: Certificate, host: String) -> Bool {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return false }
        for name in names {
            guard case .dnsName(let dnsName) = name, let pattern = try? PolicyHost.normalize(
                dnsName.hasPrefix("*.") ? String(dnsName.dropFirst(2)) : dnsName) else { continue }
            if dnsName.hasPrefix("*.") {
                if let dot = host.firstIndex(of: "."), host[host.index(after: dot)...] == pattern { return true }
            } else if pattern == host {
                return true
            }
        }
        return false
    }

    /// The contents of `path` and the stamp of what was read (taken before reading).
    static func readFile(_ path: String) throws(PolicyServerError) -> (bytes: [UInt8], stamp: FileStamp) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadableFile(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        guard let stamp = FileStamp(info) else { throw .unreadableFile(path: path, reason: "not a regular file") }
        guard stamp.size <= Int64(maximumFileSize) else {
            throw .unreadableFile(path: path, reason: "\(stamp.size) bytes, over the \(maximumFileSize)-byte limit")
        }
        var bytes = [UInt8](repeating: 0, count: Int(stamp.size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return (bytes, stamp)
    }
}
