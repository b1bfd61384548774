import NIOCore

/// Answers each datagram with at most one datagram to the sender (RFC 1035 §4.2.1), through
/// the shared ``QueryPipeline`` (metrics, rate limiting, query log). The NIO form of the UDP
/// transport, used where ``BatchedUDPSocket`` (Linux `recvmmsg`/`sendmmsg`) is not.
///
/// Per vector read (one `recvmmsg` batch): the handler is pinned and the counters tallied
/// once; responses are flushed together on `channelReadComplete`, so NIO can send them with
/// `sendmmsg`.
final class UDPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let pipeline: QueryPipeline
    private var pinned: (any DNSQueryHandler)?
    private var tally = QueryTally()
    private var clock: UInt64 = 0
    private var pendingWrites = false
    /// Limited responses seen on this channel; every `slip`-th one slips (one channel = one thread).
    private var slipCounter = 0

    init(pipeline: QueryPipeline) {
        self.pipeline = pipeline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        if pinned == nil {
            pinned = pipeline.handler.pinnedForBatch()
            clock = QueryPipeline.now()
        }
        let handler = pinned!
        var out = context.channel.allocator.buffer(capacity: handler.responseCapacity(overTCP: false))
        let written = out.writeWithUnsafeMutableBytes(minimumWritableBytes: handler.responseCapacity(overTCP: false)) { buffer in
            envelope.data.withUnsafeReadableBytes { query in
                pipeline.answerUDP(query, from: envelope.remoteAddress, handler: handler, into: buffer,
                                   slipCounter: &slipCounter, tally: &tally, clock: &clock) ?? 0
            }
        }
        guard written > 0 else { return }
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: out)), promise: nil)
        pendingWrites = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        pinned = nil
        tally.flush(to: pipeline.metrics, overTCP: false)
        if pendingWrites {
            pendingWrites = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A UDP socket error (e.g. ICMP port unreachable surfaced as ECONNREFUSED) must not
        // close the listener.
    }
}
