import DNSServer
import Foundation
import Testing

/// TCP still pipelines and still closes idle connections with the pipeline in place
/// (RFC 7766 §6.2.1, §6.2.3; C31).
@Suite(.serialized) struct TCPTransportTests {
    @Test func pipelinedQueriesThenIdleTimeoutCloses() async throws {
        let (server, port) = try await startServer { $0.tcpIdleTimeout = 1 }
        defer { Task { await server.shutdown() } }
        let connection = try TCPClient(port: port, timeoutMilliseconds: 20_000)
        // C31: two framed queries in one write.
        try connection.write(TCPClient.framed(query("www.example.com", type: 1, id: 0x1234))
                             + TCPClient.framed(query("www.example.com", type: 28, id: 0x5678)))
        let first = try #require(try connection.readFramed())
        let second = try #require(try connection.readFramed())
        #expect(Set([Header(first).id, Header(second).id]) == [0x1234, 0x5678])
        #expect(Header(first).ancount == 1 && Header(second).ancount == 1)
        // Then nothing: the server closes after its 1 s idle timeout (bounded well below the
        // client's 20 s read timeout, so a close by anything else cannot pass for it).
        let answered = ContinuousClock.now
        let end = try connection.readFramed()
        let idle = ContinuousClock.now - answered
        #expect(end == nil, "expected the server to close the idle connection")
        #expect(idle >= .milliseconds(900) && idle < .seconds(10), "closed after \(idle)")
    }

    @Test func largeAnswerOverTCPIsWhole() async throws {
        let (server, port) = try await startServer()
        defer { Task { await server.shutdown() } }
        let connection = try TCPClient(port: port)
        try connection.write(TCPClient.framed(query("big.example.com", type: 16)))
        let r = try #require(try connection.readFramed())
        #expect(!Header(r).truncated && Header(r).ancount == 20)
    }
}
