import Hummingbird
import Logging

/// Answers HTTP requests for MTA-STS policies (RFC 8461 §3.3) from a ``PolicyStore``.
///
/// - `GET /.well-known/mta-sts.txt` with `Host: mta-sts.D` (any case, port ignored) for a stored
///   host → `200`, `Content-Type: text/plain`, the stored body byte for byte.
/// - `HEAD` of the same → the same status and headers (with `Content-Length`), no body.
/// - Any other method on the policy path of a stored host → `405` with `Allow: GET, HEAD`.
/// - An unknown or missing host, or any other path → `404`, `text/plain`.
/// A query string is ignored. No response ever redirects or sets `Location`, and no response
/// carries another host's policy (field case C22).
public struct PolicyResponder: HTTPResponder {
    /// Hummingbird's basic per-request context.
    public typealias Context = BasicRequestContext

    /// The well-known path (RFC 8461 §3.2).
    public static let policyPath = "/.well-known/mta-sts.txt"

    /// Where bodies come from.
    public let store: PolicyStore

    /// Serves from `store`.
    public init(store: PolicyStore) { self.store = store }

    /// Builds the response for one request; never throws.
    public func respond(to request: Request, context: Context) async throws -> Response {
        let authority = request.head.authority
        let host = authority.flatMap(PolicyHost.fromAuthority)
        guard request.uri.path == Self.policyPath, let host, let body = store.policy(forHost: host) else {
            context.logger.debug("policy request not found", metadata: [
                "host": .string(authority ?? "-"), "path": .string(request.uri.path),
            ])
            return Self.text(.notFound, "not found\n", head: request.method == .head)
        }
        switch request.method {
        case .get:
            context.logger.debug("policy served", metadata: ["host": .string(host)])
            return Self.text(.ok, body, head: false)
        case .head:
            return Self.text(.ok, body, head: true)
        default:
            var response = Self.text(.methodNotAllowed, "method not allowed\n", head: false)
            response.headers[.allow] = "GET, HEAD"
            return response
        }
    }

    /// A `text/plain` response; for HEAD, the headers of `body` without the body.
    static func text(_ status: HTTPResponse.Status, _ body: String, head: Bool) -> Response {
        let buffer = ByteBuffer(string: body)
        var headers: HTTPFields = [.contentType: "text/plain"]
        if head {
            headers[.contentLength] = String(buffer.readableBytes)
            return Response(status: status, headers: headers, body: ResponseBody())
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }
}
