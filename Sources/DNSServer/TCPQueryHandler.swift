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
/// The answers to all messages of one read are written, length-prefixed, into one buffer and
/// sent with one write and one flush on `channelReadComplete` (pipelined queries cost one
/// `writev` per read, not one per query). Reading pauses while the connection is not
/// writable, so a client that does not read its answers cannot make the server queue
/// unbounded output. The connection closes after `maxQueries` answers, on idle timeout, or on
/// a framing error.
final class TCPQueryHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The first try's answer space: most answers fit; a larger one is answered again into
    /// the full 65535 octets.
    static let smallAnswer = 4096

    private let pipeline: QueryPipeline
    private let maxQueries: Int
    private var client: SocketAddress?
    private var answered = 0
    private var readPending = false
    /// Answers of the current read, not yet written.
    private var pending: ByteBuffer?
    private var pinned: (any DNSQueryHandler)?
    private var tally = QueryTally()
    private var clock: UInt64 = 0

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
        if pinned == nil {
            pinned = pipeline.handler.pinnedForBatch()
            clock = QueryPipeline.now()
        }
        let handler = pinned!
        var out = pending ?? context.channel.allocator.buffer(capacity: 2 + Self.smallAnswer)
        pending = nil
        var space = Self.smallAnswer
        var outcome = QueryPipeline.TCPOutcome.dropped
        while true {
            let written = out.writeWithUnsafeMutableBytes(minimumWritableBytes: 2 + space) { raw in
                let body = UnsafeMutableRawBufferPointer(rebasing: raw[2..<(2 + space)])
                outcome = query.withUnsafeReadableBytes {
                    pipeline.answerTCP($0, from: client, handler: handler, into: body, tally: &tally, clock: &clock)
                }
                guard case let .answered(length) = outcome else { return 0 }
                raw[0] = UInt8(truncatingIfNeeded: length >> 8)
                raw[1] = UInt8(truncatingIfNeeded: length)
                return 2 + length
            }
            if case .needsLargerBuffer = outcome, space < 65535 {
                space = 65535
                continue
            }
            _ = written
            break
        }
        if case .answered = outcome { answered += 1 }
        if answered >= maxQueries {
            pinned = nil
            tally.flush(to: pipeline.metrics, overTCP: true)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            pending = out
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        pinned = nil
        tally.flush(to: pipeline.metrics, overTCP: true)
        if let out = pending {
            pending = nil
            if out.readableBytes > 0 {
                context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            }
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
