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
        /// `GET /bytes/<n>`.
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
}
