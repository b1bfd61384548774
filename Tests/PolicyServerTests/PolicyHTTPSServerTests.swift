import Foundation
import Logging
import Testing
@testable import PolicyServer

// End-to-end: the HTTPS server in-process on 127.0.0.1 and a kernel-chosen port, asked by curl
// with `--resolve` so SNI and Host carry the policy host names. No network beyond loopback.

private let orgHost = "mta-sts.example.org"
private let netHost = "mta-sts.example.net"
private let orgBody = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.org\r\nmx: *.mx.example.net\r\nmax_age: 604800\r\n"
private let netBody = "version: STSv1\r\nmode: testing\r\nmx: mx1.example.net\r\nmax_age: 86400\r\n"
private let policyPath = "/.well-known/mta-sts.txt"

/// What curl saw.
private struct CurlResult {
    var exitCode: Int32
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.last { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Runs curl without blocking the cooperative pool (termination handler + continuation).
private func curl(_ arguments: [String]) async throws -> CurlResult {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["--silent", "--max-time", "10", "--http1.1",
                         "--dump-header", "\(dir.path)/headers", "--output", "\(dir.path)/body",
                         "--write-out", "%{http_code}"] + arguments
    let stdout = Pipe()
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    let exitCode: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    let code = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let rawHeaders = (try? String(contentsOfFile: "\(dir.path)/headers", encoding: .utf8)) ?? ""
    let headers = rawHeaders.split(separator: "\r\n").dropFirst().compactMap { line -> (String, String)? in
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    let body = (try? Data(contentsOf: URL(fileURLWithPath: "\(dir.path)/body"))).map { [UInt8]($0) } ?? []
    return CurlResult(exitCode: exitCode, status: Int(code) ?? 0, headers: headers, body: body)
}

/// Sends `request` over one TLS connection with `openssl s_client` (SNI `serverName`) and
/// returns every byte the server sent until it closed the connection.
private func rawTLSExchange(port: Int, serverName: String, request: String) async throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = ["s_client", "-quiet", "-ign_eof", "-connect", "127.0.0.1:\(port)",
                         "-servername", serverName, "-verify_quiet"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    let exited: Task<Int32, any Error> = Task {
        try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }
    input.fileHandleForWriting.write(Data(request.utf8))
    try input.fileHandleForWriting.close()
    // Read on a Dispatch thread: s_client -ign_eof ends only when the server closes the
    // connection, and a blocking read here would hold one of the cooperative pool's two
    // threads (seen starving unrelated suites for ~30 s in the full run).
    let reader = output.fileHandleForReading
    let bytes: [UInt8] = await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: [UInt8](reader.readDataToEndOfFile())) }
    }
    _ = try await exited.value
    return bytes
}

/// Starts an HTTPS server with certificates for both hosts, runs `body` with the bound port
/// and the certificate directory, then cancels the server.
private func withPolicyServer(_ body: (_ port: Int, _ certificateDirectory: String) async throws -> Void) async throws {
    #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is needed (apt-get install curl)")
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try SelfSignedIssuer(directory: dir.path).ensureCertificates(for: [orgHost, netHost])
    let store = try PolicyStore(policies: [orgHost: orgBody, netHost: netBody])
    var logger = Logger(label: "test.policy-server")
    logger.logLevel = .critical
    let (ports, portContinuation) = AsyncStream<Int>.makeStream()
    let server = try PolicyHTTPSServer(host: "127.0.0.1", port: 0, store: store, certificateDirectory: dir.path,
                                       logger: logger, onServerRunning: { portContinuation.yield($0) })
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        #expect(port > 0)
        do {
            try await body(port, dir.path)
        } catch {
            group.cancelAll()
            throw error
        }
        group.cancelAll()
    }
}

private func url(_ host: String, _ port: Int, _ path: String = policyPath) -> String {
    "https://\(host):\(port)\(path)"
}

private func resolve(_ host: String, _ port: Int) -> [String] {
    ["--resolve", "\(host):\(port):127.0.0.1"]
}

@Suite(.serialized) struct PolicyHTTPSServerTests {
    /// Field case C21: the stored CRLF body is served byte for byte, no BOM, final line ending.
    @Test func testC21PolicyServedWithCRLFLineEndingsByteForByte() async throws {
        try await withPolicyServer { port, certs in
            let result = try await curl(resolve(orgHost, port) + ["--cacert", "\(certs)/\(orgHost).crt", url(orgHost, port)])
            #expect(result.exitCode == 0)
            #expect(result.status == 200)
            #expect(result.body == Array(orgBody.utf8))
            #expect(result.body.starts(with: Array("version: STSv1\r\n".utf8)))
            #expect(result.body.suffix(2) == [0x0D, 0x0A])
        }
    }

    /// Field case C22: 200 + text/plain + the host's own body, verified against that host's
    /// certificate (so SNI chose it); never a redirect.
    @Test func testC22ServesEachHostItsOwnPolicyWithItsOwnCertificate() async throws {
        try await withPolicyServer { port, certs in
            for (host, body) in [(orgHost, orgBody), (netHost, netBody)] {
                let result = try await curl(resolve(host, port) + ["--cacert", "\(certs)/\(host).crt", url(host, port)])
                #expect(result.exitCode == 0, "curl for \(host) exited \(result.exitCode)")
                #expect(result.status == 200)
                #expect(result.header("Content-Type")?.hasPrefix("text/plain") == true)
                #expect(result.body == Array(body.utf8))
                #expect(result.header("Location") == nil)
            }
        }
    }

    /// Field case C22 (c): the other customer's certificate must not verify for this host.
    @Test func testC22OtherHostsCertificateFailsVerification() async throws {
        try await withPolicyServer { port, certs in
            let wrong = try await curl(resolve(orgHost, port) + ["--cacert", "\(certs)/\(netHost).crt", url(orgHost, port)])
            #expect(wrong.exitCode == 60, "expected curl's peer-certificate failure (60), got \(wrong.exitCode)")
            #expect(wrong.status == 0)
            let reverse = try await curl(resolve(netHost, port) + ["--cacert", "\(certs)/\(orgHost).crt", url(netHost, port)])
            #expect(reverse.exitCode == 60)
        }
    }

    /// Field case C22: a name with no certificate gets no TLS session at all (no default cert).
    @Test func testC22UnknownSNIFailsTheHandshake() async throws {
        try await withPolicyServer { port, _ in
            let unknown = "mta-sts.example.com"
            let result = try await curl(resolve(unknown, port) + ["--insecure", url(unknown, port)])
            #expect(result.exitCode == 35, "expected curl's TLS handshake failure (35), got \(result.exitCode)")
            #expect(result.status == 0)
            let bare = try await curl(["--insecure", "https://127.0.0.1:\(port)\(policyPath)"])
            #expect(bare.exitCode == 35, "no SNI: expected 35, got \(bare.exitCode)")
        }
    }

    /// RFC 9110 §9.3.2: HEAD gets GET's status and headers and no content. Checked on the raw
    /// TLS stream (openssl s_client), since curl stops reading after HEAD's headers anyway.
    @Test func testC22HeadHasHeadersButNoBody() async throws {
        try await withPolicyServer { port, certs in
            let result = try await curl(resolve(orgHost, port) + ["--cacert", "\(certs)/\(orgHost).crt", "--head", url(orgHost, port)])
            #expect(result.exitCode == 0)
            #expect(result.status == 200)
            #expect(result.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(result.header("Content-Length") == String(orgBody.utf8.count))

            let request = "HEAD \(policyPath) HTTP/1.1\r\nHost: \(orgHost)\r\nConnection: close\r\n\r\n"
            let raw = try await rawTLSExchange(port: port, serverName: orgHost, request: request)
            let text = String(decoding: raw, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.hasSuffix("\r\n\r\n"), "bytes after the header block: \(text)")
            #expect(!text.contains("version: STSv1"))
        }
    }

    /// Field case C22: Host decides the policy (case-insensitive, port ignored); an unknown Host
    /// or path is 404 text/plain, never another customer's policy, never a redirect.
    @Test func testC22UnknownHostOrPathIs404WithoutRedirect() async throws {
        try await withPolicyServer { port, certs in
            let tls = resolve(orgHost, port) + ["--cacert", "\(certs)/\(orgHost).crt"]
            let mixedCase = try await curl(tls + ["-H", "Host: MTA-STS.Example.ORG:\(port)", url(orgHost, port)])
            #expect(mixedCase.status == 200)
            #expect(mixedCase.body == Array(orgBody.utf8))

            let unknownHost = try await curl(tls + ["-H", "Host: mta-sts.example.com", url(orgHost, port)])
            #expect(unknownHost.status == 404)
            #expect(unknownHost.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(unknownHost.body != Array(orgBody.utf8))

            let bareDomain = try await curl(tls + ["-H", "Host: example.org", url(orgHost, port)])
            #expect(bareDomain.status == 404)

            for path in ["/", "/.well-known/mta-sts.txt/", "/.well-known/MTA-STS.txt", "/mta-sts.txt", "/.well-known/"] {
                let result = try await curl(tls + [url(orgHost, port, path)])
                #expect(result.status == 404, "path \(path)")
                #expect(result.header("Content-Type")?.hasPrefix("text/plain") == true)
                #expect(result.header("Location") == nil)
            }

            let post = try await curl(tls + ["-X", "POST", "--data", "x", url(orgHost, port)])
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET, HEAD")
            #expect(post.header("Location") == nil)
        }
    }

    /// The plain-HTTP variant answers the same routes by Host.
    @Test func plainHTTPVariantServesByHost() async throws {
        let store = try PolicyStore(policies: [orgHost: orgBody])
        var logger = Logger(label: "test.policy-http")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = PolicyHTTPSServer.plainHTTP(host: "127.0.0.1", port: 0, store: store, logger: logger,
                                                 onServerRunning: { continuation.yield($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let ok = try await curl(["-H", "Host: \(orgHost)", "http://127.0.0.1:\(port)\(policyPath)"])
            #expect(ok.status == 200)
            #expect(ok.body == Array(orgBody.utf8))
            let missing = try await curl(["-H", "Host: \(netHost)", "http://127.0.0.1:\(port)\(policyPath)"])
            #expect(missing.status == 404)
            group.cancelAll()
        }
    }
}
