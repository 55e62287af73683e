import H2Loop
import H2Wire

/// Where a cell's load goes: a numeric address (loopback in tests and CI) and the authority.
public struct TargetAddress: Sendable, Hashable, CustomStringConvertible {
    /// The numeric address connections go to.
    public var host: String
    public var port: UInt16
    /// The host name it was resolved from, when the target was named (sent in `:authority`).
    public var name: String?
    public init(host: String, port: UInt16, name: String? = nil) {
        self.host = host
        self.port = port
        self.name = name
    }
    /// `name:port`, or `host:port` (IPv6 in brackets), used as `:authority`.
    public var description: String {
        let shown = name ?? host
        return shown.contains(":") ? "[\(shown)]:\(port)" : "\(shown):\(port)"
    }
}

/// What the driver measured in one cell, merged across its worker threads.
public struct DriverResult: Sendable {
    public var measurements: CellMeasurements
    /// Driver threads' CPU time (sum over workers), in seconds.
    public var userSeconds: Double
    public var systemSeconds: Double
    /// Seconds of the measured window actually run (shorter when interrupted or quota-bound).
    public var measuredSeconds: Double
}

/// Runs one cell's load: `threads` worker threads, connections spread over them round-robin,
/// each worker an independent epoll loop. Results merge once, at join.
public enum Driver {
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
        /// Keep per-connection frame traces (see `WorkerConfig.frameTrace`).
        public var frameTrace = true
        /// Test-only: spin this long before each wake's first read (see `WorkerConfig`).
        public var holdBeforeReadForTesting: UInt64 = 0

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
    }

    /// Runs the cell and returns its merged measurements. `control` lets Ctrl-C stop the workers
    /// early (what was measured so far is still returned); `progress` receives one counter set
    /// per worker for the live progress line.
    public static func run(_ options: Options, target: TargetAddress, control: RunControl,
                           progress: [WorkerProgress]? = nil) -> DriverResult {
        precondition(options.threads >= 1 && !options.plans.isEmpty, "BUG DETECTED: driver options not validated")
        let threads = min(options.threads, max(1, options.connections))
        let start = MonotonicClock.now()
        let measureStart = start + options.warmupNanoseconds
        let measureEnd = measureStart + options.durationNanoseconds
        let counters = progress ?? (0..<threads).map { _ in WorkerProgress() }
        var firstConnection = 0
        var workers: [WorkerThread<Result<WorkerResult, SystemError>>] = []
        for t in 0..<threads {
            let conns = options.connections / threads + (t < options.connections % threads ? 1 : 0)
            let quota = options.totalStreams.map { $0 / threads + (t < $0 % threads ? 1 : 0) }
            var config = WorkerConfig(
                options: options, index: t, host: target.host, port: target.port, authority: target.description,
                connections: conns, firstConnectionIndex: firstConnection, measureStart: measureStart,
                measureEnd: measureEnd, streamQuota: quota, seed: options.seed &+ UInt64(t) &* 0x9E37_79B9)
            if let rate = options.rate {
                config.rate = rate / Double(threads)
                // Interleave the workers' schedules: worker t starts t/threads of a period later.
                config.rateOffset = UInt64((1e9 / rate) * Double(t))
            }
            firstConnection += conns
            let workerConfig = config
            let counter = counters[t % counters.count]
            workers.append(WorkerThread.spawn(name: "h2s-driver-\(t)") {
                do throws(SystemError) {
                    let worker = try DriverWorker(config: workerConfig, progress: counter)
                    control.attach(worker.loop.waker)
                    defer { control.detach(worker.loop.waker) }
                    if control.isInterrupted { worker.loop.waker.requestStop() }
                    return .success(worker.run())
                } catch {
                    return .failure(error)
                }
            })
        }
        var merged = CellMeasurements()
        var user: UInt64 = 0
        var system: UInt64 = 0
        for w in workers {
            switch w.join() {
            case .success(let r):
                merged.merge(r.measurements)
                user += r.userNanoseconds
                system += r.systemNanoseconds
            case .failure(let e):
                merged.recordConnectionError("driver worker could not start: \(e)")
            }
        }
        let end = min(MonotonicClock.now(), measureEnd)
        let measured = end > measureStart ? Double(end - measureStart) / 1e9 : 0
        return DriverResult(measurements: merged, userSeconds: Double(user) / 1e9, systemSeconds: Double(system) / 1e9,
                            measuredSeconds: measured)
    }
}
