import Foundation
import Logging
import Testing
@testable import PolicyServer

/// Status code and body of one plain-HTTP request made by curl (no redirects followed).
private func plainCurl(_ arguments: [String]) async throws -> (status: Int, headers: String, body: String) {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["--silent", "--max-time", "10", "--dump-header", "\(dir.path)/headers",
                         "--output", "\(dir.path)/body", "--write-out", "%{http_code}"] + arguments
    let stdout = Pipe()
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    _ = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    let code = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let headers = (try? String(contentsOfFile: "\(dir.path)/headers", encoding: .utf8)) ?? ""
    let body = (try? String(contentsOfFile: "\(dir.path)/body", encoding: .utf8)) ?? ""
    return (Int(code) ?? 0, headers, body)
}

/// Runs an ``ACMEChallengeServer`` on 127.0.0.1, a kernel-chosen port, over a fresh webroot.
private func withChallengeServer(_ body: (_ port: Int, _ webroot: String) async throws -> Void) async throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try FileManager.default.createDirectory(atPath: "\(dir.path)/.well-known/acme-challenge", withIntermediateDirectories: true)
    var logger = Logger(label: "test.acme-http")
    logger.logLevel = .critical
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let server = ACMEChallengeServer(host: "127.0.0.1", port: 0, webroot: dir.path, logger: logger) { continuation.yield($0) }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        do { try await body(port, dir.path) } catch {
            group.cancelAll()
            throw error
        }
        group.cancelAll()
    }
}

/// The HTTP-01 listener (RFC 8555 §8.3): tokens from the webroot, everything else 404.
@Suite(.serialized) struct ACMEChallengeResponderTests {
    @Test func tokenSyntaxIsBase64URLOnly() {
        for good in ["abc", "A-b_9", String(repeating: "x", count: 256), "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0"] {
            #expect(ACMEChallengeResponder.isValidToken(Substring(good)), "\(good)")
        }
        for bad in ["", "..", "../etc", "a/b", "a.b", "%2e%2e", "a b", "a\u{0}b", "tok=", "é", String(repeating: "x", count: 257)] {
            #expect(!ACMEChallengeResponder.isValidToken(Substring(bad)), "\(bad)")
        }
    }

    @Test func invalidTokensHaveNoPath() {
        let responder = ACMEChallengeResponder(webroot: "/srv/acme")
        #expect(responder.path(forToken: "abc_-1") == "/srv/acme/.well-known/acme-challenge/abc_-1")
        #expect(responder.path(forToken: "..") == nil)
        #expect(responder.path(forToken: "x/../../etc/passwd") == nil)
    }

    @Test func servesWrittenTokensAndNothingElse() async throws {
        try await withChallengeServer { port, webroot in
            let token = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0"
            let keyAuthorization = token + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"
            try keyAuthorization.write(toFile: "\(webroot)/.well-known/acme-challenge/\(token)", atomically: true, encoding: .utf8)
            try "secret".write(toFile: "\(webroot)/secret.txt", atomically: true, encoding: .utf8)
            let base = "http://127.0.0.1:\(port)"

            // Any Host: the CA asks on the name it validates.
            let ok = try await plainCurl(["-H", "Host: mta-sts.customer.test", "\(base)/.well-known/acme-challenge/\(token)"])
            #expect(ok.status == 200)
            #expect(ok.body == keyAuthorization)

            let head = try await plainCurl(["--head", "\(base)/.well-known/acme-challenge/\(token)"])
            #expect(head.status == 200)
            #expect(!head.body.contains(keyAuthorization))  // --head writes the headers there; no body follows
            #expect(head.headers.lowercased().contains("content-length: \(keyAuthorization.utf8.count)"))

            for path in ["/.well-known/acme-challenge/unknown-token", "/.well-known/acme-challenge/",
                         "/.well-known/acme-challenge/..%2Fsecret.txt", "/.well-known/acme-challenge/%2e%2e",
                         "/secret.txt", "/", "/.well-known/mta-sts.txt", "/.well-known/acme-challenge/\(token)/x"] {
                let result = try await plainCurl(["--path-as-is", base + path])
                #expect(result.status == 404, "\(path)")
                #expect(!result.body.contains("secret"), "\(path)")
                #expect(!result.headers.lowercased().contains("location:"), "\(path)")
            }
            let post = try await plainCurl(["-X", "POST", "\(base)/.well-known/acme-challenge/\(token)"])
            #expect(post.status == 404)

            // A token removed by lego after validation is gone at once.
            try FileManager.default.removeItem(atPath: "\(webroot)/.well-known/acme-challenge/\(token)")
            #expect(try await plainCurl(["\(base)/.well-known/acme-challenge/\(token)"]).status == 404)
        }
    }
}
