import H2Profile
import H2Wire

/// One stream that did not complete: its outcome and how far it got against its plan.
public struct StreamFailure: Sendable, Codable, Equatable {
    /// The outcome the verifier gave the stream (never ``StreamOutcome/complete``).
    public var outcome: StreamOutcome
    /// What the stream was: `grpc.serverStream`, `grpc.unary`, `grpc.call`, `http.get` or `http.request`.
    public var kind: String
    /// Index of the connection within the worker set (0-based, unique within the cell).
    public var connection: Int
    /// HTTP/2 stream id on that connection.
    public var streamID: Int32
    /// Complete messages that *arrived* on the stream (plain HTTP: DATA frames). A grpc-go
    /// application drains the messages already buffered before it sees the error, so this is
    /// the count its `Recv()` loop would have returned.
    public var messagesReceived: Int
    /// Messages the stream's consumer had *taken* when the stream ended (absent for streams
    /// without a consumer model: those take every message as it arrives).
    public var messagesTaken: Int?
    /// Messages the plan expected; absent when it left the count open (`grpc.call` without
    /// `expect.messages`).
    public var messagesPlanned: Int?
    /// DATA payload bytes received.
    public var bytesReceived: Int
    /// DATA payload bytes the plan expected; absent when it left the size open
    /// (`http.request` without `expect.size`, `grpc.call` without fixed counts and sizes).
    public var bytesPlanned: Int?
    /// HTTP/2 error code of RST_STREAM or GOAWAY, when there was one.
    public var errorCode: HTTP2ErrorCode?
    /// `grpc-status` when trailers arrived.
    public var grpcStatus: Int?
    /// `:status` when response headers arrived.
    public var httpStatus: Int?
    /// One human-readable sentence on what went wrong.
    public var detail: String
    /// The fault the stream asked the embedded target for (`h2stress-fault` header text), if any.
    public var fault: String?
    /// For outcome `deadline`: `client` (the driver's timer) or `server` (`grpc-status: 4`, or
    /// RST_STREAM(CANCEL) after the deadline).
    public var deadlineSource: DeadlineSource?

    /// Creates a failure record.
    public init(
        outcome: StreamOutcome, kind: String, connection: Int, streamID: Int32,
        messagesReceived: Int, messagesPlanned: Int?, bytesReceived: Int, bytesPlanned: Int?,
        errorCode: HTTP2ErrorCode? = nil, grpcStatus: Int? = nil, httpStatus: Int? = nil, detail: String, fault: String? = nil,
        messagesTaken: Int? = nil, deadlineSource: DeadlineSource? = nil
    ) {
        self.messagesTaken = messagesTaken
        self.deadlineSource = deadlineSource
        self.outcome = outcome
        self.kind = kind
        self.connection = connection
        self.streamID = streamID
        self.messagesReceived = messagesReceived
        self.messagesPlanned = messagesPlanned
        self.bytesReceived = bytesReceived
        self.bytesPlanned = bytesPlanned
        self.errorCode = errorCode
        self.grpcStatus = grpcStatus
        self.httpStatus = httpStatus
        self.detail = detail
        self.fault = fault
    }
}
