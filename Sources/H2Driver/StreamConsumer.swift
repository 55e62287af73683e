import H2Profile
/// Models the application that reads one stream: it takes complete messages (gRPC) or body
/// chunks (HTTP), waits a drawn delay after each one (before asking for the next), and —
/// under `windowUpdate: on-consume` — decides how many received bytes may be credited back to
/// the peer (`nghttp2_session_consume`).
///
/// Pending-message policy (`client.pendingMessageCredit`), for a consumer that is *waiting*
/// for a message that has only partly arrived:
/// - `grant` (default, like grpc-go): the bytes of that message received so far are credited
///   at once, and so is every further byte of it as it arrives, so a message larger than the
///   stream window still completes;
/// - `withhold`: only whole messages are credited when taken, so a message larger than the
///   stream window can never complete: the stream stalls until its deadline.
///
/// Timeline: the consumer keeps its own schedule. A delay ends at the moment it was planned
/// to end (`busyUntil`), not when the worker thread got round to the timer, so a driver thread
/// that wakes late (a loaded machine, thousands of timers due at once) does not slow the
/// modelled application down: after a late wake-up it takes every message it would have taken
/// by then. A message is never taken before it arrived.
///
/// Pure logic, no clock or I/O: tested without sockets.
/// Threading: owned by the stream's connection on its worker thread.
/// Invariants: `creditedBytes ≤ receivedBytes`; messages are taken in arrival order, each once.
struct StreamConsumer {
    /// Delay model; nil for a consumer that takes everything at once.
    let delay: ConsumerDelay?
    let policy: PendingMessageCredit
    /// DATA payload bytes received on the stream.
    private(set) var receivedBytes = 0
    /// Bytes credited back so far.
    private(set) var creditedBytes = 0
    /// Messages (or chunks) taken by the consumer.
    private(set) var taken = 0
    /// Time spent delaying, ns: every delay drawn so far, the one still running counted in
    /// full until ``end(now:)`` cuts it at the stream's end.
    private(set) var delayTotal: UInt64 = 0
    /// Monotonic ns until which the consumer is busy; 0 when it is waiting for data.
    private(set) var busyUntil: UInt64 = 0
    /// Cumulative end offsets (in received bytes) and sizes of complete messages not yet taken.
    private var pendingEnds: [Int] = []
    private var pendingSizes: [Int] = []
    private var pendingHead = 0
    private var completedBytes = 0
    /// `pendingEnds.count` when ``advance(now:rng:)`` last returned: messages at and past this
    /// index arrived since, at the `now` of the current call (every arrival is followed by
    /// an advance in the same callback); messages before it arrived earlier.
    private var seenCount = 0

    init(delay: ConsumerDelay?, policy: PendingMessageCredit) {
        self.delay = delay
        self.policy = policy
    }

    /// Starts the consumer at `now`: a delayed consumer first waits one delay before asking
    /// for the first message (like a client that sleeps before each `Recv()`).
    mutating func start<G: RandomNumberGenerator>(now: UInt64, rng: inout G) {
        guard let delay, !delay.isPerByte else { return }
        let d = delay.sample(bytes: 0, using: &rng)
        delayTotal &+= d
        busyUntil = d > 0 ? now &+ d : 0
    }

    /// `bytes` of DATA arrived.
    mutating func received(bytes: Int) {
        receivedBytes += bytes
    }

    /// A complete message of `wireBytes` (gRPC prefix included) or a body chunk arrived; it
    /// ends at the current `receivedBytes`.
    mutating func completed(wireBytes: Int) {
        completedBytes += wireBytes
        pendingEnds.append(completedBytes)
        pendingSizes.append(wireBytes)
    }

    /// Lets the consumer act at `now`. Returns the bytes to credit now (0 for none) and, when
    /// the consumer is busy, the time it wants to be called again.
    mutating func advance<G: RandomNumberGenerator>(now: UInt64, rng: inout G) -> (credit: Int, wakeAt: UInt64?) {
        var creditTarget = creditedBytes
        while true {
            if busyUntil > now { break }
            if pendingHead < pendingEnds.count {
                // Taken when the consumer became free (its planned time, however late this
                // call), or when the message arrived if that was later.
                let takenAt = pendingHead >= seenCount || busyUntil == 0 ? max(busyUntil, now) : busyUntil
                busyUntil = 0
                creditTarget = max(creditTarget, pendingEnds[pendingHead])
                let size = pendingSizes[pendingHead]
                pendingHead += 1
                taken += 1
                if pendingHead > 64 && pendingHead * 2 > pendingEnds.count {
                    pendingEnds.removeFirst(pendingHead)
                    pendingSizes.removeFirst(pendingHead)
                    seenCount = max(0, seenCount - pendingHead)
                    pendingHead = 0
                }
                if let delay {
                    let d = delay.sample(bytes: size, using: &rng)
                    delayTotal &+= d
                    if d > 0 { busyUntil = takenAt &+ d }
                }
                continue
            }
            // Waiting for a message that has not (fully) arrived.
            busyUntil = 0
            if policy == .grant { creditTarget = max(creditTarget, receivedBytes) }
            break
        }
        seenCount = pendingEnds.count
        let credit = creditTarget - creditedBytes
        creditedBytes = creditTarget
        return (credit, busyUntil > now ? busyUntil : nil)
    }

    /// Messages complete and waiting to be taken.
    var backlog: Int { pendingEnds.count - pendingHead }

    /// When the consumer, going on after the stream ended at `now` (trailers arrived, or the
    /// stream failed), would take the last message that had arrived: a gRPC application keeps
    /// calling `Recv()` on its buffered messages after the transport is done. Each message
    /// still waiting is taken once the consumer is free, followed by a freshly drawn delay.
    /// `now` itself when nothing is waiting. Call before ``end(now:)``; changes nothing but `rng`.
    func drainEnd<G: RandomNumberGenerator>(now: UInt64, rng: inout G) -> UInt64 {
        guard pendingHead < pendingEnds.count else { return now }
        var free = max(busyUntil, now)
        var lastTake = now
        for index in pendingHead..<pendingSizes.count {
            lastTake = free
            if let delay { free &+= delay.sample(bytes: pendingSizes[index], using: &rng) }
        }
        return lastTake
    }

    /// The stream ended at `now`: the consumer stops. A delay still running counts only up to
    /// `now`, and messages still waiting are not taken, so ``delayTotal`` is the time the
    /// consumer really spent delaying while its stream was open.
    mutating func end(now: UInt64) {
        if busyUntil > now {
            delayTotal &-= busyUntil &- now
        }
        busyUntil = 0
    }
}

extension ConsumerDelay {
    /// Whether the delay depends on the message size (then it follows each message taken, and
    /// there is no initial wait).
    var isPerByte: Bool {
        if case .perByte = self { return true }
        return false
    }
}
