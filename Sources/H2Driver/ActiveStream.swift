/// One open stream on a driver connection: its plan's verifier, its consumer and its timings.
///
/// A class so that the per-DATA-chunk path mutates it in place: as a struct (≈ 400 bytes with
/// its verifier) it was moved out of the stream table and back for every chunk, and those
/// copies were ~7 % of the driver thread's CPU in `perf` on 64 KiB messages. One allocation
/// per stream instead.
///
/// A finished stream's object is kept by its connection and reused for a later stream
/// (``reuse(id:plan:checksumSeed:startTime:submitTime:measured:)``): allocating and freeing
/// about 1 KB per stream (the frame tail is inline) was ~4 % of the driver's instructions on
/// 100-byte streams, by callgrind.
///
/// Threading: lives in its connection's stream table on the worker thread.
final class ActiveStream {
    /// HTTP/2 stream id.
    private(set) var id: Int32
    /// Monotonic ns the latencies of this stream count from: the request submission, or in
    /// open-loop mode the *intended* start (coordinated-omission correction).
    private(set) var startTime: UInt64
    /// Monotonic ns the request was actually submitted (equals `startTime` in closed loop);
    /// open loop records the uncorrected service time from it.
    private(set) var submitTime: UInt64
    /// Whether the stream started inside the measured window (after warm-up).
    private(set) var measured: Bool
    /// Monotonic ns when the response headers completed (0 until then).
    var headersTime: UInt64 = 0
    /// Monotonic ns of the last complete message (0 until the first).
    var lastMessageTime: UInt64 = 0
    /// An RST_STREAM frame arrived from the peer for this stream.
    var resetByPeer = false
    /// The application model reading this stream (nil: a fast consumer under on-receive).
    var consumer: StreamConsumer?
    /// Whether this stream was assigned a slow consumer.
    var slow = false
    /// Monotonic ns since the stream's receive window has been zero (0 = not zero now).
    var zeroWindowSince: UInt64 = 0
    /// Total time this stream's receive window sat at zero, ns.
    var zeroWindowTotal: UInt64 = 0
    /// Received bytes below which this stream's receive window cannot be zero (its
    /// connection's ``ClientConnection/streamWindowFloor`` when it started).
    var windowFloor = 0
    /// Monotonic ns at which the consumer has taken (or would take) the last message that
    /// arrived; set when the stream ends (``StreamConsumer/drainEnd(now:rng:)``), 0 before.
    var consumedEnd: UInt64 = 0
    /// Checks what arrives against the plan. After the scalar fields above (which every frame
    /// of the stream reads) and before the frame tail: its own often-read fields come first,
    /// its message reader (≈ 500 bytes, idle on plain-HTTP streams) last.
    var verifier: StreamVerifier
    /// This stream's own last frames, for its dump if it ends abnormally (inline: no allocation).
    var frameTail = StreamFrameTail()

    /// The verifier's verdict on how the stream ended, computed in place: calling `verdict` on
    /// `verifier` directly copied the whole struct out of this object first (608 bytes per
    /// stream, by callgrind); a `mutating` call works on it where it is.
    func verdict(_ closure: StreamClosure) -> StreamVerdict {
        verifier.verdictInPlace(closure)
    }

    /// The verifier is built in place from `plan` (passing a built one in copied its few
    /// hundred bytes twice per stream, by callgrind).
    init(id: Int32, plan: StreamPlan, checksumSeed: UInt64, startTime: UInt64, submitTime: UInt64, measured: Bool) {
        self.id = id
        self.verifier = StreamVerifier(plan: plan, streamID: id, checksumSeed: checksumSeed)
        self.startTime = startTime
        self.submitTime = submitTime
        self.measured = measured
    }

    /// Makes this finished stream's object the state of a new stream: every field as `init`
    /// sets it (the frame tail's slots are left, its count is cleared).
    func reuse(id: Int32, plan: StreamPlan, checksumSeed: UInt64, startTime: UInt64, submitTime: UInt64, measured: Bool) {
        self.id = id
        verifier.restart(plan: plan, streamID: id, checksumSeed: checksumSeed)
        self.startTime = startTime
        self.submitTime = submitTime
        self.measured = measured
        headersTime = 0
        lastMessageTime = 0
        resetByPeer = false
        if consumer != nil { consumer = nil }
        slow = false
        zeroWindowSince = 0
        zeroWindowTotal = 0
        consumedEnd = 0
        frameTail.removeAll()
    }
}
