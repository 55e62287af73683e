import Testing
import H2Wire
@testable import H2Profile
@testable import H2Driver

/// ``StreamConsumer``: the credit it returns under `grant` and `withhold`, the delays between
/// the messages it takes (fixed, per-byte), and its backlog. Pure logic, times are plain ns.
struct StreamConsumerTests {
    static let ms: UInt64 = 1_000_000
    /// A stream window of 65,535 bytes and a message that cannot fit in it: 5-byte prefix plus
    /// a 64 KiB payload.
    static let window = 65_535
    static let bigMessage = 5 + 65_536 + 4

    // MARK: A message larger than the window

    @Test func grantCreditsAPartlyReceivedMessageTheConsumerIsWaitingFor() {
        var rng = SplitMix64(seed: 1)
        var c = StreamConsumer(delay: nil, policy: .grant)
        c.start(now: 0, rng: &rng)
        // The peer fills the window; the message is not complete.
        c.received(bytes: Self.window)
        var step = c.advance(now: 1, rng: &rng)
        #expect(step.credit == Self.window, "the waiting consumer grants what it has")
        #expect(step.wakeAt == nil)
        #expect(c.taken == 0 && c.backlog == 0)
        // The rest arrives: credited as it comes, then the message is taken.
        c.received(bytes: Self.bigMessage - Self.window)
        c.completed(wireBytes: Self.bigMessage)
        step = c.advance(now: 2, rng: &rng)
        #expect(step.credit == Self.bigMessage - Self.window)
        #expect(c.taken == 1)
        #expect(c.creditedBytes == Self.bigMessage && c.creditedBytes == c.receivedBytes)
        // Nothing more to credit.
        #expect(c.advance(now: 3, rng: &rng).credit == 0)
    }

    @Test func withholdNeverCreditsAPartlyReceivedMessage() {
        var rng = SplitMix64(seed: 1)
        var c = StreamConsumer(delay: nil, policy: .withhold)
        c.start(now: 0, rng: &rng)
        // 47 small messages (100 bytes on the wire each) are taken and credited one by one.
        for i in 0..<47 {
            c.received(bytes: 100)
            c.completed(wireBytes: 100)
            let step = c.advance(now: UInt64(i), rng: &rng)
            #expect(step.credit == 100)
        }
        #expect(c.taken == 47 && c.creditedBytes == 4_700)
        // Then the big message: the window's worth arrives, nothing is credited, ever.
        c.received(bytes: Self.window - 4_700)
        for t in 100..<110 {
            #expect(c.advance(now: UInt64(t), rng: &rng).credit == 0)
        }
        #expect(c.creditedBytes == 4_700)
        #expect(c.taken == 47 && c.backlog == 0)
    }

    @Test func grantWaitsForTheConsumerToAskBeforeCreditingPartialBytes() {
        var rng = SplitMix64(seed: 1)
        var c = StreamConsumer(delay: .fixed(.milliseconds(10)), policy: .grant)
        c.start(now: 0, rng: &rng)
        #expect(c.busyUntil == 10 * Self.ms, "a delayed consumer waits once before its first Recv()")
        c.received(bytes: 1_000)
        // Busy: no credit, and it asks to be called back when its delay ends.
        var step = c.advance(now: 5 * Self.ms, rng: &rng)
        #expect(step.credit == 0 && step.wakeAt == 10 * Self.ms)
        // Now it asks for the message: the partial bytes are granted.
        step = c.advance(now: 10 * Self.ms, rng: &rng)
        #expect(step.credit == 1_000 && step.wakeAt == nil)
    }

    // MARK: Delays between takes

    @Test func fixedDelaysSpaceTheTakesAndCreditWholeMessages() {
        var rng = SplitMix64(seed: 1)
        var c = StreamConsumer(delay: .fixed(.milliseconds(10)), policy: .withhold)
        c.start(now: 0, rng: &rng)
        let sizes = [100, 200, 300]
        for s in sizes {
            c.received(bytes: s)
            c.completed(wireBytes: s)
        }
        #expect(c.backlog == 3)
        var step = c.advance(now: 1 * Self.ms, rng: &rng)
        #expect(step.credit == 0 && step.wakeAt == 10 * Self.ms)
        step = c.advance(now: 10 * Self.ms, rng: &rng)
        #expect(step.credit == 100 && step.wakeAt == 20 * Self.ms && c.taken == 1 && c.backlog == 2)
        // Early call: still busy.
        step = c.advance(now: 15 * Self.ms, rng: &rng)
        #expect(step.credit == 0 && step.wakeAt == 20 * Self.ms)
        step = c.advance(now: 20 * Self.ms, rng: &rng)
        #expect(step.credit == 200 && step.wakeAt == 30 * Self.ms)
        // A late call (45 ms) takes the message at its planned time (30 ms): the delay after
        // it ended at 40 ms, so the consumer is already waiting for more.
        step = c.advance(now: 45 * Self.ms, rng: &rng)
        #expect(step.credit == 300 && step.wakeAt == nil)
        #expect(c.taken == 3 && c.backlog == 0 && c.busyUntil == 0)
        // 1 initial wait + 3 delays after the takes.
        #expect(c.delayTotal == 40 * Self.ms)
        #expect(c.creditedBytes == 600)
    }

    @Test func aLateWakeUpTakesWhatTheScheduleWouldHaveTakenByThen() {
        var rng = SplitMix64(seed: 1)
        var c = StreamConsumer(delay: .fixed(.milliseconds(10)), policy: .withhold)
        c.start(now: 0, rng: &rng)
        for _ in 0..<5 {
            c.received(bytes: 100)
            c.completed(wireBytes: 100)
        }
        #expect(c.advance(now: 1 * Self.ms, rng: &rng).wakeAt == 10 * Self.ms)
        // The 10 ms wake-up comes 25 ms late: the takes planned at 10, 20 and 30 ms all happen,
        // and the next one stays on its schedule (40 ms), not 10 ms after the late call.
        let step = c.advance(now: 35 * Self.ms, rng: &rng)
        #expect(step.credit == 300 && step.wakeAt == 40 * Self.ms)
        #expect(c.taken == 3 && c.backlog == 2)
    }

    @Test func aMessageIsNeverTakenBeforeItArrived() {
        var rng = SplitMix64(seed: 1)
        var c = StreamConsumer(delay: .fixed(.milliseconds(10)), policy: .withhold)
        c.start(now: 0, rng: &rng)
        #expect(c.advance(now: 1 * Self.ms, rng: &rng).wakeAt == 10 * Self.ms)
        // Free at 10 ms, but the first message arrives at 25 ms (before the wake-up ran): it is
        // taken at 25 ms and the next delay ends at 35 ms.
        c.received(bytes: 100)
        c.completed(wireBytes: 100)
        var step = c.advance(now: 25 * Self.ms, rng: &rng)
        #expect(step.credit == 100 && step.wakeAt == 35 * Self.ms && c.taken == 1)
        // A second message arrives during that delay and waits for it.
        c.received(bytes: 100)
        c.completed(wireBytes: 100)
        step = c.advance(now: 30 * Self.ms, rng: &rng)
        #expect(step.credit == 0 && step.wakeAt == 35 * Self.ms)
        step = c.advance(now: 36 * Self.ms, rng: &rng)
        #expect(step.credit == 100 && step.wakeAt == 45 * Self.ms && c.taken == 2)
    }

    @Test func perByteDelaysFollowTheMessageSizeWithNoInitialWait() {
        var rng = SplitMix64(seed: 1)
        // 1 MB/s: 1 µs per byte.
        var c = StreamConsumer(delay: .perByte(bytesPerSecond: 1_000_000), policy: .grant)
        c.start(now: 0, rng: &rng)
        #expect(c.busyUntil == 0 && c.delayTotal == 0)
        c.received(bytes: 4_000)
        c.completed(wireBytes: 1_000)
        c.completed(wireBytes: 3_000)
        var step = c.advance(now: 0, rng: &rng)
        #expect(step.credit == 1_000 && step.wakeAt == 1 * Self.ms)
        step = c.advance(now: 1 * Self.ms, rng: &rng)
        #expect(step.credit == 3_000 && step.wakeAt == 4 * Self.ms)
        #expect(c.delayTotal == 4 * Self.ms)
        // After the last delay the consumer waits for data: nothing to credit, no wake-up.
        step = c.advance(now: 4 * Self.ms, rng: &rng)
        #expect(step.credit == 0 && step.wakeAt == nil)
    }

    @Test func endingTheStreamCutsTheRunningDelayAndTakesNothingMore() {
        var rng = SplitMix64(seed: 1)
        var c = StreamConsumer(delay: .fixed(TimeSpan(nanoseconds: 10 * Self.ms)), policy: .grant)
        c.start(now: 0, rng: &rng)                      // busy 0…10 ms
        c.received(bytes: 100)
        c.completed(wireBytes: 100)
        c.received(bytes: 100)
        c.completed(wireBytes: 100)
        _ = c.advance(now: 12 * Self.ms, rng: &rng)      // takes one at 12 ms, busy until 22 ms
        #expect(c.taken == 1 && c.delayTotal == 20 * Self.ms && c.backlog == 1)
        c.end(now: 15 * Self.ms)                         // 3 ms of the running delay happened
        #expect(c.delayTotal == 13 * Self.ms)
        #expect(c.busyUntil == 0 && c.taken == 1 && c.backlog == 1)
        // Ending again, or a consumer that was not delaying, changes nothing.
        c.end(now: 30 * Self.ms)
        #expect(c.delayTotal == 13 * Self.ms)
    }

    @Test func aFastConsumerTakesEverythingAtOnce() {
        var rng = SplitMix64(seed: 1)
        var c = StreamConsumer(delay: nil, policy: .withhold)
        c.start(now: 0, rng: &rng)
        c.received(bytes: 350)
        c.completed(wireBytes: 100)
        c.completed(wireBytes: 200)
        // 50 bytes of a third message: withheld.
        let step = c.advance(now: 0, rng: &rng)
        #expect(step.credit == 300 && step.wakeAt == nil)
        #expect(c.taken == 2 && c.backlog == 0 && c.delayTotal == 0)
    }

    // MARK: Backlog

    @Test func theBacklogKeepsOrderAndExactOffsetsAcrossManyMessages() {
        var rng = SplitMix64(seed: 1)
        var c = StreamConsumer(delay: .fixed(.milliseconds(1)), policy: .withhold)
        c.start(now: 0, rng: &rng)
        // 300 messages of distinct sizes arrive before the consumer takes any.
        let sizes = (0..<300).map { 10 + $0 * 7 % 97 }
        for s in sizes {
            c.received(bytes: s)
            c.completed(wireBytes: s)
        }
        #expect(c.backlog == 300)
        // Taken one per ms, each crediting exactly its own size (past the internal compaction).
        var now = 1 * Self.ms
        for (i, s) in sizes.enumerated() {
            let step = c.advance(now: now, rng: &rng)
            #expect(step.credit == s, "message \(i)")
            #expect(c.backlog == 300 - i - 1)
            now += Self.ms
        }
        #expect(c.taken == 300 && c.creditedBytes == sizes.reduce(0, +))
        #expect(c.creditedBytes <= c.receivedBytes)
        // Messages that arrive later are still taken in order.
        c.received(bytes: 5)
        c.completed(wireBytes: 5)
        #expect(c.advance(now: now, rng: &rng).credit == 5)
    }
}
