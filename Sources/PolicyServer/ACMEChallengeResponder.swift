import Foundation
import Hummingbird
import Logging

/// Answers ACME HTTP-01 challenge requests (RFC 8555 §8.3) from a webroot directory, and
/// nothing else.
///
/// - `GET` or `HEAD /.well-known/acme-challenge/TOKEN`, where `TOKEN` is 1…256 characters of
///   the base64url alphabet `[A-Za-z0-9_-]` (RFC 8555 §8.1, §8.3) and the file
///   `<webroot>/.well-known/acme-challenge/TOKEN` exists → `200`,
///   `Content-Type: application/octet-stream`, the file's bytes (the key authorization; at most
///   ``maximumFileSize`` octets are served).
/// - Anything else (other paths, other methods, a token with any other character such as `.`,
///   `/`, `%` — so no path traversal is possible — or a missing file) → `404`, `text/plain`.
///
/// The `Host` header is not looked at: the CA asks for the token on whatever name it validates.
/// No response ever redirects. The webroot is where `lego --http.webroot` writes tokens; the file
/// is read on each request, so tokens written by another process are served at once.
public struct ACMEChallengeResponder: HTTPResponder {
    /// Hummingbird's basic per-request context.
    public typealias Context = BasicRequestContext

    /// The URL path prefix of challenge tokens (RFC 8555 §8.3).
    public static let challengePrefix = "/.well-known/acme-challenge/"
    /// Largest challenge file served, in octets (a key authorization is ~90 octets).
    public static let maximumFileSize = 4096

    /// The directory under which `.well-known/acme-challenge/<token>` files are written.
    public let webroot: String

    /// Serves tokens from `webroot`.
    public init(webroot: String) { self.webroot = webroot }

    /// Whether `token` is a syntactically valid challenge token: 1…256 characters of
    /// `[A-Za-z0-9_-]` (RFC 8555 §8.1 base64url without padding).
    public static func isValidToken(_ token: Substring) -> Bool {
        guard (1...256).contains(token.utf8.count) else { return false }
        return token.utf8.allSatisfy { byte in
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// The file path holding `token`'s key authorization, or `nil` for an invalid token.
    public func path(forToken token: Substring) -> String? {
        guard Self.isValidToken(token) else { return nil }
        return "\(webroot)/.well-known/acme-challenge/\(token)"
    }

    /// Builds the response for one request; never throws.
    public func respond(to request: Request, context: Context) async throws -> Response {
        let head = request.method == .head
        let path = request.uri.path
        guard request.method == .get || head, path.hasPrefix(Self.challengePrefix),
              let file = self.path(forToken: path.dropFirst(Self.challengePrefix.count)),
              let bytes = Self.readSmallFile(file) else {
            context.logger.debug("acme challenge not found", metadata: ["path": .string(path), "method": "\(request.method)"])
            return PolicyResponder.text(.notFound, "not found\n", head: head)
        }
        context.logger.info("acme challenge served", metadata: ["path": .string(path)])
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        var headers: HTTPFields = [.contentType: "application/octet-stream"]
        if head {
            headers[.contentLength] = String(bytes.count)
            return Response(status: .ok, headers: headers, body: ResponseBody())
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    /// The bytes of the regular file at `path` when it is at most ``maximumFileSize`` octets.
    static func readSmallFile(_ path: String) -> [UInt8]? {
        guard let stamp = FileStamp(path: path), stamp.size <= Int64(maximumFileSize),
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data.prefix(maximumFileSize))
    }
}
