import Glibc
import H2Loop

/// A hostile or broken HTTP/2 "server" for tests: it accepts connections on 127.0.0.1, writes
/// `greeting` to each at once (an empty SETTINGS frame, HTTP/1.1 text, nothing…), and once the
/// client's first HEADERS frame has arrived on a connection writes `afterRequest` there (a
/// window overflow, DATA on an idle stream, an oversize frame…). Everything else it reads is
/// discarded. It never answers PING or SETTINGS. With `closeAfterGreeting` it closes each
/// connection right after the greeting; with `readsNothing` it never reads a byte (the
/// client's writes back up once the socket buffers are full); with `thenClose` it ends the
/// connection right after `afterRequest`, with a FIN or a TCP RST.
///
/// Runs on its own thread, bounded by a 30 s deadline, until ``stop()``.
public final class ScriptedPeer: @unchecked Sendable {
    // @unchecked Sendable: `listener` is read-only after init; the serving thread owns every
    // accepted socket; `stop` only writes to the stop pipe and joins.
    public let port: UInt16
    private var listener: TCPSocket
    private var thread: WorkerThread<Int>?
    private var stopPipe: [Int32] = [-1, -1]

    /// One HTTP/2 frame: the 9-byte header and `payload` (RFC 9113 §4.1).
    public static func frame(type: UInt8, flags: UInt8 = 0, stream: UInt32, payload: [UInt8] = [], length: Int? = nil) -> [UInt8] {
        let n = length ?? payload.count
        return [UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff), type, flags,
                UInt8(stream >> 24 & 0x7f), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)] + payload
    }

    public static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// An empty SETTINGS frame: what a server must send first.
    public static let emptySettings = frame(type: 4, stream: 0)

    /// How the peer ends a connection after `afterRequest`.
    public enum Closing: Sendable {
        /// `close()`: the client reads end-of-file.
        case fin
        /// `SO_LINGER` 0, then `close()`: the kernel sends RST, the client reads ECONNRESET.
        case rst
    }

    public init(greeting: [UInt8], afterRequest: [UInt8] = [], thenClose: Closing? = nil, closeAfterGreeting: Bool = false,
         readsNothing: Bool = false) throws {
        (listener, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0)
        _ = pipe(&stopPipe)
        let listenFD = listener.fd
        let stopFD = stopPipe[0]
        thread = WorkerThread.spawn(name: "scripted-peer") {
            var connections: [Connection] = []
            var accepted = 0
            let deadline = MonotonicClock.now() + 30_000_000_000
            var buffer = [UInt8](repeating: 0, count: 65_536)
            serve: while MonotonicClock.now() < deadline {
                var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0)]
                fds += connections.map { pollfd(fd: $0.fd, events: readsNothing ? 0 : Int16(POLLIN), revents: 0) }
                guard poll(&fds, nfds_t(fds.count), 1_000) >= 0 else { break }
                if fds[1].revents != 0 { break serve }
                if fds[0].revents != 0, let sock = try? TCPSocket(fd: listenFD).accept() {
                    accepted += 1
                    Self.send(greeting, to: sock.fd)
                    if closeAfterGreeting {
                        Glibc.close(sock.fd)
                    } else {
                        connections.append(Connection(fd: sock.fd))
                    }
                }
                for (i, p) in fds.dropFirst(2).enumerated() where p.revents != 0 {
                    let n = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }
                    guard n > 0 else {
                        close(p.fd)
                        connections[i].fd = -1
                        continue
                    }
                    if connections[i].sawHeaders(in: buffer[0..<n]), !afterRequest.isEmpty {
                        Self.send(afterRequest, to: p.fd)
                        if let thenClose {
                            if thenClose == .rst {
                                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                                _ = setsockopt(p.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                            }
                            close(p.fd)
                            connections[i].fd = -1
                        }
                    }
                }
                connections.removeAll { $0.fd < 0 }
            }
            for c in connections { close(c.fd) }
            return accepted
        }
    }

    private static func send(_ bytes: [UInt8], to fd: Int32) {
        guard !bytes.isEmpty else { return }
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Stops the serving thread; returns how many connections it accepted.
    public func stop() -> Int {
        var one: UInt8 = 1
        _ = write(stopPipe[1], &one, 1)
        let n = thread?.join() ?? 0
        listener.close()
        close(stopPipe[0])
        close(stopPipe[1])
        return n
    }

    /// One accepted connection and how far its client's bytes have been parsed.
    private struct Connection {
        var fd: Int32
        var received: [UInt8] = []
        var parsed = 24   // the client preface
        var headersSeen = false

        /// Appends `bytes`; true exactly once, when the first HEADERS frame is complete.
        mutating func sawHeaders(in bytes: ArraySlice<UInt8>) -> Bool {
            guard !headersSeen else { return false }
            received += bytes
            while received.count >= parsed + 9 {
                let length = Int(received[parsed]) << 16 | Int(received[parsed + 1]) << 8 | Int(received[parsed + 2])
                guard received.count >= parsed + 9 + length else { break }
                let type = received[parsed + 3]
                parsed += 9 + length
                if type == 1 {
                    headersSeen = true
                    return true
                }
            }
            return false
        }
    }
}
