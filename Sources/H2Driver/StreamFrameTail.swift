import H2Results
/// The last ``capacity`` frames of one stream, kept next to its connection's ``FrameTrace``.
///
/// The connection ring is shared by every stream: with 200 streams receiving DATA, its 256
/// entries can hold none of one stream's frames by the time that stream fails. The tail keeps
/// the stream's own frames (the same ``FrameTraceEntry`` values, with the connection's sequence
/// numbers), so the stream's dump always shows them
/// (``FrameTrace/snapshot(around:stream:tail:before:after:)``).
///
/// Storage is inline (`InlineArray`): the tail lives inside its stream's object, so recording
/// never allocates; only ``entries`` does, for an abnormal stream.
///
/// Threading: part of one stream on its connection's worker thread.
/// Invariants: `count ≤ capacity`; `next` is the slot the next entry goes to; the held entries,
/// oldest first, start at `next` once the tail is full, at 0 before.
public struct StreamFrameTail: Sendable {
    private typealias Storage = InlineArray<16, FrameTraceEntry>
    /// Frames kept per stream.
    public static let capacity = Storage.count

    // `next` and `count` first: they are read at every record, the storage slot written is one
    // of sixteen.
    private var next = 0
    /// Entries held (≤ ``capacity``).
    public private(set) var count = 0
    private var storage = Storage(repeating: .empty)

    /// An empty tail.
    public init() {}

    /// Keeps `entry`, dropping the oldest when full. O(1), no allocation.
    @inline(__always)
    public mutating func record(_ entry: FrameTraceEntry) {
        storage[next] = entry
        next = next == Self.capacity - 1 ? 0 : next + 1
        if count < Self.capacity { count += 1 }
    }

    /// Forgets every entry (O(1): the slots are overwritten as new entries come).
    public mutating func removeAll() {
        next = 0
        count = 0
    }

    /// The held entries, oldest first. Allocates.
    public var entries: [FrameTraceEntry] {
        let first = count < Self.capacity ? 0 : next
        return (0..<count).map { storage[(first + $0) % Self.capacity] }
    }
}
