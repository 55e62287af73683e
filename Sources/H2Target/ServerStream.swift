import H2Wire

/// What the embedded server is doing for one request.
///
/// Threading: lives in its connection's table on the server loop thread.
struct ServerStream {
    /// Which response the request asked for.
    enum Route: Equatable {
        /// `grpc.testing.TestService/StreamingOutputCall`: one message per response parameter.
        case streamingOutput
        /// `grpc.testing.TestService/UnaryCall`.
        case unary
        /// `/bytes/<n>`, any method (a request body is dropped).
        case bytes(Int)
        /// Anything else (answered 404, or gRPC UNIMPLEMENTED).
        case notFound(grpc: Bool)
    }

    let id: Int32
    var route: Route
    /// The client asked for stamped bodies (`h2stress-stamp: 1`).
    var stamp = false
    /// Request body bytes collected until END_STREAM (gRPC requests are small).
    var requestBody: [UInt8] = []
    /// Response body sizes still to send (gRPC), and their pauses (ns) before each.
    var sizes: [Int] = []
    var intervals: [UInt64] = []
    /// Index of the next message to queue.
    var next = 0
    /// Plain HTTP body bytes still to queue.
    var remainingBytes = 0
    /// A paced message is waiting for its timer.
    var waitingForTimer = false
    /// finishResponse was called.
    var finished = false
    /// The fault the request asked for (`h2stress-fault`), parsed once at its headers.
    var fault: Fault?
    /// The `h2stress-fault` header could not be read or does not apply to this route; the
    /// response is an error naming it.
    var faultError: String?
    /// The fault has been applied (each fault happens once per stream).
    var faultDone = false
    /// Plain HTTP body bytes queued so far (where `after` counts for `GET /bytes/<n>`).
    var bytesQueued = 0
    /// Added to every stamp index from the `gap` corruption on.
    var indexOffset: UInt32 = 0
    /// `delay`: the response HEADERS wait for a timer.
    var awaitingHeaders = false
    /// The request's `grpc-timeout`, when it sent a valid one.
    var grpcTimeout: GRPCTimeout?
    /// Monotonic ns the request headers arrived (the server's deadline counts from here).
    var receivedAt: UInt64 = 0
    /// The `grpc-timeout` expired and the stream was ended with DEADLINE_EXCEEDED.
    var deadlineExpired = false
    /// Response status and headers held back by `delay`.
    var delayedHeaders: (status: Int, fields: [HeaderField])?
}
