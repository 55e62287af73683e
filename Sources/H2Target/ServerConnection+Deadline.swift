import H2Loop
import H2Wire

/// `grpc-timeout` on the embedded server, as grpc-go's server honours it: the call's context
/// expires that long after its headers arrived; a producer still running then stops, and the
/// stream ends with trailers `grpc-status: 4` (DEADLINE_EXCEEDED). The trailers follow any
/// message already queued — like grpc-go, whose trailers wait behind data the peer's window
/// holds back — so a flow-control-blocked stream ends only once the client grants credit or
/// cancels. Counted in ``ServerStats/deadlinesExceeded``.
extension ServerConnection {
    static let deadlineTimerFlag: UInt64 = 1 << 33
    static let deadlineTrailers = [
        HeaderField(name: "grpc-status", value: "4"),
        HeaderField(name: "grpc-message", value: "h2stress serve: deadline exceeded (grpc-timeout)"),
    ]

    /// Arms the deadline timer of a gRPC call that carried `grpc-timeout`.
    func armDeadline(_ s: ServerStream) {
        guard let timeout = s.grpcTimeout else { return }
        worker.stats.grpcTimeoutsReceived += 1
        worker.loop.schedule(at: s.receivedAt &+ timeout.nanoseconds, handler: self,
                             token: Self.deadlineTimerFlag | UInt64(UInt32(bitPattern: s.id)))
    }

    /// The call's deadline passed: stop producing and end the stream with DEADLINE_EXCEEDED
    /// (after what is already queued). Nothing happens for a response already finished.
    func deadlineExpired(_ id: Int32) {
        guard var s = streams[id], !s.finished else { return }
        s.finished = true
        s.deadlineExpired = true
        s.next = s.sizes.count
        s.waitingForTimer = false
        producing.remove(id)
        session.finishResponse(stream: id, trailers: Self.deadlineTrailers)
        streams[id] = s
        worker.stats.deadlinesExceeded += 1
    }
}
