import NIOCore

/// Answers each datagram with at most one datagram to the sender (RFC 1035 §4.2.1), through
/// the shared ``QueryPipeline`` (metrics, rate limiting, query log).
///
/// Writes are batched: responses to one `recvmmsg` batch are flushed together on
/// `channelReadComplete`, so NIO can send them with `sendmmsg`.
final class UDPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let pipeline: QueryPipeline
    private var pendingWrites = false
    /// Limited responses seen on this channel; every `slip`-th one slips (one channel = one thread).
    private var slipCounter = 0

    init(pipeline: QueryPipeline) {
        self.pipeline = pipeline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let outcome = envelope.data.withUnsafeReadableBytes {
            pipeline.answerUDP($0, from: envelope.remoteAddress, slipCounter: &slipCounter)
        }
        guard case let .send(response) = outcome else { return }
        var out = context.channel.allocator.buffer(capacity: response.count)
        out.writeBytes(response)
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: out)), promise: nil)
        pendingWrites = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
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
