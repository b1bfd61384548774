#if os(Linux)
import Glibc
import NIOCore
import Synchronization

/// One UDP socket (SO_REUSEPORT) served by its own thread with `recvmmsg(2)` and
/// `sendmmsg(2)`: up to `batch` datagrams per system call each way, read into and answered
/// from buffers allocated once, so a query costs no allocation, no channel pipeline and no
/// `SocketAddress` (RFC 1035 §4.2.1: one answer datagram to the sender's address).
///
/// The thread blocks in `recvmmsg` with `MSG_WAITFORONE` (wait for the first datagram, then
/// take whatever else is queued). ``stop()`` shuts the socket down, which wakes it; a 200 ms
/// receive timeout is the fallback. The snapshot is pinned and the counters tallied once per
/// batch.
final class BatchedUDPSocket: @unchecked Sendable {
    // @unchecked: after `start()` the buffers belong to the thread alone; `stopping` is atomic.

    /// `recvmmsg(2)` / `sendmmsg(2)`, looked up at run time: Swift's Glibc module does not
    /// export them (they need `_GNU_SOURCE`).
    private typealias RecvMMsg = @convention(c) (Int32, UnsafeMutableRawPointer?, UInt32, Int32, UnsafeMutablePointer<timespec>?) -> Int32
    private typealias SendMMsg = @convention(c) (Int32, UnsafeMutableRawPointer?, UInt32, Int32) -> Int32
    private static let functions: (recv: RecvMMsg, send: SendMMsg)? = {
        guard let recv = dlsym(nil, "recvmmsg"), let send = dlsym(nil, "sendmmsg") else { return nil }
        return (unsafeBitCast(recv, to: RecvMMsg.self), unsafeBitCast(send, to: SendMMsg.self))
    }()

    /// Whether this system has `recvmmsg` and `sendmmsg`.
    static var isAvailable: Bool { functions != nil }

    /// `struct mmsghdr` (a `msghdr` and the length received or sent; 64 octets on LP64).
    private struct MMsgHdr {
        var header = msghdr()
        var length: UInt32 = 0
    }

    /// Largest query read; longer datagrams are cut (and then FORMERR or dropped).
    static let querySize = 4096
    private static let MSG_WAITFORONE: Int32 = 0x10000

    private let fd: Int32
    /// The bound port.
    let port: Int
    private let pipeline: QueryPipeline
    private let batch: Int
    private let answerSize: Int
    private let stopping = Atomic<Bool>(false)
    private var thread: pthread_t?

    // Buffers, allocated once.
    private let receiveMessages: UnsafeMutablePointer<MMsgHdr>
    private let sendMessages: UnsafeMutablePointer<MMsgHdr>
    private let receiveVectors: UnsafeMutablePointer<iovec>
    private let sendVectors: UnsafeMutablePointer<iovec>
    private let addresses: UnsafeMutablePointer<sockaddr_storage>
    private let queries: UnsafeMutableRawPointer
    private let answers: UnsafeMutableRawPointer

    /// Opens and binds the socket.
    ///
    /// - Parameters:
    ///   - address: where to bind (port 0 picks one; read it from ``port``).
    ///   - batch: datagrams per system call (1…1024).
    ///   - pipeline: answers each datagram.
    /// - Throws: ``DNSServerError/bindFailed(transport:address:underlying:)``.
    init(address: SocketAddress, batch: Int, pipeline: QueryPipeline) throws {
        guard Self.isAvailable else {
            throw DNSServerError.bindFailed(transport: "udp", address: "\(address)", underlying: "recvmmsg/sendmmsg not available")
        }
        let family: Int32
        switch address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        case .unixDomainSocket:
            throw DNSServerError.bindFailed(transport: "udp", address: "\(address)", underlying: "not an IP address")
        }
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw DNSServerError.bindFailed(transport: "udp", address: "\(address)", underlying: "socket: errno \(errno)")
        }
        var one: Int32 = 1
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        var bound: Int32 = 0
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        address.withSockAddr { pointer, length in bound = bind(fd, pointer, socklen_t(length)) }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw DNSServerError.bindFailed(transport: "udp", address: "\(address)", underlying: "bind: errno \(code)")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let port = withUnsafeMutablePointer(to: &storage) { pointer -> Int in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
        self.fd = fd
        self.port = port
        self.pipeline = pipeline
        self.batch = min(max(1, batch), 1024)
        self.answerSize = max(512, min(65535, pipeline.handler.responseCapacity(overTCP: false)))
        receiveMessages = .allocate(capacity: self.batch)
        sendMessages = .allocate(capacity: self.batch)
        receiveVectors = .allocate(capacity: self.batch)
        sendVectors = .allocate(capacity: self.batch)
        addresses = .allocate(capacity: self.batch)
        queries = .allocate(byteCount: self.batch * Self.querySize, alignment: 16)
        answers = .allocate(byteCount: self.batch * answerSize, alignment: 16)
        receiveMessages.initialize(repeating: MMsgHdr(), count: self.batch)
        sendMessages.initialize(repeating: MMsgHdr(), count: self.batch)
        receiveVectors.initialize(repeating: iovec(), count: self.batch)
        sendVectors.initialize(repeating: iovec(), count: self.batch)
        addresses.initialize(repeating: sockaddr_storage(), count: self.batch)
    }

    deinit {
        close(fd)
        receiveMessages.deallocate()
        sendMessages.deallocate()
        receiveVectors.deallocate()
        sendVectors.deallocate()
        addresses.deallocate()
        queries.deallocate()
        answers.deallocate()
    }

    /// Starts the serving thread.
    func start() {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            let socket = Unmanaged<BatchedUDPSocket>.fromOpaque(context!).takeRetainedValue()
            socket.serve()
            return nil
        }, box.toOpaque())
        precondition(result == 0, "pthread_create failed: \(result)")
        self.thread = thread
    }

    /// Stops the thread and waits for it (the socket closes when this object goes away).
    func stop() {
        guard !stopping.exchange(true, ordering: .acquiring) else { return }
        _ = shutdown(fd, Int32(SHUT_RDWR))
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    private func serve() {
        guard let (recvmmsg, sendmmsg) = Self.functions else { return }
        var tally = QueryTally()
        var slipCounter = 0
        let batch = self.batch
        while !stopping.load(ordering: .relaxed) {
            for i in 0..<batch {
                receiveVectors[i] = iovec(iov_base: queries + i * Self.querySize, iov_len: Self.querySize)
                receiveMessages[i].header = msghdr(
                    msg_name: UnsafeMutableRawPointer(addresses + i), msg_namelen: socklen_t(MemoryLayout<sockaddr_storage>.size),
                    msg_iov: receiveVectors + i, msg_iovlen: 1, msg_control: nil, msg_controllen: 0, msg_flags: 0)
            }
            let received = Int(recvmmsg(fd, receiveMessages, UInt32(batch), Self.MSG_WAITFORONE, nil))
            if received <= 0 {
                // EAGAIN (timeout), EINTR, or 0 after shutdown: look at `stopping` again.
                continue
            }
            let handler = pipeline.handler.pinnedForBatch()
            var clock = QueryPipeline.now()
            var answersUsed = 0
            var count = 0
            for i in 0..<received {
                let query = UnsafeRawBufferPointer(start: queries + i * Self.querySize, count: Int(receiveMessages[i].length))
                let answer = UnsafeMutableRawBufferPointer(start: answers + answersUsed, count: answerSize)
                guard let length = pipeline.answerUDP(query, from: RawSocketAddress(storage: addresses + i), handler: handler,
                                                      into: answer, slipCounter: &slipCounter, tally: &tally, clock: &clock)
                else { continue }
                sendVectors[count] = iovec(iov_base: answers + answersUsed, iov_len: length)
                sendMessages[count].header = msghdr(
                    msg_name: UnsafeMutableRawPointer(addresses + i), msg_namelen: receiveMessages[i].header.msg_namelen,
                    msg_iov: sendVectors + count, msg_iovlen: 1, msg_control: nil, msg_controllen: 0, msg_flags: 0)
                answersUsed += answerSize
                count += 1
            }
            tally.flush(to: pipeline.metrics, overTCP: false)
            var sent = 0
            while sent < count {
                let result = Int(sendmmsg(fd, sendMessages + sent, UInt32(count - sent), 0))
                if result > 0 {
                    sent += result
                } else if errno == EINTR {
                    continue
                } else {
                    // This datagram cannot be sent (e.g. an unreachable or invalid address): skip it.
                    sent += 1
                }
            }
        }
    }
}
#endif
