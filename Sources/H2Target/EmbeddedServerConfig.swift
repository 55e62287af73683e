import H2Loop
import H2Wire
import H2Results

/// How to start the embedded target server.
public struct EmbeddedServerConfig: Sendable, Hashable {
    /// Numeric address to bind (loopback by default).
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one.
    public var port: UInt16 = 0
    /// Server loop threads (each owns a SO_REUSEPORT listener and its connections).
    public var threads: Int = 1
    /// HTTP/2 settings the server announces (windows, max concurrent streams, max frame size).
    public var settings = HTTP2Settings()
    /// Serve TLS (ALPN `h2` only) with this certificate and key; nil: cleartext h2c.
    public var tls: TLSServerConfig?

    public init(host: String = "127.0.0.1", port: UInt16 = 0, threads: Int = 1, settings: HTTP2Settings = HTTP2Settings(),
                tls: TLSServerConfig? = nil) {
        self.tls = tls
        self.host = host
        self.port = port
        self.threads = threads
        self.settings = settings
    }
}

/// What the embedded server did, summed over its threads; read once it has stopped.
public struct ServerStats: Sendable {
    /// Connections accepted.
    public var connectionsAccepted = 0
    /// Requests whose response was started.
    public var streamsStarted = 0
    /// Responses finished with END_STREAM (all planned data queued and sent).
    public var streamsFinished = 0
    /// DATA frame payload bytes sent (the figure the driver's byte count must equal).
    public var dataBytesSent = 0
    /// gRPC calls that carried a valid `grpc-timeout` header.
    public var grpcTimeoutsReceived = 0
    /// gRPC calls the server ended with DEADLINE_EXCEEDED because their `grpc-timeout` expired
    /// (not counted in ``streamsFinished``).
    public var deadlinesExceeded = 0
    /// gRPC messages queued for sending.
    public var messagesQueued = 0
    /// Faults (`h2stress-fault`) the server performed; a refused stream counts once.
    public var faultsApplied = 0
    /// Flow-control stall episodes: data was ready to send but the peer's stream window
    /// (resp. the connection window) was ≤ 0; each episode lasts until a WINDOW_UPDATE opened
    /// the window again or the stream closed. Durations in ns.
    public var flowControl = ServerFlowControl()
    /// TLS handshakes that failed (client did not offer ALPN `h2`, rejected our certificate,
    /// closed mid-handshake); each such connection was closed without HTTP/2.
    public var tlsHandshakesFailed = 0

    public init() {}

    mutating func add(_ o: ServerStats) {
        connectionsAccepted += o.connectionsAccepted
        streamsStarted += o.streamsStarted
        streamsFinished += o.streamsFinished
        dataBytesSent += o.dataBytesSent
        messagesQueued += o.messagesQueued
        grpcTimeoutsReceived += o.grpcTimeoutsReceived
        deadlinesExceeded += o.deadlinesExceeded
        faultsApplied += o.faultsApplied
        flowControl.merge(o.flowControl)
        tlsHandshakesFailed += o.tlsHandshakesFailed
    }
}
