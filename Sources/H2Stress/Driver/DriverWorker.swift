import H2Loop
import H2Wire

/// What one worker hands back at join: its measurements and its own CPU time.
public struct WorkerResult: Sendable {
    public var measurements: CellMeasurements
    /// User / system CPU of this worker thread (`getrusage(RUSAGE_THREAD)`), in ns.
    public var userNanoseconds: UInt64
    public var systemNanoseconds: UInt64
}

/// One driver thread: an epoll loop that owns its connections, streams, histograms and counters.
///
/// Threading: created and run on its own thread (see ``Driver``); never touched by another
/// thread except through ``WorkerProgress`` (atomics) and the loop's waker.
/// Invariants: a stream is counted once — started (if measured), then exactly one outcome or
/// `unfinished` at the end.
final class DriverWorker: TimerHandler {
    let config: WorkerConfig
    let loop: EventLoop
    let progress: WorkerProgress
    var measurements = CellMeasurements()
    /// One read buffer for all of this worker's connections: each read is handed to nghttp2 and
    /// fully consumed before the next read, so the buffer is never shared across time.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    private var connections: [ClientConnection] = []
    private var rng: SplitMix64
    private let totalWeight: Int
    private var measuredStarted = 0
    private var measuredFinished = 0
    private var stopping = false

    private static let progressToken: UInt64 = 1 << 62
    private static let reconnectTag: UInt64 = 1 << 61
    private static let reconnectDelay: UInt64 = 100_000_000

    init(config: WorkerConfig, progress: WorkerProgress) throws(SystemError) {
        self.config = config
        self.progress = progress
        self.loop = try EventLoop()
        self.rng = SplitMix64(seed: config.seed)
        self.totalWeight = config.weights.reduce(0, +)
    }

    deinit { readBuffer.deallocate() }

    /// Runs the worker until the cell ends (or the quota is done, or a stop is requested).
    func run() -> WorkerResult {
        let cpuStart = ProcessUsage.currentThread()
        for i in 0..<config.connections {
            let conn = ClientConnection(worker: self, index: config.firstConnectionIndex + i)
            connections.append(conn)
            conn.open()
        }
        loop.schedule(at: MonotonicClock.now() + 100_000_000, handler: self, token: Self.progressToken)
        loop.run(until: config.measureEnd)
        stopping = true
        for conn in connections { conn.shutdown(countUnfinished: true) }
        connections.removeAll()
        loop.releaseAll()
        publishProgress()
        let cpuEnd = ProcessUsage.currentThread()
        return WorkerResult(measurements: measurements,
                            userNanoseconds: cpuEnd.userNanoseconds - cpuStart.userNanoseconds,
                            systemNanoseconds: cpuEnd.systemNanoseconds - cpuStart.systemNanoseconds)
    }

    // MARK: Called by connections (worker thread)

    /// Whether response bytes arriving now count toward throughput.
    var isMeasuring: Bool {
        let t = loop.wakeTime
        return t >= config.measureStart && t < config.measureEnd
    }

    /// Whether a connection may open another stream now.
    func mayStartStream(now: UInt64) -> Bool {
        guard !stopping, now < config.measureEnd else { return false }
        if let quota = config.streamQuota { return measuredStarted < quota }
        return true
    }

    /// Picks the next plan from the weighted mix.
    func nextPlan() -> StreamPlan {
        if config.plans.count == 1 { return config.plans[0] }
        var r = Int(rng.next() % UInt64(totalWeight))
        for (i, w) in config.weights.enumerated() {
            if r < w { return config.plans[i] }
            r -= w
        }
        return config.plans[config.plans.count - 1]
    }

    func streamStarted(measured: Bool) {
        if measured {
            measuredStarted += 1
            measurements.streamsStarted += 1
        }
    }

    /// Records a finished stream's outcome and timings.
    func streamFinished(_ stream: ActiveStream, verdict: StreamVerdict, connection: Int, now: UInt64) {
        guard stream.measured else { return }
        measuredFinished += 1
        measurements.outcomes[verdict.outcome] += 1
        measurements.streamDuration.record(nanoseconds: now &- stream.startTime)
        if verdict.outcome != .complete {
            let v = stream.verifier
            measurements.recordFailure(StreamFailure(
                outcome: verdict.outcome, kind: v.plan.kindName, connection: connection, streamID: stream.id,
                messagesReceived: v.messagesReceived, messagesPlanned: v.plan.expectedMessages,
                bytesReceived: v.bytesReceived, bytesPlanned: v.plan.expectedBytes,
                errorCode: verdict.errorCode, grpcStatus: v.grpcStatus, httpStatus: v.httpStatus,
                detail: verdict.detail))
        }
        if let quota = config.streamQuota, measuredFinished >= quota { loop.stop() }
    }

    /// Counts a stream still open when the cell ended.
    func streamUnfinished(_ stream: ActiveStream) {
        if stream.measured { measurements.outcomes.unfinished += 1 }
    }

    func connectionOpened() { measurements.connectionsOpened += 1 }

    /// A connection failed or closed; it asks to be reopened after a short pause.
    func connectionFailed(_ conn: ClientConnection, reason: String) {
        measurements.recordConnectionError("connection \(conn.index): \(reason)")
        guard !stopping else { return }
        let slot = UInt64(conn.index - config.firstConnectionIndex)
        loop.schedule(at: MonotonicClock.now() + Self.reconnectDelay, handler: self, token: Self.reconnectTag | slot)
    }

    /// A connection finished cleanly after GOAWAY with no streams left; reopen at once.
    func connectionRetired(_ conn: ClientConnection) {
        guard !stopping else { return }
        conn.open()
    }

    // MARK: Timers

    func timerFired(token: UInt64, loop: EventLoop) {
        if token == Self.progressToken {
            publishProgress()
            loop.schedule(at: MonotonicClock.now() + 100_000_000, handler: self, token: Self.progressToken)
        } else if token & Self.reconnectTag != 0 {
            let slot = Int(token & ~Self.reconnectTag)
            if slot < connections.count && !stopping { connections[slot].open() }
        }
    }

    private func publishProgress() {
        progress.publish(streamsDone: measuredFinished, bytes: measurements.bytesReceived)
    }
}
