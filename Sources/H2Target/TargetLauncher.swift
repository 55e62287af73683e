import H2Loop
import H2Profile
import H2Results

/// Starts (and stops) whatever a cell's load goes to. Implemented in `H2Target` (embedded
/// server, external URL); defined here so the runner does not import the target module.
public protocol TargetLauncher: Sendable {
    /// Makes the target ready for `cell` and returns where to send load.
    func launch(for cell: Cell) throws(TargetError) -> LaunchedTarget
}

/// A target that is up for one cell.
public struct LaunchedTarget: Sendable {
    /// Where the driver connects.
    public var address: TargetAddress
    /// "embedded 127.0.0.1:41234 (2 threads)", for results and reports.
    public var description: String
    /// Whether the target stamps message bodies on request (the embedded server does).
    public var stampsBodies: Bool
    /// How to speak TLS to it (`https://` targets); nil: cleartext h2c.
    public var tls: TLSClientConfig?
    /// Stops the target and returns what it observed (nil for targets that report nothing).
    public var stop: @Sendable () -> TargetObservation?

    public init(address: TargetAddress, description: String, stampsBodies: Bool, tls: TLSClientConfig? = nil,
                stop: @escaping @Sendable () -> TargetObservation?) {
        self.address = address
        self.tls = tls
        self.description = description
        self.stampsBodies = stampsBodies
        self.stop = stop
    }
}

/// What the target itself saw during a cell (the embedded server's own counters).
public struct TargetObservation: Sendable {
    public var connectionsAccepted: Int
    public var streamsStarted: Int
    public var streamsFinished: Int
    /// DATA payload bytes the target sent.
    public var dataBytesSent: Int
    public var messagesQueued: Int
    /// gRPC calls that arrived with `grpc-timeout`, and those the target ended with
    /// DEADLINE_EXCEEDED when it expired (embedded server).
    public var grpcTimeoutsReceived = 0
    public var deadlinesExceeded = 0
    /// The target's flow-control stall episodes (embedded server).
    public var flowControl: ServerFlowControl?
    /// A managed target's process figures; when set, the counters above are not known (0).
    public var process: TargetProcessResult?

    public init(connectionsAccepted: Int, streamsStarted: Int, streamsFinished: Int, dataBytesSent: Int, messagesQueued: Int,
                grpcTimeoutsReceived: Int = 0, deadlinesExceeded: Int = 0, flowControl: ServerFlowControl? = nil) {
        self.grpcTimeoutsReceived = grpcTimeoutsReceived
        self.deadlinesExceeded = deadlinesExceeded
        self.flowControl = flowControl
        self.connectionsAccepted = connectionsAccepted
        self.streamsStarted = streamsStarted
        self.streamsFinished = streamsFinished
        self.dataBytesSent = dataBytesSent
        self.messagesQueued = messagesQueued
    }

    /// What a managed target (a process, whose counters h2stress cannot see) reports.
    public init(process: TargetProcessResult) {
        self.init(connectionsAccepted: 0, streamsStarted: 0, streamsFinished: 0, dataBytesSent: 0, messagesQueued: 0)
        self.process = process
    }
}

/// The target could not be started or reached.
public struct TargetError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// A managed target that started but never became ready: how its process ended.
    public var process: TargetProcessResult?
    public init(_ message: String, process: TargetProcessResult? = nil) {
        self.message = message
        self.process = process
    }
    public var description: String { message }
}
