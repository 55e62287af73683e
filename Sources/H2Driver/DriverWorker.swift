import H2Loop
import H2Wire
import H2Profile
import H2Results

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
/// `unfinished` at the end. In open-loop mode every intended start is started exactly once,
/// late or not (the backlog never drops a start).
final class DriverWorker: TimerHandler {
    let config: WorkerConfig
    let loop: EventLoop
    let progress: WorkerProgress
    var measurements = CellMeasurements()
    /// One read buffer for all of this worker's connections: each read is handed to nghttp2 and
    /// fully consumed before the next read, so the buffer is never shared across time.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    /// The `recvmsg` control buffer for kernel timestamps, shared the same way.
    let controlBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: TCPSocket.timestampControlSize, alignment: 16)
    /// The TLS client context this worker's connections share (nil: h2c, or it failed to build).
    let tlsContext: TLSContext?
    /// Why ``tlsContext`` could not be built (an unreadable CA file); every connect then fails with it.
    let tlsSetupError: String?
    /// `:scheme` of every request: `https` over TLS, else `http`.
    let scheme: StaticString
    /// Randomness for consumer assignment and delays (seeded, separate from the mix choice).
    var consumerRNG: SplitMix64
    private var connections: [ClientConnection] = []
    /// Response bytes of one wake not yet in the per-second series: one series update per wake
    /// instead of one per DATA chunk (``dataReceived(bytes:)``).
    private var pendingSeriesBytes = 0
    private var pendingSeriesWake: UInt64 = 0
    private var rng: SplitMix64
    /// Fault draws (seeded, separate from the mix and consumer draws).
    private var faultRNG: SplitMix64
    /// `faultedPlans[plan][fault]`: each mix plan with each fault's request header.
    private let faultedPlans: [[StreamPlan]]
    /// Each plan's request header block, built once for this worker's authority and scheme
    /// (`preparedFaulted[plan][fault]` likewise); they outlive the connections' sessions.
    private let prepared: [PreparedRequest]
    /// `config.plans` and `prepared`, unretained, by plan (the arrays above keep them alive).
    private let planRefs: [(plan: Unmanaged<StreamPlan>, request: Unmanaged<PreparedRequest>)]
    /// `faultedPlans` and `preparedFaulted` the same way.
    private let faultedPlanRefs: [[(plan: Unmanaged<StreamPlan>, request: Unmanaged<PreparedRequest>)]]
    private let preparedFaulted: [[PreparedRequest]]
    private let totalWeight: Int
    /// Cells with a consumer model record ``LatencyMetric/consumedDuration`` for every stream.
    private let recordsConsumedDuration: Bool
    private var measuredStarted = 0
    private var measuredFinished = 0
    private var stopping = false
    // Open loop (loop thread only).
    private let period: UInt64
    private var scheduleStart: UInt64 = 0
    private var intendedIndex: UInt64 = 0
    private var tickArmed = false
    private var nextConnection = 0

    private static let progressToken: UInt64 = 1 << 62
    private static let reconnectTag: UInt64 = 1 << 61
    private static let rateTickToken: UInt64 = 1 << 60
    private static let reconnectDelay: UInt64 = 100_000_000

    init(config: WorkerConfig, progress: WorkerProgress) throws(SystemError) {
        self.config = config
        self.progress = progress
        self.loop = try EventLoop()
        if let tls = config.tls {
            do {
                tlsContext = try TLSContext.client(tls)
                tlsSetupError = nil
            } catch {
                tlsContext = nil
                tlsSetupError = "TLS setup: \(error)"
            }
            scheme = "https"
        } else {
            tlsContext = nil
            tlsSetupError = nil
            scheme = "http"
        }
        self.rng = SplitMix64(seed: config.seed)
        self.consumerRNG = SplitMix64(seed: config.seed ^ 0xC0DE_C0DE_C0DE_C0DE)
        self.faultRNG = SplitMix64(seed: config.seed ^ 0xFA17_FA17_FA17_FA17)
        self.faultedPlans = config.faults.isEmpty ? [] : config.plans.map { plan in config.faults.map { plan.withFault($0.fault) } }
        let (authority, requestScheme) = (config.authority, scheme)
        func prepare(_ plan: StreamPlan) -> PreparedRequest {
            PreparedRequest(method: plan.method, scheme: requestScheme, authority: authority, path: plan.path,
                            extraHeaders: plan.requestHeaders, body: plan.requestBody)
        }
        self.prepared = config.plans.map(prepare)
        self.preparedFaulted = faultedPlans.map { $0.map(prepare) }
        self.planRefs = zip(config.plans, prepared).map { (Unmanaged.passUnretained($0), Unmanaged.passUnretained($1)) }
        self.faultedPlanRefs = zip(faultedPlans, preparedFaulted).map { plans, requests in
            zip(plans, requests).map { (Unmanaged.passUnretained($0), Unmanaged.passUnretained($1)) }
        }
        self.totalWeight = config.weights.reduce(0, +)
        self.recordsConsumedDuration = !config.consumers.isEmpty || config.windowUpdate == .onConsume
        self.period = config.rate.map { UInt64(max(1, (1e9 / $0).rounded())) } ?? 0
        if let rate = config.rate { measurements.openLoop = OpenLoopMeasurements(requestedRate: rate) }
        if let plan = config.plans.first(where: { $0.stamped }) {
            measurements.checksum.sampling = plan.checksum.description
        }
    }

    deinit {
        readBuffer.deallocate()
        controlBuffer.deallocate()
    }

    /// Runs the worker until the cell ends (or the quota is done, or a stop is requested).
    func run() -> WorkerResult {
        let cpuStart = ProcessUsage.currentThread()
        scheduleStart = MonotonicClock.now() &+ config.rateOffset
        for i in 0..<config.connections {
            let conn = ClientConnection(worker: self, index: config.firstConnectionIndex + i)
            connections.append(conn)
            conn.open()
        }
        loop.schedule(at: MonotonicClock.now() + 100_000_000, handler: self, token: Self.progressToken)
        armRateTick()
        loop.run(until: config.measureEnd)
        countStartsNeverMade()
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

    /// The second of the measured window the current wake falls in.
    private var currentSecond: Int { second(of: loop.wakeTime) }

    /// The second of the measured window monotonic time `time` falls in.
    private func second(of time: UInt64) -> Int {
        Int((time &- config.measureStart) / 1_000_000_000)
    }

    /// The (intended) start time of the next stream a connection may open now, or nil.
    /// Closed loop: now, while the cell runs and the quota allows. Open loop: the oldest
    /// intended start that is due (late starts are counted; none is dropped).
    func nextStreamStart(now: UInt64) -> UInt64? {
        guard !stopping, now < config.measureEnd else { return nil }
        if let quota = config.streamQuota, measuredStarted >= quota { return nil }
        guard period > 0 else { return now }
        let intended = scheduleStart &+ intendedIndex &* period
        guard intended <= now else { return nil }
        intendedIndex += 1
        if intended >= config.measureStart {
            measurements.openLoop?.recordStart(lagNanoseconds: now &- intended)
        }
        return intended
    }

    /// Picks the next plan from the weighted mix, then (when the profile has faults) whether it
    /// asks for a fault. Unretained: the worker holds every plan and prepared request for its
    /// whole life (returning them retained cost two retain/release pairs per stream).
    func nextPlan() -> (plan: Unmanaged<StreamPlan>, request: Unmanaged<PreparedRequest>) {
        let index = nextPlanIndex()
        guard !faultedPlans.isEmpty else { return planRefs[index] }
        var u = Double(faultRNG.next() >> 11) / Double(1 << 53)
        for (f, spec) in config.faults.enumerated() {
            if u < spec.share { return faultedPlanRefs[index][f] }
            u -= spec.share
        }
        return planRefs[index]
    }

    private func nextPlanIndex() -> Int {
        if config.plans.count == 1 { return 0 }
        var r = Int(rng.next() % UInt64(totalWeight))
        for (i, w) in config.weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return config.plans.count - 1
    }

    /// The key a stream's outcome is counted under in ``CellMeasurements/faultOutcomes``: its
    /// fault's header text, ``CellMeasurements/collateralPrefix`` + the fault for a clean stream
    /// that died with a connection a connection-level fault ended, else ``CellMeasurements/noFault``.
    private func faultKey(_ stream: ActiveStream, outcome: StreamOutcome?, connectionFault: String?) -> String {
        if let key = stream.verifier.plan.faultKey { return key }
        if let c = connectionFault, outcome == .goaway || outcome == .connectionLost {
            return CellMeasurements.collateralPrefix + c
        }
        return CellMeasurements.noFault
    }

    /// Draws whether the next stream gets a slow consumer, and which delay model.
    func drawConsumer() -> ConsumerDelay? {
        guard !config.consumers.isEmpty else { return nil }
        var u = Double(consumerRNG.next() >> 11) / Double(1 << 53)
        for c in config.consumers {
            if u < c.share { return c.delay }
            u -= c.share
        }
        return nil
    }

    func streamStarted(measured: Bool, slow: Bool) {
        if measured {
            measuredStarted += 1
            measurements.streamsStarted += 1
            if slow { measurements.slowStreams += 1 }
        }
    }

    /// Records a finished stream's outcome and timings.
    func streamFinished(_ stream: ActiveStream, verdict: StreamVerdict, connection: Int, now: UInt64,
                        connectionFault: String? = nil) {
        guard stream.measured else { return }
        measuredFinished += 1
        measurements.outcomes[verdict.outcome] += 1
        if !faultedPlans.isEmpty {
            measurements.faultOutcomes[faultKey(stream, outcome: verdict.outcome, connectionFault: connectionFault),
                                       default: OutcomeCounts()][verdict.outcome] += 1
        }
        measurements.streamDuration.record(nanoseconds: now &- stream.startTime)
        if recordsConsumedDuration {
            measurements.consumedDuration.record(nanoseconds: max(now, stream.consumedEnd) &- stream.startTime)
        }
        if verdict.deadlineSource == .server { measurements.serverDeadlines += 1 }
        if verdict.sizeUnverified { measurements.completeSizeUnverified += 1 }
        measurements.checksum.add(&stream.verifier)
        // Open loop: also the uncorrected figure (from the actual submission), to show what the
        // coordinated-omission correction adds.
        measurements.openLoop?.serviceTime.record(nanoseconds: now &- stream.submitTime)
        if stream.zeroWindowTotal > 0 {
            measurements.flowControl.streamZeroWindowNanos &+= stream.zeroWindowTotal
            measurements.flowControl.streamZeroWindowPerStream.record(nanoseconds: stream.zeroWindowTotal)
        }
        if let consumer = stream.consumer { measurements.consumerDelayNanos &+= consumer.delayTotal }
        if isMeasuring { measurements.series.streamCompleted(outcome: verdict.outcome, at: currentSecond) }
        if verdict.outcome != .complete {
            let v = stream.verifier
            measurements.recordFailure(StreamFailure(
                outcome: verdict.outcome, kind: v.plan.kindName, connection: connection, streamID: stream.id,
                messagesReceived: v.messagesReceived, messagesPlanned: v.plan.plannedMessages,
                bytesReceived: v.bytesReceived, bytesPlanned: v.plan.plannedBytes,
                errorCode: verdict.errorCode, grpcStatus: v.grpcStatus, httpStatus: v.httpStatus,
                detail: verdict.detail, fault: v.plan.faultKey, messagesTaken: stream.consumer?.taken,
                deadlineSource: verdict.deadlineSource))
        }
        if let quota = config.streamQuota, measuredFinished >= quota { loop.stop() }
    }

    /// Counts a stream still open when the cell ended.
    func streamUnfinished(_ stream: ActiveStream) {
        guard stream.measured else { return }
        measurements.outcomes.unfinished += 1
        measurements.checksum.add(&stream.verifier)
        if !faultedPlans.isEmpty {
            measurements.faultOutcomes[faultKey(stream, outcome: nil, connectionFault: nil), default: OutcomeCounts()].unfinished += 1
        }
        if let consumer = stream.consumer { measurements.consumerDelayNanos &+= consumer.delayTotal }
        if stream.zeroWindowTotal > 0 {
            measurements.flowControl.streamZeroWindowNanos &+= stream.zeroWindowTotal
            measurements.flowControl.streamZeroWindowPerStream.record(nanoseconds: stream.zeroWindowTotal)
        }
    }

    /// One read returned bytes; `firstOfWake` is the first read of this connection's wake;
    /// `realNow` is CLOCK_REALTIME read right after it.
    @inline(__always)
    func readCompleted(rxTimestamp: UInt64, firstOfWake: Bool, realNow now: UInt64) {
        guard isMeasuring else { return }
        if rxTimestamp == 0 {
            measurements.readsWithoutTimestamp += 1
            return
        }
        measurements.readsWithTimestamp += 1
        guard firstOfWake else { return }
        let waited = now > rxTimestamp ? now &- rxTimestamp : 0
        measurements.wakePoll.record(nanoseconds: waited)
        measurements.series.wakePoll(nanoseconds: waited, at: currentSecond)
    }

    /// Response DATA payload arrived inside the measured window.
    @inline(__always)
    func dataReceived(bytes: Int) {
        measurements.bytesReceived += bytes
        let wake = loop.wakeTime
        if wake != pendingSeriesWake {
            flushSeriesBytes()
            pendingSeriesWake = wake
        }
        pendingSeriesBytes += bytes
    }

    /// Adds the bytes held since the last flush to the per-second series (they all arrived in
    /// the wake at `pendingSeriesWake`).
    private func flushSeriesBytes() {
        guard pendingSeriesBytes > 0 else { return }
        measurements.series.record(bytes: pendingSeriesBytes, at: second(of: pendingSeriesWake))
        pendingSeriesBytes = 0
    }

    /// Complete gRPC messages arrived inside the measured window.
    @inline(__always)
    func messagesReceived(_ count: Int) {
        measurements.messagesReceived += count
        measurements.series.record(messages: count, at: currentSecond)
    }

    func windowUpdateSent(increment: Int) {
        guard isMeasuring else { return }
        measurements.flowControl.windowUpdateFramesSent += 1
        measurements.flowControl.windowUpdateBytesSent += increment
    }

    func connectionZeroWindow(nanoseconds: UInt64) {
        measurements.flowControl.connectionZeroWindowNanos &+= nanoseconds
    }

    #if DEBUG
    /// The test-only hold before a wake's first read (a spin on the clock, never a sleep).
    /// Debug builds only, like its one call site in ``ClientConnection/readAvailable()``.
    @inline(__always)
    func holdBeforeReadForTesting() {
        guard config.holdBeforeReadForTesting > 0 else { return }
        let until = MonotonicClock.now() &+ config.holdBeforeReadForTesting
        while MonotonicClock.now() < until {}
    }
    #endif

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
        } else if token == Self.rateTickToken {
            tickArmed = false
            startDueStreams()
            armRateTick()
        } else if token & Self.reconnectTag != 0 {
            let slot = Int(token & ~Self.reconnectTag)
            if slot < connections.count && !stopping { connections[slot].open() }
        }
    }

    /// Open loop, at the end of the cell: scheduled starts that fell due in the measured window
    /// but were never made (the backlog of a stalled target) still count as intended — and as
    /// late, once more than 1 ms overdue. (Fix: they were left out, so a stall at the end of a
    /// window hid its own missed starts.) Not after a quota ended the cell: the schedule
    /// stops with the quota.
    private func countStartsNeverMade() {
        guard period > 0 else { return }
        if let quota = config.streamQuota, measuredStarted >= quota { return }
        let end = min(MonotonicClock.now(), config.measureEnd)
        while true {
            let intended = scheduleStart &+ intendedIndex &* period
            guard intended < end else { break }
            intendedIndex += 1
            if intended >= config.measureStart {
                measurements.openLoop?.recordStart(lagNanoseconds: end &- intended)
            }
        }
    }

    /// Open loop: hands due starts to connections with room, round-robin.
    private func startDueStreams() {
        guard !connections.isEmpty else { return }
        for _ in 0..<connections.count {
            let conn = connections[nextConnection % connections.count]
            nextConnection &+= 1
            conn.startDueStreams()
        }
    }

    private func armRateTick() {
        guard period > 0, !tickArmed, !stopping else { return }
        tickArmed = true
        let next = scheduleStart &+ intendedIndex &* period
        let now = MonotonicClock.now()
        // With a backlog (every connection full) the starts are taken as streams end; look
        // again in 1 ms rather than spinning on a deadline that has already passed.
        loop.schedule(at: next > now ? next : now &+ 1_000_000, handler: self, token: Self.rateTickToken)
    }

    private func publishProgress() {
        flushSeriesBytes()
        progress.publish(streamsDone: measuredFinished, measurements: measurements)
    }
}
