import CLinux

/// One TLS connection over a non-blocking ``TCPSocket``, as a memory engine: the socket I/O
/// stays with the caller (so kernel receive timestamps keep working), OpenSSL only encrypts
/// and decrypts between two ciphertext rings (an OpenSSL BIO pair) that socket reads and
/// writes fill and drain in place, without copies.
///
/// Use: after the TCP connect (or accept), call ``pumpHandshake(socket:)`` on every readiness
/// event until it reports `.complete`; then per wake ``receive(from:control:rxTimestamp:)``
/// and ``decrypt(into:)`` until `.needsInput`, and ``encrypt(_:)`` followed by ``send(to:)``.
///
/// Threading: owned by one loop thread, like its socket.
/// Invariants: ciphertext received is always decrypted before the next receive, so the
/// incoming ring never fills; encrypted bytes leave only through ``send(to:)``.
public final class TLSSession {
    private let handle: OpaquePointer
    /// Whether this is the server side.
    public let isServer: Bool
    /// The name the client checks the certificate against (nil on the server).
    public let serverName: String?
    /// True when the last ``receive(from:control:rxTimestamp:)`` got fewer bytes than it had
    /// room for (the socket is most likely drained for now).
    public private(set) var lastReceiveWasShort = false
    /// Whether the handshake has completed (ALPN `h2` agreed).
    public private(set) var isEstablished = false

    /// Progress of ``pumpHandshake(socket:)``.
    public enum HandshakeProgress: Equatable, Sendable {
        /// The handshake is done; ALPN `h2` was agreed.
        case complete
        /// Waiting for the peer: register for readability, and writability when `wantsWritable`.
        case waiting(wantsWritable: Bool)
    }

    /// Result of ``decrypt(into:)``.
    public enum DecryptResult: Equatable, Sendable {
        /// This many plaintext bytes were written to the buffer (> 0).
        case bytes(Int)
        /// Everything received so far is decrypted; receive more ciphertext first.
        case needsInput
        /// The peer ended the TLS session (close_notify).
        case closed
    }

    /// Bytes of each ciphertext ring (incoming and outgoing).
    public static let defaultRingBytes = 64 * 1024

    /// A client (with `serverName`, checked against the certificate and sent as SNI when it is
    /// a DNS name) or server session, following `context`'s role.
    public init(context: TLSContext, serverName: String?, ringBytes: Int = TLSSession.defaultRingBytes) throws(TLSError) {
        guard let t = CLinux_tls_new(context.handle, context.isServer ? 1 : 0,
                                     context.isServer ? nil : serverName, ringBytes) else {
            throw TLSError("TLS session could not be created (out of memory)")
        }
        handle = t
        isServer = context.isServer
        self.serverName = context.isServer ? nil : serverName
    }

    deinit { CLinux_tls_free(handle) }

    /// The last failure as text.
    private var lastError: String { String(cString: CLinux_tls_error(handle)) }

    // MARK: Handshake

    /// Drives the handshake as far as it goes without blocking: reads what has arrived, advances
    /// OpenSSL, sends what it produced. Throws a ``TLSError`` naming the cause (certificate
    /// verification, ALPN, alert from the peer, peer closed, socket error); the alert OpenSSL
    /// produced for the peer is sent first, best effort.
    public func pumpHandshake(socket: TCPSocket) throws(TLSError) -> HandshakeProgress {
        var peerClosed = false
        var socketError: SystemError?
        readLoop: for _ in 0..<8 {
            var space: UnsafeMutableRawPointer?
            let room = CLinux_tls_in_space(handle, &space)
            guard room > 0, let space else { break }
            do {
                switch try socket.read(into: UnsafeMutableRawBufferPointer(start: space, count: room)) {
                case .bytes(let n):
                    CLinux_tls_in_commit(handle, n)
                    if n < room { break readLoop }
                case .wouldBlock: break readLoop
                case .endOfFile: peerClosed = true; break readLoop
                }
            } catch {
                socketError = error
                break readLoop
            }
        }
        let step = CLinux_tls_handshake(handle)
        if step < 0 {
            let message = lastError
            _ = try? send(to: socket)   // the alert, so the peer learns why
            throw TLSError(message)
        }
        let drained: Bool
        do {
            drained = try send(to: socket)
        } catch {
            throw TLSError("TLS handshake: \(error)")
        }
        if step == 1 {
            isEstablished = true
            return .complete
        }
        if let socketError { throw TLSError("TLS handshake: \(socketError)") }
        if peerClosed { throw TLSError("peer closed the connection during the TLS handshake") }
        return .waiting(wantsWritable: !drained)
    }

    // MARK: Records

    /// Reads ciphertext from `socket` straight into the incoming ring. With `control`, reads
    /// with `recvmsg` and returns the kernel receive timestamp (`CLOCK_REALTIME` ns, 0 when
    /// none) of these *encrypted* bytes through `rxTimestamp`. `.wouldBlock` also when the ring
    /// has no room (decrypt first).
    public func receive(from socket: TCPSocket, control: UnsafeMutableRawBufferPointer?,
                        rxTimestamp: inout UInt64) throws(SystemError) -> IOResult {
        var space: UnsafeMutableRawPointer?
        let room = CLinux_tls_in_space(handle, &space)
        guard room > 0, let space else { return .wouldBlock }
        let buffer = UnsafeMutableRawBufferPointer(start: space, count: room)
        let result: IOResult
        if let control {
            result = try socket.readTimestamped(into: buffer, control: control, rxTimestamp: &rxTimestamp)
        } else {
            result = try socket.read(into: buffer)
        }
        if case .bytes(let n) = result {
            CLinux_tls_in_commit(handle, n)
            lastReceiveWasShort = n < room
        }
        return result
    }

    /// Decrypts received records into `buffer`. Call until `.needsInput` after every receive.
    public func decrypt(into buffer: UnsafeMutableRawBufferPointer) throws(TLSError) -> DecryptResult {
        let n = CLinux_tls_read(handle, buffer.baseAddress, buffer.count)
        if n > 0 { return .bytes(n) }
        if n == 0 { return .needsInput }
        if n == -2 { return .closed }
        throw TLSError(lastError)
    }

    /// Encrypts the front of `bytes` into the outgoing ring and returns how many bytes it took
    /// (0 when the ring is full: ``send(to:)`` first, then call again with the same bytes in front).
    public func encrypt(_ bytes: UnsafeRawBufferPointer) throws(TLSError) -> Int {
        let n = CLinux_tls_write(handle, bytes.baseAddress, bytes.count)
        guard n >= 0 else { throw TLSError(lastError) }
        return n
    }

    /// Whether encrypted bytes wait to be sent.
    public var hasPendingOutput: Bool {
        var p: UnsafeRawPointer?
        return CLinux_tls_out_pending(handle, &p) > 0
    }

    /// Sends queued ciphertext. Returns true when nothing is left queued, false when the socket
    /// would block (wait for writability).
    public func send(to socket: TCPSocket) throws(SystemError) -> Bool {
        while true {
            var p: UnsafeRawPointer?
            let pending = CLinux_tls_out_pending(handle, &p)
            guard pending > 0, let p else { return true }
            switch try socket.write(UnsafeRawBufferPointer(start: p, count: pending)) {
            case .bytes(let n):
                CLinux_tls_out_consume(handle, n)
                if n < pending { return false }   // the socket's send buffer is full
            case .wouldBlock, .endOfFile:
                return false
            }
        }
    }

    /// Queues a close_notify alert (send it with ``send(to:)``); does not wait for the peer's.
    public func closeNotify() { CLinux_tls_close_notify(handle) }

    /// The ALPN protocol agreed in the handshake ("h2"), empty before it.
    public var negotiatedProtocol: String {
        var buf = [CChar](repeating: 0, count: 64)
        let n = CLinux_tls_alpn(handle, &buf, buf.count)
        return String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The protocol version, e.g. "TLSv1.3".
    public var protocolVersion: String { String(cString: CLinux_tls_version(handle)) }
}
