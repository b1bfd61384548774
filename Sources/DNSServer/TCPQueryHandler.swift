import NIOCore

/// Splits a TCP byte stream into DNS messages by their 2-octet length prefix (RFC 1035 §4.2.2).
///
/// Handles prefixes split across reads and several messages in one read (RFC 7766 §8).
/// A zero-length message closes the connection.
struct TCPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    enum FrameError: Error { case emptyMessage }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) else { return .needMoreData }
        if length == 0 { throw FrameError.emptyMessage }
        guard buffer.readableBytes >= 2 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 2)
        let message = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(NIOAny(message))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Answers framed queries on one TCP connection, many per connection (RFC 7766 §6.2.1),
/// through the shared ``QueryPipeline`` (metrics and query log; TCP is never rate limited).
///
/// Reading pauses while the connection is not writable, so a client that does not read its
/// answers cannot make the server queue unbounded output. The connection closes after
/// `maxQueries` answers, on idle timeout, or on a framing error.
final class TCPQueryHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let pipeline: QueryPipeline
    private let maxQueries: Int
    private var client: SocketAddress?
    private var answered = 0
    private var pendingWrites = false
    private var readPending = false

    init(pipeline: QueryPipeline, maxQueries: Int) {
        self.pipeline = pipeline
        self.maxQueries = maxQueries
    }

    func handlerAdded(context: ChannelHandlerContext) {
        client = context.channel.remoteAddress
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let query = unwrapInboundIn(data)
        guard answered < maxQueries else { return }
        let response = query.withUnsafeReadableBytes { pipeline.answerTCP($0, from: client) }
        guard let response else { return }
        answered += 1
        var out = context.channel.allocator.buffer(capacity: response.count + 2)
        out.writeInteger(UInt16(truncatingIfNeeded: response.count))
        out.writeBytes(response)
        if answered >= maxQueries {
            pendingWrites = false
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.write(wrapOutboundOut(out), promise: nil)
            pendingWrites = true
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if pendingWrites {
            pendingWrites = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    // Back-pressure: hold reads while the peer is not draining its answers.
    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, readPending {
            readPending = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
