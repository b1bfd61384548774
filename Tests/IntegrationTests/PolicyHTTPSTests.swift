import Foundation
import Testing

/// An HTTP exchange as `curl -i` printed it.
struct CurlExchange: CustomStringConvertible {
    var result: CommandResult
    /// Status code of the final response, `nil` when no HTTP response arrived (TLS failure).
    var status: Int?
    /// Header fields (name lowercased) of the response.
    var headers: [(name: String, value: String)]
    /// Body octets.
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.name == name.lowercased() }?.value }
    var description: String { "curl exit \(result.status), status \(status.map(String.init) ?? "none"), headers \(headers), body \(String(decoding: body, as: UTF8.self).debugDescription)\nstderr: \(result.stderr)" }

    /// `curl -s -i --http1.1 --max-time 10 --resolve HOST:PORT:127.0.0.1 arguments… https://HOST:PORT/PATH`.
    static func fetch(host: String, port: Int, path: String = "/.well-known/mta-sts.txt",
                      insecure: Bool = true, _ arguments: [String] = []) async throws -> CurlExchange {
        let result = try await ExternalCommand.run(
            "curl", ["-s", "-i", "--http1.1", "--max-time", "10", "--resolve", "\(host):\(port):127.0.0.1"]
                + (insecure ? ["-k"] : []) + arguments + ["https://\(host):\(port)\(path)"],
            timeout: .seconds(20))
        return CurlExchange(parsing: result)
    }

    init(parsing result: CommandResult) {
        self.result = result
        let bytes = result.stdoutBytes
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var split: Int?
        if bytes.count >= 4 {
            for i in 0...(bytes.count - 4) where Array(bytes[i..<(i + 4)]) == separator { split = i; break }
        }
        guard let split else { status = nil; headers = []; body = []; return }
        let head = String(decoding: bytes[0..<split], as: UTF8.self).components(separatedBy: "\r\n")
        body = Array(bytes[(split + 4)...])
        status = head.first.flatMap { line in
            let parts = line.split(separator: " ")
            return parts.count >= 2 && parts[0].hasPrefix("HTTP/") ? Int(parts[1]) : nil
        }
        headers = head.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }
}

/// MTA-STS policies over HTTPS from `herald serve` (RFC 8461 §3.2, §3.3), checked with curl.
@Suite struct PolicyHTTPSTests {
    static let orgBody = "version: STSv1\r\nmode: enforce\r\nmx: *.mail.protection.outlook.com\r\nmax_age: 604800\r\n"

    /// C21 (CRLF body, byte for byte) and C22 (200, text/plain, no redirects, 404 for unknown
    /// hosts and paths, certificate for `mta-sts.D` chosen by SNI).
    @Test func testC21C22PolicyServedOverHTTPS() async throws {
        try await withServedDemo { herald, server in
            let port = server.httpsPort
            var everyExchange: [CurlExchange] = []

            // The policy itself: 200, text/plain, CRLF body byte for byte (C21).
            let org = try await CurlExchange.fetch(host: "mta-sts.example.org", port: port)
            everyExchange.append(org)
            #expect(org.result.status == 0 && org.status == 200, "\(org)")
            #expect(org.header("content-type")?.split(separator: ";").first.map(String.init) == "text/plain", "\(org)")
            #expect(org.body == Array(Self.orgBody.utf8), "body differs: \(String(decoding: org.body, as: UTF8.self).debugDescription)")
            #expect(org.header("content-length") == String(Self.orgBody.utf8.count))

            // The certificate's SAN covers mta-sts.example.org: curl verifies it without -k (C22).
            let verified = try await CurlExchange.fetch(
                host: "mta-sts.example.org", port: port, insecure: false,
                ["--cacert", herald.directory + "/certs/mta-sts.example.org.crt"])
            everyExchange.append(verified)
            #expect(verified.result.status == 0 && verified.status == 200, "certificate for mta-sts.example.org not accepted: \(verified)")

            // The body's id: the `_mta-sts` TXT served over DNS equals what `herald records` says.
            let txt = try await Dig.dig(server.dnsPort, "example.org._mta-sts.hosted.example.net", "TXT")
            #expect(txt.flags.contains("aa") && txt.answer.count == 1, "\(txt)")
            let servedID = try #require(txt.answer.first.flatMap { Self.policyID($0.txtText) }, "\(txt)")
            #expect(servedID.count >= 1 && servedID.count <= 32 && servedID.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) },
                    "id '\(servedID)' is not 1–32 of [A-Za-z0-9] (RFC 8461 §3.1)")
            let records = try await herald.require("records", "example.org", "--json")
            let view = try #require(try JSONSerialization.jsonObject(with: Data(records.stdoutBytes)) as? [String: Any])
            let hosted = try #require(view["hosted"] as? [[String: Any]])
            let line = try #require(hosted.first { $0["name"] as? String == "example.org._mta-sts.hosted.example.net." })
            let recordsID = (line["value"] as? String).flatMap { Self.policyID($0.replacingOccurrences(of: "\"", with: "")) }
            #expect(recordsID == servedID, "herald records says id \(recordsID ?? "-"), DNS serves \(servedID)")
            #expect(view["mtaSTSPolicy"] as? String == Self.orgBody, "herald records shows another body than HTTPS serves")

            // The second customer gets its own policy (testing mode, default max_age 86400).
            let com = try await CurlExchange.fetch(host: "mta-sts.example.com", port: port)
            everyExchange.append(com)
            #expect(com.status == 200 && com.body == Array("version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 86400\r\n".utf8), "\(com)")

            // HEAD: 200 without a body. Host is case-insensitive and its port ignored.
            let head = try await CurlExchange.fetch(host: "mta-sts.example.org", port: port, ["-I"])
            everyExchange.append(head)
            #expect(head.status == 200 && head.body.isEmpty, "\(head)")
            let mixedHost = try await CurlExchange.fetch(host: "mta-sts.example.org", port: port, ["-H", "Host: MTA-STS.Example.ORG:\(port)"])
            everyExchange.append(mixedHost)
            #expect(mixedHost.status == 200 && mixedHost.body == Array(Self.orgBody.utf8), "\(mixedHost)")

            // Unknown path, unknown Host behind a known SNI: 404, never another policy.
            for (path, hostHeader) in [("/.well-known/mta-sts.txt/", nil), ("/", nil), ("/.well-known/mta-sts.txt", "mta-sts.unknown.example")] as [(String, String?)] {
                let out = try await CurlExchange.fetch(host: "mta-sts.example.org", port: port, path: path,
                                                      hostHeader.map { ["-H", "Host: \($0)"] } ?? [])
                everyExchange.append(out)
                #expect(out.status == 404, "\(path) Host \(hostHeader ?? "mta-sts.example.org"): \(out)")
                #expect(!String(decoding: out.body, as: UTF8.self).contains("version: STSv1"))
            }

            // Unknown SNI: this server has no certificate for it and refuses the TLS handshake
            // (curl exit 35, no HTTP response) — no other customer's certificate or policy.
            // shop.example is hosted but has no MTA-STS: the same.
            for host in ["mta-sts.unknown.example", "mta-sts.shop.example"] {
                let out = try await CurlExchange.fetch(host: host, port: port)
                everyExchange.append(out)
                #expect(out.result.status == 35 && out.status == nil, "\(host): expected a TLS handshake failure, got \(out)")
            }

            // No redirects, ever (C22).
            for exchange in everyExchange {
                #expect(exchange.header("location") == nil, "Location header: \(exchange)")
                if let status = exchange.status { #expect(!(300...399).contains(status), "\(exchange)") }
            }
        }
    }

    /// The `id=` value of `v=STSv1; id=…` (RFC 8461 §3.1).
    static func policyID(_ text: String) -> String? {
        guard text.hasPrefix("v=STSv1;") else { return nil }
        for field in text.split(separator: ";") {
            let trimmed = field.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("id=") { return String(trimmed.dropFirst(3)) }
        }
        return nil
    }
}
