import CLinux
import Glibc

/// A non-blocking TCP socket descriptor with the reads and writes the harness needs.
///
/// Threading: owned by one loop thread. The owner calls ``close()`` exactly once.
public struct TCPSocket {
    /// The descriptor (−1 after ``close()``).
    public private(set) var fd: Int32

    /// Wraps an already open non-blocking descriptor.
    public init(fd: Int32) { self.fd = fd }

    /// Starts a non-blocking connect to a numeric IPv4/IPv6 address. With `rxTimestamps`,
    /// `SO_TIMESTAMPING` (software RX) is enabled *before* `connect()` so that even the peer's
    /// first bytes carry a kernel timestamp. Completion is signalled by writability; check
    /// ``pendingError()`` then.
    public static func connect(host: String, port: UInt16, rxTimestamps: Bool) throws(SystemError) -> TCPSocket {
        let fd = CLinux_connect_tcp(host, port, rxTimestamps ? 1 : 0)
        guard fd >= 0 else { throw SystemError.last("connect \(host):\(port)") }
        return TCPSocket(fd: fd)
    }

    /// The numeric address (`127.0.0.1`, `::1`, …) of a host name or address, through the
    /// system resolver (`getaddrinfo`: `/etc/hosts`, DNS, …); an IPv4 address when the name
    /// has one. Numeric input comes back unchanged. Blocking: call it once, before load starts.
    ///
    /// - Returns: the address, or the resolver's reason when the name does not resolve.
    public static func resolve(host: String) -> Result<String, HostResolutionError> {
        var buffer = [CChar](repeating: 0, count: 64)   // NI_MAXHOST-sized for numeric text
        let code = CLinux_resolve_host(host, &buffer, buffer.count)
        guard code == 0 else {
            return .failure(HostResolutionError(host: host, reason: String(cString: CLinux_resolve_error(code))))
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// Binds and listens; port 0 picks a free port (returned).
    /// With `reusePort`, `SO_REUSEPORT` lets several loops each own a listener on the same port
    /// (the kernel spreads connections over them).
    public static func listen(host: String, port: UInt16, backlog: Int32 = 1024, reusePort: Bool = false) throws(SystemError) -> (TCPSocket, UInt16) {
        var bound: UInt16 = 0
        let fd = CLinux_listen_tcp(host, port, backlog, reusePort ? 1 : 0, &bound)
        guard fd >= 0 else { throw SystemError.last("listen \(host):\(port)") }
        return (TCPSocket(fd: fd), bound)
    }

    /// Accepts one pending connection (non-blocking, TCP_NODELAY set), or nil when none is pending.
    public func accept() throws(SystemError) -> TCPSocket? {
        while true {
            let c = CLinux_accept(fd)
            if c >= 0 {
                _ = CLinux_set_nodelay(c)
                return TCPSocket(fd: c)
            }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            case ECONNABORTED, EPROTO: continue
            default: throw SystemError.last("accept4")
            }
        }
    }

    /// The socket's pending error (`SO_ERROR`), e.g. after a non-blocking connect; 0 when fine.
    public func pendingError() -> Int32 { CLinux_socket_error(fd) }

    /// Reads into `buffer`. The corresponding C function is `read`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> IOResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfFile }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EBADF, EFAULT: preconditionFailure("BUG DETECTED: read on a bad descriptor or buffer")
            default: throw SystemError.last("read")
            }
        }
    }

    /// Reads into `buffer` with `recvmsg`, returning the kernel's software receive timestamp
    /// (`CLOCK_REALTIME` ns, 0 when the read carried none) through `rxTimestamp`.
    /// `control` is a per-connection buffer of at least ``timestampControlSize`` bytes.
    public func readTimestamped(into buffer: UnsafeMutableRawBufferPointer, control: UnsafeMutableRawBufferPointer,
                                rxTimestamp: inout UInt64) throws(SystemError) -> IOResult {
        while true {
            let n = CLinux_recv_timestamped(fd, buffer.baseAddress, buffer.count, control.baseAddress, control.count, &rxTimestamp)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfFile }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EBADF, EFAULT: preconditionFailure("BUG DETECTED: recvmsg on a bad descriptor or buffer")
            default: throw SystemError.last("recvmsg")
            }
        }
    }

    /// Bytes of control buffer ``readTimestamped(into:control:rxTimestamp:)`` needs.
    public static var timestampControlSize: Int { CLinux_timestamp_control_size() }

    /// Writes from `bytes`. The corresponding C function is `send` with `MSG_NOSIGNAL`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> IOResult {
        while true {
            let n = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return n == 0 ? .wouldBlock : .bytes(n) }
            switch Glibc.errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EBADF, EFAULT: preconditionFailure("BUG DETECTED: send on a bad descriptor or buffer")
            default: throw SystemError.last("send")
            }
        }
    }

    /// Makes the next ``close()`` send a TCP RST instead of a FIN (`SO_LINGER {1, 0}`).
    public func setResetOnClose() { _ = CLinux_set_linger_reset(fd) }

    /// Shuts down the write side (sends FIN) while keeping the descriptor.
    public func shutdownWrite() { _ = shutdown(fd, Int32(SHUT_WR)) }

    /// Closes the descriptor.
    public mutating func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }
}
