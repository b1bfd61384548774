import NIOCore

/// Answers each datagram with one datagram to the sender (RFC 1035 §4.2.1).
///
/// Writes are batched: responses to one `recvmmsg` batch are flushed together on
/// `channelReadComplete`, so NIO can send them with `sendmmsg`.
final class UDPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let handler: any DNSQueryHandler
    private var pendingWrites = false

    init(handler: any DNSQueryHandler) {
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let response = envelope.data.withUnsafeReadableBytes { handler.respond(to: $0, overTCP: false) }
        guard let response else { return }
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
