import H2Loop
import H2Wire
import H2Results

/// A connection's bounded ring of its most recent HTTP/2 frames, for the `frames/` traces of
/// abnormal streams (design.md, "Frame trace").
///
/// ``record(time:direction:type:streamID:flags:length:errorCode:lastStreamID:windowIncrement:connectionWindow:streamWindow:)``
/// runs for every frame of every connection, so it is O(1) and allocation-free: the storage is
/// allocated once in ``init(capacity:)`` and entries are overwritten in place, oldest first.
/// Only the snapshots and ``entries`` allocate, for the rare abnormal stream.
///
/// With many streams on a connection the ring can hold none of one stream's frames (200
/// streams sending DATA fill 256 entries in a moment), so each stream also keeps its own
/// last frames in a ``StreamFrameTail``; ``snapshot(around:stream:tail:before:after:)`` merges both.
///
/// Threading: a value owned by one connection on its worker's loop thread.
/// Invariants: `count ≤ capacity`; `head` is where the next entry goes; the logical order
/// (oldest first) starts at `head` once the ring is full, at 0 before; `recorded` counts every
/// `record` call since ``init(capacity:)`` or ``removeAll()``.
///
/// Non-copyable, with its ring in a buffer it owns: recording is a plain store, where an array
/// paid a uniqueness check (and a possible copy) per frame.
public struct FrameTrace: ~Copyable {
    /// The default number of entries a connection keeps.
    public static let defaultCapacity = 256

    /// Ring storage, ``capacity`` entries, allocated once.
    private let storage: UnsafeMutablePointer<FrameTraceEntry>
    /// The most entries the ring holds.
    public let capacity: Int
    /// Index of the slot the next entry is written to.
    private var head = 0
    /// Entries currently held (≤ ``capacity``).
    public private(set) var count = 0
    /// Frames recorded in total, including those since overwritten; the next entry's sequence number.
    public private(set) var recorded: UInt64 = 0

    /// Creates an empty ring that keeps the newest `capacity` frames (at least 1).
    public init(capacity: Int = FrameTrace.defaultCapacity) {
        precondition(capacity >= 1, "BUG DETECTED: FrameTrace capacity must be ≥ 1, got \(capacity)")
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
        storage.initialize(repeating: .empty, count: capacity)
    }

    deinit {
        storage.deinitialize(count: capacity)
        storage.deallocate()
    }

    /// Records one frame, overwriting the oldest entry when the ring is full, and returns the entry
    /// (for the stream's ``StreamFrameTail``). O(1), no allocation.
    ///
    /// - Parameters:
    ///   - time: `CLOCK_MONOTONIC` ns when the frame was seen (non-decreasing from call to call).
    ///   - connectionWindow: the connection receive window right after the frame
    ///     (`ClientSession.connectionReceiveWindow`).
    ///   - streamWindow: the stream's receive window right after the frame
    ///     (`ClientSession.streamReceiveWindow(_:)`); -1 when not applicable or unknown.
    @inline(__always) @discardableResult
    public mutating func record(time: UInt64, direction: FrameTraceEntry.Direction, type: UInt8, streamID: Int32,
                                flags: UInt8, length: UInt32, errorCode: HTTP2ErrorCode = .noError, lastStreamID: Int32 = 0,
                                windowIncrement: Int32 = 0, connectionWindow: Int32, streamWindow: Int32) -> FrameTraceEntry {
        let entry = FrameTraceEntry(
            sequence: recorded, time: time, direction: direction, type: type, flags: flags, streamID: streamID,
            length: length, errorCode: errorCode, lastStreamID: lastStreamID, windowIncrement: windowIncrement,
            connectionWindow: connectionWindow, streamWindow: streamWindow)
        storage[head] = entry
        head += 1
        if head == capacity { head = 0 }
        if count < capacity { count += 1 }
        recorded &+= 1
        return entry
    }

    /// Records a session's ``FrameEvent`` (as delivered to `ClientSessionDelegate.frame(_:)`).
    ///
    /// Windows are clamped to `Int32`; for connection frames (stream 0) the stream window is stored as -1.
    @inline(__always) @discardableResult
    public mutating func record(_ event: FrameEvent, time: UInt64, connectionWindow: Int, streamWindow: Int) -> FrameTraceEntry {
        record(time: time, direction: event.direction == .received ? .received : .sent, type: event.type,
               streamID: event.streamID, flags: event.flags, length: UInt32(clamping: event.length),
               errorCode: event.errorCode, lastStreamID: event.lastStreamID, windowIncrement: event.windowIncrement,
               connectionWindow: Int32(clamping: connectionWindow),
               streamWindow: event.streamID == 0 ? -1 : Int32(clamping: streamWindow))
    }

    /// Forgets every entry (for a reconnect); keeps the storage and restarts sequence numbers at 0.
    public mutating func removeAll() {
        head = 0
        count = 0
        recorded = 0
    }

    /// The `i`-th held entry, oldest first (`0 ..< count`).
    @inline(__always)
    private func entry(_ i: Int) -> FrameTraceEntry {
        let first = count < capacity ? 0 : head
        var index = first + i
        if index >= capacity { index -= capacity }
        return storage[index]
    }

    /// Every held entry, oldest first. Allocates.
    public var entries: [FrameTraceEntry] {
        var result: [FrameTraceEntry] = []
        result.reserveCapacity(count)
        for i in 0..<count { result.append(entry(i)) }
        return result
    }

    /// The connection's frames around `time`, oldest first. Allocates; meant for abnormal streams only.
    ///
    /// The anchor is the newest entry at or before `time`. The result holds up to `before` entries
    /// ending with the anchor, then up to `after` entries recorded after `time` — frames of every
    /// stream, since the connection's context matters. When none of those belongs to `stream`
    /// (≠ 0), the newest earlier entry of `stream` is put first, so the reader still sees where the
    /// stream last had traffic; its ``FrameTraceEntry/sequence`` shows the gap.
    public func snapshot(around time: UInt64, stream: Int32, before: Int = 64, after: Int = 16) -> [FrameTraceEntry] {
        var anchor = count - 1
        while anchor >= 0 && entry(anchor).time > time { anchor -= 1 }
        let lower = max(0, anchor - max(0, before) + 1)
        let upper = min(count, anchor + 1 + max(0, after))
        var result: [FrameTraceEntry] = []
        result.reserveCapacity(upper - lower + 1)
        var hasStream = false
        for i in lower..<max(lower, upper) {
            let e = entry(i)
            hasStream = hasStream || e.streamID == stream
            result.append(e)
        }
        if !hasStream && stream != 0 {
            var i = lower - 1
            while i >= 0 {
                let e = entry(i)
                if e.streamID == stream {
                    result.insert(e, at: 0)
                    break
                }
                i -= 1
            }
        }
        return result
    }

    /// The connection's frames around `time` (as ``snapshot(around:stream:before:after:)``) merged
    /// with the stream's own last frames from `tail`, oldest first, each frame once. Allocates.
    public func snapshot(around time: UInt64, stream: Int32, tail: StreamFrameTail,
                         before: Int = 64, after: Int = 16) -> [FrameTraceEntry] {
        let context = snapshot(around: time, stream: stream, before: before, after: after)
        let own = tail.entries
        var merged: [FrameTraceEntry] = []
        merged.reserveCapacity(context.count + own.count)
        var i = 0, j = 0
        while i < context.count || j < own.count {
            if j == own.count || (i < context.count && context[i].sequence < own[j].sequence) {
                merged.append(context[i])
                i += 1
            } else {
                if i < context.count && context[i].sequence == own[j].sequence { i += 1 }
                merged.append(own[j])
                j += 1
            }
        }
        return merged
    }

    /// The held entries of `stream` recorded at or after sequence number `sequence`, oldest first
    /// (e.g. what the driver sent for a stream after its outcome was decided). Allocates.
    public func entries(since sequence: UInt64, stream: Int32) -> [FrameTraceEntry] {
        var result: [FrameTraceEntry] = []
        for i in 0..<count {
            let e = entry(i)
            if e.sequence >= sequence && e.streamID == stream { result.append(e) }
        }
        return result
    }

    /// Measures ``record(time:direction:type:streamID:flags:length:errorCode:lastStreamID:windowIncrement:connectionWindow:streamWindow:)``
    /// over `iterations` frames into a default-capacity ring and returns the mean cost in ns per record
    /// (the clock read a caller makes per frame is not included). For a `bench` command; not a test.
    public static func benchmark(iterations: Int) -> Double {
        let n = max(1, iterations)
        var trace = FrameTrace()
        let start = MonotonicClock.now()
        for i in 0..<n {
            let bits = UInt32(truncatingIfNeeded: i)
            trace.record(time: start &+ UInt64(i), direction: bits & 1 == 0 ? .received : .sent,
                         type: UInt8(truncatingIfNeeded: bits & 7), streamID: Int32(bitPattern: bits & 0x7fff),
                         flags: UInt8(truncatingIfNeeded: bits >> 3) & 1, length: 16_384 &+ (bits & 3),
                         errorCode: HTTP2ErrorCode(rawValue: bits & 0xf), connectionWindow: Int32(bitPattern: bits >> 1),
                         streamWindow: Int32(bitPattern: bits >> 2))
        }
        let elapsed = MonotonicClock.now() - start
        keepAlive(trace)
        return Double(elapsed) / Double(n)
    }
}

/// Keeps the optimizer from removing the benchmark's work.
@_optimize(none)
private func keepAlive(_ trace: borrowing FrameTrace) {}
