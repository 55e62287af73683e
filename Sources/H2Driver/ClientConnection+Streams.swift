import H2Loop
import H2Wire
import H2Results

// ClientConnection's stream table: opening streams (slots by stream id), finishing them and
// handing them to the worker, and the per-stream figures kept while they run (zero-window
// time, consumer credit).

extension ClientConnection {
    // MARK: Streams

    /// Whether this connection could open another stream right now.
    var hasCapacity: Bool {
        guard state == .open, goaway == nil, peerSettingsReceived,
              let peerLimit = withSession({ $0.remoteMaxConcurrentStreams }) else { return false }
        return openStreams < min(worker.config.streamsPerConnection, peerLimit)
    }

    /// Opens streams up to the limit while the worker allows (closed loop), or as many as the
    /// worker's open-loop schedule has due.
    func fillStreams() {
        withWorker { worker in
            guard state == .open else { return }
            let now = MonotonicClock.now()
            while hasCapacity, let intended = worker.nextStreamStart(now: now) {
                startStream(now: now, intendedStart: intended)
            }
        }
    }

    private func startStream(now: UInt64, intendedStart: UInt64) {
        withWorker { worker in
            let (planRef, requestRef) = worker.nextPlan()
            // Lent, not taken: the worker holds every plan for its life, and a strong local
            // cost an atomic retain and release per stream.
            planRef._withUnsafeGuaranteedRef { plan in
                startStream(plan: plan, request: requestRef, worker: worker, now: now, intendedStart: intendedStart)
            }
        }
    }

    /// Submits one stream of `plan` and gives it a stream object and a slot.
    @inline(__always)
    private func startStream(plan: StreamPlan, request requestRef: Unmanaged<PreparedRequest>, worker: DriverWorker,
                             now: UInt64, intendedStart: UInt64) {
        let submitted: Result<Int32, HTTP2Error>? = withSession { session in
            requestRef._withUnsafeGuaranteedRef { request in
                Result { () throws(HTTP2Error) -> Int32 in
                    try session.submitRequest(request, grpcTimeout: grpcTimeout(plan, now: now, intendedStart: intendedStart))
                }
            }
        }
        let id: Int32
        switch submitted {
        case nil:
            return
        case .success(let submittedID):
            id = submittedID
        case .failure(let error):
            worker.measurements.recordConnectionError("connection \(index): submit failed: \(error)")
            return
        }
        if connectionFault == nil, let fault = plan.fault, fault.isConnectionLevel { connectionFault = plan.faultKey }
        let measured = intendedStart >= worker.config.measureStart
        let ref: Unmanaged<ActiveStream>
        if let spare = streams.takeSpare() {
            spare._withUnsafeGuaranteedRef {
                $0.reuse(id: id, plan: plan, checksumSeed: checksumSeed, startTime: intendedStart, submitTime: now, measured: measured)
            }
            ref = spare
        } else {
            ref = streams.adopt(ActiveStream(id: id, plan: plan, checksumSeed: checksumSeed,
                                             startTime: intendedStart, submitTime: now, measured: measured))
        }
        let slow = ref._withUnsafeGuaranteedRef { stream in
            stream.windowFloor = streamWindowFloor
            let assigned = worker.drawConsumer()
            stream.slow = assigned != nil
            if assigned != nil || worker.config.windowUpdate == .onConsume {
                var consumer = StreamConsumer(delay: assigned, policy: worker.config.pendingMessageCredit)
                consumer.start(now: now, rng: &worker.consumerRNG)
                if consumer.busyUntil > now {
                    worker.loop.schedule(at: consumer.busyUntil, handler: self, token: timerToken(Self.consumerKind, stream: id))
                }
                stream.consumer = consumer
            }
            return stream.slow
        }
        slotByID[id] = streams.place(ref)
        openStreams += 1
        if let deadline = worker.config.deadline {
            worker.loop.schedule(at: intendedStart &+ deadline, handler: self, token: timerToken(Self.deadlineKind, stream: id))
        }
        worker.streamStarted(measured: measured, slow: slow)
    }

    /// The `grpc-timeout` to send: what is left of the deadline at submission (open loop
    /// counts the deadline from the intended start), as a gRPC client computes it.
    @inline(__always)
    private func grpcTimeout(_ plan: StreamPlan, now: UInt64, intendedStart: UInt64) -> GRPCTimeout? {
        guard sendsGrpcTimeout, plan.framing == .grpc, let deadline = worker.config.deadline else { return nil }
        let late = now > intendedStart ? now &- intendedStart : 0
        return GRPCTimeout(nanoseconds: deadline > late ? deadline &- late : 0)
    }

    func finish(_ id: Int32, closure: StreamClosure) {
        withWorker { worker in
            guard let slot = slotByID.removeValue(forKey: id), let ref = streams.release(slot: slot) else { return }
            if cachedStreamID == id { forgetCachedStream() }
            openStreams -= 1
            let now = streamClockID == id ? streamClock : MonotonicClock.now()
            ref._withUnsafeGuaranteedRef { stream in
                streamOver(stream, now: now)
                report(stream, verdict: stream.verdict(closure), now: now)
            }
            // Reported (a frame-trace dump copies what it needs): the object serves a later stream.
            streams.recycle(ref)
        }
    }

    /// Hands a finished stream to the worker, with a frame trace when it did not complete: the
    /// connection's frames around the end merged with the stream's own last frames.
    func report(_ stream: ActiveStream, verdict: StreamVerdict, now: UInt64) {
        withWorker { worker in
            if verdict.outcome != .complete && stream.measured {
                if worker.measurements.frameTraces.count < FrameTraceDump.capPerCell {
                    worker.measurements.frameTraces.append(FrameTraceDump(
                        cellID: worker.config.cellID, connection: index, streamID: stream.id, outcome: verdict.outcome.rawValue,
                        detail: verdict.detail, connectionStartNanos: connectionStart, streamStartNanos: stream.startTime,
                        streamEndNanos: now, entries: trace.snapshot(around: now, stream: stream.id, tail: stream.frameTail)))
                } else {
                    worker.measurements.frameTracesLeftOut += 1
                }
            }
            worker.streamFinished(stream, verdict: verdict, connection: index, now: now, connectionFault: connectionFault)
        }
    }

    /// Lends open stream `id` to `body` (nil when it is not open): from ``cachedStream`` when it is
    /// the stream the last callback used, else from the table (and then cached there).
    @inline(__always)
    func withStream<R>(_ id: Int32, _ body: (ActiveStream) -> R) -> R? {
        if id == cachedStreamID, let s = cachedStream { return s._withUnsafeGuaranteedRef(body) }
        guard let slot = slotByID[id], streams.isOccupied(slot) else { return nil }
        return streams.withStream(inSlot: slot) { s in
            cachedStream = Unmanaged.passUnretained(s)
            cachedStreamID = id
            return body(s)
        }
    }

    /// Drops ``cachedStream`` (its stream is about to leave the table).
    @inline(__always)
    func forgetCachedStream() {
        cachedStream = nil
        cachedStreamID = 0
    }

    // MARK: Flow-control accounting

    /// Starts or ends the stream's zero-window period. `now` 0 means "read the clock if the
    /// state changes": most DATA chunks change nothing, and a clock read per chunk was ~1 % of
    /// the driver's CPU on 64 KiB bodies.
    func trackStreamWindow(_ s: ActiveStream, now: UInt64) {
        guard let window = withSession({ $0.streamReceiveWindow(s.id) }) else { return }
        if window <= 0 {
            if s.zeroWindowSince == 0 { s.zeroWindowSince = now != 0 ? now : MonotonicClock.now() }
        } else if s.zeroWindowSince != 0 {
            s.zeroWindowTotal &+= (now != 0 ? now : MonotonicClock.now()) &- s.zeroWindowSince
            s.zeroWindowSince = 0
        }
    }

    /// Closes a stream's running figures at its end: when its consumer would have taken the
    /// last message that arrived (``ActiveStream/consumedEnd``), the zero-window time so far,
    /// and a consumer delay still running (counted up to `now`).
    func streamOver(_ s: ActiveStream, now: UInt64) {
        s.consumedEnd = s.consumer?.drainEnd(now: now, rng: &worker.consumerRNG) ?? now
        s.consumer?.end(now: now)
        if s.zeroWindowSince != 0 {
            s.zeroWindowTotal &+= now &- s.zeroWindowSince
            s.zeroWindowSince = 0
        }
    }

    /// Starts or ends the connection's zero-window period after a read; the clock is read only
    /// when the state changes (not once per read).
    func trackConnectionWindow() {
        guard let window = withSession({ $0.connectionReceiveWindow }) else { return }
        if window <= 0 {
            if connectionZeroSince == 0 { connectionZeroSince = MonotonicClock.now() }
        } else if connectionZeroSince != 0 {
            endConnectionZeroWindow(now: MonotonicClock.now())
        }
    }

    func endConnectionZeroWindow(now: UInt64) {
        if connectionZeroSince != 0 {
            worker.connectionZeroWindow(nanoseconds: now &- connectionZeroSince)
            connectionZeroSince = 0
        }
    }

    // MARK: Consumers

    /// Lets the stream's consumer act and returns its credit to the peer (on-consume).
    func runConsumer(_ s: ActiveStream, now: UInt64) {
        guard s.consumer != nil else { return }
        let (credit, wakeAt) = s.consumer!.advance(now: now, rng: &worker.consumerRNG)
        if credit > 0 && worker.config.windowUpdate == .onConsume {
            if consumesConnectionOnReceipt {
                session?.consumeStream(s.id, bytes: credit)
            } else {
                session?.consume(stream: s.id, bytes: credit)
            }
            trackStreamWindow(s, now: now)
        }
        if let wakeAt {
            worker.loop.schedule(at: wakeAt, handler: self, token: timerToken(Self.consumerKind, stream: s.id))
        }
    }

    /// Lends the worker to `body` without a retain/release pair (``workerRef``): the worker
    /// owns this connection and outlives it.
    @inline(__always)
    func withWorker<R>(_ body: (DriverWorker) -> R) -> R {
        workerRef._withUnsafeGuaranteedRef(body)
    }
}

