import H2Loop
import H2Wire

// ClientTransport: the byte pipe under one ClientConnection — its non-blocking TCP socket, with
// TLS on top for TLS targets — seen by the connection's one read loop and one flush as
// "receive, then take plaintext" and "write these bytes out".

/// The socket of one ``ClientConnection``, plain (h2c) or under a ``TLSSession``.
///
/// The connection runs one read loop and one flush for both: ``receive(into:control:rxTimestamp:)``
/// reads from the socket (h2c: straight into the caller's buffer; TLS: into the TLS ring) and
/// ``plaintext(into:)`` then hands out what nghttp2 should see, until `.needsInput`; ``write(_:)``
/// sends the session's output (TLS: encrypted on the way). Each call tests `tls` once; there is
/// no per-byte or per-frame indirection, and no existential.
///
/// Threading: a value owned by its connection, on the worker's loop thread.
/// Invariants: `tls` is nil until ``beginTLS(context:serverName:)`` and again after ``close()``;
/// `unread` is non-zero only between an h2c receive and the ``plaintext(into:)`` that hands it out.
struct ClientTransport {
    /// A transport failure, worded as the connection reports it (socket errors as they are,
    /// OpenSSL errors prefixed "TLS error: ").
    struct Failure: Error {
        let reason: String
    }

    /// The TCP socket (fd -1 before the first connect and after ``close()``).
    private(set) var socket: TCPSocket
    /// The TLS engine over `socket`; nil for h2c.
    private(set) var tls: TLSSession?
    /// True when the last ``receive(into:control:rxTimestamp:)`` got fewer bytes than it had
    /// room for (the socket is most likely drained for now).
    private(set) var lastReceiveWasShort = false
    /// h2c: bytes the last receive put in the caller's buffer, not yet handed out by ``plaintext(into:)``.
    private var unread = 0

    init(socket: TCPSocket) {
        self.socket = socket
    }

    /// Whether this is a TLS transport (the handshake may still be running).
    var isTLS: Bool { tls != nil }

    /// Starts TLS over the connected socket (the handshake is then driven by the connection).
    mutating func beginTLS(context: TLSContext, serverName: String) throws(TLSError) {
        tls = try TLSSession(context: context, serverName: serverName)
    }

    /// One socket read, with its kernel RX timestamp through `rxTimestamp` (of the encrypted
    /// bytes under TLS). h2c reads into `buffer`; TLS reads into its ring and leaves `buffer` alone.
    /// Follow every call with ``plaintext(into:)`` until `.needsInput`, with the same `buffer`.
    @inline(__always)
    mutating func receive(into buffer: UnsafeMutableRawBufferPointer, control: UnsafeMutableRawBufferPointer,
                          rxTimestamp: inout UInt64) throws(Failure) -> IOResult {
        do {
            if let tls {
                let result = try tls.receive(from: socket, control: control, rxTimestamp: &rxTimestamp)
                lastReceiveWasShort = tls.lastReceiveWasShort
                return result
            }
            let result = try socket.readTimestamped(into: buffer, control: control, rxTimestamp: &rxTimestamp)
            if case .bytes(let n) = result {
                unread = n
                lastReceiveWasShort = n < buffer.count
            }
            return result
        } catch {
            throw Failure(reason: "\(error)")
        }
    }

    /// The next plaintext in `buffer` for nghttp2: h2c, the bytes the last receive read (once);
    /// TLS, the next decrypted records. `.needsInput` when everything received is handed out;
    /// `.closed` when the peer ended the TLS session (close_notify).
    @inline(__always)
    mutating func plaintext(into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> TLSSession.DecryptResult {
        if unread > 0 {
            let n = unread
            unread = 0
            return .bytes(n)
        }
        guard let tls else { return .needsInput }
        do {
            return try tls.decrypt(into: buffer)
        } catch {
            throw Failure(reason: "TLS error: \(error)")
        }
    }

    /// Writes the front of `output` to the socket (TLS: encrypts it into the TLS ring until the
    /// ring is full, sends, repeats) and consumes what left. Returns true when everything is
    /// out, false when the socket is full (wait for writability).
    mutating func write(_ output: inout OutputBuffer) throws(Failure) -> Bool {
        guard let tls else {
            while output.readableBytes > 0 {
                let result: IOResult
                do {
                    result = try output.withReadableBytes { try socket.write($0) }
                } catch {
                    throw Failure(reason: "\(error)")
                }
                switch result {
                case .bytes(let n): output.consume(n)
                case .wouldBlock, .endOfFile: return false
                }
            }
            return true
        }
        while true {
            while output.readableBytes > 0 {
                let n: Int
                do {
                    n = try output.withReadableBytes { (bytes) throws(TLSError) in try tls.encrypt(bytes) }
                } catch {
                    throw Failure(reason: "TLS error: \(error)")
                }
                if n == 0 { break }
                output.consume(n)
            }
            let drained: Bool
            do {
                drained = try tls.send(to: socket)
            } catch {
                throw Failure(reason: "\(error)")
            }
            if !drained { return false }
            if output.readableBytes == 0 { return true }
        }
    }

    /// Closes the socket; an established TLS session first queues and sends (best effort, without
    /// waiting) its close_notify.
    mutating func close() {
        if let tls, tls.isEstablished, socket.fd >= 0 {
            tls.closeNotify()
            _ = try? tls.send(to: socket)
        }
        tls = nil
        unread = 0
        socket.close()
    }
}
