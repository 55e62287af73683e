import H2Loop
import H2Profile
import H2Wire

extension Driver {
    /// Options for one cell run.
    public struct Options: Sendable {
        public var threads: Int
        public var connections: Int
        public var streamsPerConnection: Int
        public var plans: [StreamPlan]
        public var weights: [Int]
        public var settings: HTTP2Settings
        public var warmupNanoseconds: UInt64
        public var durationNanoseconds: UInt64
        /// Total measured streams to run (split over workers); nil = time-bound only.
        public var totalStreams: Int?
        public var seed: UInt64
        public var rxTimestamps: Bool
        /// Receive-window credit policy (stream level, then connection level) and the
        /// on-consume pending-message rule.
        public var windowUpdate: WindowUpdatePolicy = .onReceive
        public var connectionWindowUpdate: WindowUpdatePolicy = .onReceive
        public var pendingMessageCredit: PendingMessageCredit = .grant
        /// Per-stream deadline (ns), connect timeout (ns).
        public var deadline: UInt64?
        /// Send the remaining deadline as `grpc-timeout` on gRPC streams.
        public var sendGrpcTimeout = true
        public var connectTimeout: UInt64 = 5_000_000_000
        /// TLS to the target (see `WorkerConfig.tls`); nil: h2c.
        public var tls: TLSClientConfig?
        /// Keepalive PING interval and ACK timeout, ns.
        public var keepalive: (interval: UInt64, timeout: UInt64)?
        /// Slow consumers.
        public var consumers: [ConsumerSpec] = []
        /// Faults asked of the embedded target, by share of streams.
        public var faults: [FaultSpec] = []
        /// Open-loop rate for the whole cell, streams per second (nil: closed loop).
        public var rate: Double?
        /// The cell's id (`window-1m/t2/r1`), written into the frame traces of abnormal streams.
        public var cellID = ""
        /// Keep per-connection frame traces (see `WorkerConfig.frameTrace`).
        public var frameTrace = true
        #if DEBUG
        /// Test-only, debug builds only: spin this long before each wake's first read (see
        /// `DriverWorker.holdBeforeReadForTesting()`). Release builds have neither the field nor
        /// the check on the read path.
        public var holdBeforeReadForTesting: UInt64 = 0
        #endif

        public init(threads: Int, connections: Int, streamsPerConnection: Int, plans: [StreamPlan], weights: [Int],
                    settings: HTTP2Settings, warmupNanoseconds: UInt64, durationNanoseconds: UInt64,
                    totalStreams: Int? = nil, seed: UInt64 = 1, rxTimestamps: Bool = true) {
            self.threads = threads
            self.connections = connections
            self.streamsPerConnection = streamsPerConnection
            self.plans = plans
            self.weights = weights
            self.settings = settings
            self.warmupNanoseconds = warmupNanoseconds
            self.durationNanoseconds = durationNanoseconds
            self.totalStreams = totalStreams
            self.seed = seed
            self.rxTimestamps = rxTimestamps
        }


        /// The options of one cell of a profile: the one place a profile's `client` section, mix,
        /// consumers, faults and rate become driver options. `stampsBodies` and `tls` come from the
        /// launched target; `totalStreams` is `--streams` (else the profile's `totalStreams`).
        public init(cell: Cell, stampsBodies: Bool, tls: TLSClientConfig?, totalStreams: Int? = nil) {
            let profile = cell.profile
            let client = profile.client
            let stamped = client.stamp && stampsBodies
            self.init(
                threads: cell.threads, connections: profile.connections, streamsPerConnection: profile.streamsPerConnection,
                plans: profile.mix.map { PlanBuilder.plan(for: $0.kind, stamped: stamped, checksum: client.checksum) },
                weights: profile.mix.map(\.weight), settings: HTTP2Settings(client: client),
                warmupNanoseconds: profile.warmup.nanoseconds, durationNanoseconds: profile.duration.nanoseconds,
                totalStreams: totalStreams ?? profile.totalStreams, seed: profile.seed &+ UInt64(cell.index), rxTimestamps: true)
            windowUpdate = client.windowUpdate
            connectionWindowUpdate = client.connectionWindowUpdate
            sendGrpcTimeout = client.sendGrpcTimeout
            pendingMessageCredit = client.pendingMessageCredit
            deadline = client.deadline?.nanoseconds
            connectTimeout = client.connectTimeout.nanoseconds
            keepalive = client.keepalive.map { ($0.interval.nanoseconds, $0.timeout.nanoseconds) }
            self.tls = tls
            consumers = profile.consumers
            faults = profile.faults
            rate = profile.rate
            cellID = cell.id
        }
    }
}
