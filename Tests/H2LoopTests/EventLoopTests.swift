import Glibc
import Testing
@testable import H2Loop

/// Records timer firings with the monotonic time they ran at.
private final class TimerRecorder: TimerHandler {
    var fired: [(token: UInt64, at: UInt64)] = []
    func timerFired(token: UInt64, loop: EventLoop) {
        fired.append((token, MonotonicClock.now()))
        if fired.count == 3 { loop.stop() }
    }
}

/// Echo-less reader: collects bytes and timestamps from one socket.
private final class SocketReader: EventHandler {
    var socket: TCPSocket
    var received: [UInt8] = []
    var timestamps: [UInt64] = []
    var sawEOF = false
    let control = UnsafeMutableRawBufferPointer.allocate(byteCount: TCPSocket.timestampControlSize, alignment: 8)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
    init(socket: TCPSocket) { self.socket = socket }
    deinit { control.deallocate(); buffer.deallocate() }

    func handleEvents(_ events: IOEvents, loop: EventLoop) {
        var ts: UInt64 = 0
        while true {
            let r = try! socket.readTimestamped(into: buffer, control: control, rxTimestamp: &ts)
            switch r {
            case .bytes(let n):
                received.append(contentsOf: buffer[0..<n])
                timestamps.append(ts)
            case .endOfFile:
                sawEOF = true
                loop.stop()
                return
            case .wouldBlock:
                return
            }
        }
    }
}

@Suite struct EventLoopTests {
    @Test func timersFireInDeadlineOrderAndNotEarly() throws {
        let loop = try EventLoop()
        let rec = TimerRecorder()
        let start = MonotonicClock.now()
        loop.schedule(at: start + 3_000_000, handler: rec, token: 3)
        loop.schedule(at: start + 1_000_000, handler: rec, token: 1)
        loop.schedule(at: start + 2_000_000, handler: rec, token: 2)
        loop.run(until: start + 2_000_000_000)
        #expect(rec.fired.map(\.token) == [1, 2, 3])
        for (token, at) in rec.fired {
            #expect(at >= start + token * 1_000_000, "timer \(token) fired early")
        }
        #expect(loop.pendingTimers == 0)
    }

    @Test func runReturnsAtItsDeadlineWithNothingToDo() throws {
        let loop = try EventLoop()
        let start = MonotonicClock.now()
        loop.run(until: start + 20_000_000)
        let elapsed = MonotonicClock.now() - start
        #expect(elapsed >= 20_000_000)
        #expect(elapsed < 2_000_000_000)
    }

    @Test func wakerStopsTheLoopFromAnotherThread() throws {
        let loop = try EventLoop()
        let waker = loop.waker
        let other = WorkerThread<Bool>.spawn(name: "stopper") {
            waker.requestStop()
            return true
        }
        loop.run(until: MonotonicClock.now() + 10_000_000_000)
        #expect(other.join())
        #expect(waker.isStopRequested)
    }

    @Test func loopbackBytesArriveWithKernelTimestamps() throws {
        let (listener, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0)
        var listenerCopy = listener
        defer { listenerCopy.close() }
        var client = try TCPSocket.connect(host: "127.0.0.1", port: port, rxTimestamps: true)
        defer { client.close() }
        // Wait for accept with poll(2): bounded, no sleep.
        var pfd = pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pfd, 1, 5_000) == 1)
        var server = try #require(try listener.accept())
        defer { server.close() }
        let control = UnsafeMutableRawBufferPointer.allocate(byteCount: TCPSocket.timestampControlSize, alignment: 8)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { control.deallocate(); buffer.deallocate() }
        // The kernel turns RX timestamping on through deferred work when the first socket asks
        // for it, so the very first segments of a fresh process may carry none. Send rounds
        // until one is stamped (bounded), and check every stamp against the send time.
        var stamped = 0
        let giveUp = MonotonicClock.now() + 5_000_000_000
        var round = 0
        while MonotonicClock.now() < giveUp {
            round += 1
            let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: round), count: 100)
            let before = MonotonicClock.realtimeNanoseconds()
            #expect(payload.withUnsafeBytes { try! server.write($0) } == .bytes(100))
            var got = 0
            while got < 100 {
                var cp = pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0)
                #expect(poll(&cp, 1, 5_000) == 1)
                var ts: UInt64 = 0
                guard case .bytes(let n) = try client.readTimestamped(into: buffer, control: control, rxTimestamp: &ts) else { continue }
                #expect(buffer[0..<n].allSatisfy { $0 == UInt8(truncatingIfNeeded: round) })
                got += n
                if ts != 0 {
                    stamped += 1
                    #expect(ts >= before, "kernel timestamp precedes the send")
                    #expect(ts <= MonotonicClock.realtimeNanoseconds())
                }
            }
            if stamped >= 3 { break }
        }
        #expect(stamped >= 3, "no kernel receive timestamps on loopback")
    }

    @Test func loopReadsUntilEndOfFile() throws {
        let (listener, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0)
        var listenerCopy = listener
        defer { listenerCopy.close() }
        var client = try TCPSocket.connect(host: "127.0.0.1", port: port, rxTimestamps: true)
        var pfd = pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pfd, 1, 5_000) == 1)
        var server = try #require(try listener.accept())
        let payload = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        #expect(payload.withUnsafeBytes { try! server.write($0) } == .bytes(1000))
        server.close()

        let loop = try EventLoop()
        let reader = SocketReader(socket: client)
        let reg = try loop.register(fd: client.fd, interest: .readable, handler: reader)
        loop.run(until: MonotonicClock.now() + 5_000_000_000)
        loop.deregister(reg)
        client.close()
        #expect(reader.received == payload)
        #expect(reader.sawEOF)
    }

    @Test func timerHeapOrdersManyEntries() {
        final class Dummy: TimerHandler { func timerFired(token: UInt64, loop: EventLoop) {} }
        let d = Dummy()
        var heap = TimerHeap()
        var rng = SystemRandomNumberGenerator()
        let deadlines = (0..<500).map { _ in UInt64.random(in: 0..<1_000, using: &rng) }
        for (i, dl) in deadlines.enumerated() { heap.push(.init(deadline: dl, handler: d, token: UInt64(i))) }
        var out: [UInt64] = []
        while heap.count > 0 { out.append(heap.pop().deadline) }
        #expect(out == deadlines.sorted())
    }
}

/// An owner of a loop whose timers point back at it (the cycle `releaseAll` breaks).
private final class LoopOwner: TimerHandler {
    let loop: EventLoop
    init() throws { loop = try EventLoop() }
    func timerFired(token: UInt64, loop: EventLoop) {}
}

@Suite struct EventLoopLifetimeTests {
    @Test func releaseAllBreaksOwnerCyclesAndFreesDescriptors() throws {
        func openDescriptors() -> Int {
            (try? FileManagerLite.count("/proc/self/fd")) ?? -1
        }
        let before = openDescriptors()
        weak var weakOwner: LoopOwner?
        do {
            let owner = try LoopOwner()
            owner.loop.schedule(at: MonotonicClock.now() + 3_600_000_000_000, handler: owner, token: 1)
            weakOwner = owner
            owner.loop.releaseAll()
            #expect(owner.loop.pendingTimers == 0)
        }
        #expect(weakOwner == nil, "the loop owner leaked through its own timer")
        #expect(openDescriptors() == before, "epoll/timerfd/eventfd descriptors leaked")
    }
}

/// Counts directory entries with opendir/readdir (no Foundation in this test target).
enum FileManagerLite {
    static func count(_ path: String) throws -> Int {
        guard let dir = opendir(path) else { throw SystemError(call: "opendir", errno: errno) }
        defer { closedir(dir) }
        var n = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { n += 1 }
        }
        return n
    }
}
