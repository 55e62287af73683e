/// A connection's stream objects, and its open streams by slot.
///
/// The table owns every ``ActiveStream`` object the connection has made (``pool``) for as long
/// as the connection lives: a finished stream's object is kept as a spare and serves a later
/// stream (``ActiveStream/reuse(id:plan:checksumSeed:startTime:submitTime:measured:)``). The
/// slots and the spare list hold the objects unretained, so opening, finding and finishing a
/// stream costs no retain/release pair. Before, the slots and the spare list held them strongly
/// and every move between them was a retain or a release: about ten atomic reference-count
/// operations per 100-byte stream, by the disassembly of `startStream` and `finish`.
///
/// Non-copyable, so a connection holds it inline: reaching it costs no retain either (a class
/// instance in a stored property is retained to call a method on it).
///
/// Threading: owned by one connection on its worker's loop thread.
/// Invariants: every object of `pool` is in exactly one slot or in `spare`, or is between
/// ``release(slot:)`` and ``recycle(_:)``; `lent[i]` is nil exactly for the slots in
/// `freeSlots` (below `slotCount`); the buffer's capacity is at least `slotCount`.
struct StreamTable: ~Copyable {
    /// Every stream object this connection has made, strongly; never shrinks (its size is the
    /// most streams that were open at once).
    private var pool: [ActiveStream] = []
    /// Objects of `pool` in no slot, ready for reuse.
    private var spare: [Unmanaged<ActiveStream>] = []
    /// The stream in each slot, unretained; nil for a free slot.
    private var lent: UnsafeMutablePointer<Unmanaged<ActiveStream>?>
    private var capacity: Int
    /// Slots in use or free (the next new slot's index).
    private(set) var slotCount = 0
    /// Free slots below `slotCount`.
    private var freeSlots: [Int] = []

    init(capacity: Int = 16) {
        self.capacity = max(1, capacity)
        lent = .allocate(capacity: self.capacity)
        lent.initialize(repeating: nil, count: self.capacity)
    }

    deinit {
        lent.deallocate()
    }

    /// A finished stream's object to reuse, or nil when there is none.
    @inline(__always)
    mutating func takeSpare() -> Unmanaged<ActiveStream>? {
        spare.popLast()
    }

    /// Keeps a new stream object for the connection's life; returns it unretained.
    mutating func adopt(_ stream: ActiveStream) -> Unmanaged<ActiveStream> {
        pool.append(stream)
        return Unmanaged.passUnretained(stream)
    }

    /// Puts `stream` (an object of this table) in a free slot and returns the slot.
    @inline(__always)
    mutating func place(_ stream: Unmanaged<ActiveStream>) -> Int {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            // Doubling, as an append would: reserving one more slot at a time reallocated
            // the arrays for every new slot (quadratic with thousands of streams per connection).
            if slotCount == capacity { reserveCapacity(2 * capacity) }
            slot = slotCount
            slotCount += 1
        }
        lent[slot] = stream
        return slot
    }

    /// Empties `slot` and returns its stream (nil if the slot was free). The object stays
    /// alive (the pool holds it); hand it to ``recycle(_:)`` once nothing uses it any more.
    @inline(__always)
    mutating func release(slot: Int) -> Unmanaged<ActiveStream>? {
        guard slot < slotCount, let stream = lent[slot] else { return nil }
        lent[slot] = nil
        freeSlots.append(slot)
        return stream
    }

    /// Makes a released stream's object available to a later stream.
    @inline(__always)
    mutating func recycle(_ stream: Unmanaged<ActiveStream>) {
        spare.append(stream)
    }

    /// Empties every slot, calling `body` with each stream in slot order; their objects become
    /// spares after `body` returns.
    mutating func releaseAll(_ body: (ActiveStream) -> Void) {
        for slot in 0..<slotCount {
            guard let stream = release(slot: slot) else { continue }
            stream._withUnsafeGuaranteedRef(body)
            recycle(stream)
        }
    }

    /// Whether `slot` holds a stream.
    @inline(__always)
    func isOccupied(_ slot: Int) -> Bool {
        slot < slotCount && lent[slot] != nil
    }

    /// Room for `slots` slots without growing during a wake.
    mutating func reserveCapacity(_ slots: Int) {
        pool.reserveCapacity(slots)
        spare.reserveCapacity(slots)
        freeSlots.reserveCapacity(slots)
        guard slots > capacity else { return }
        let grown = max(slots, capacity * 2)
        let buffer = UnsafeMutablePointer<Unmanaged<ActiveStream>?>.allocate(capacity: grown)
        buffer.moveInitialize(from: lent, count: capacity)
        (buffer + capacity).initialize(repeating: nil, count: grown - capacity)
        lent.deallocate()
        lent = buffer
        capacity = grown
    }

    /// Lends the stream in `slot` (which must hold one) to `body` without a retain/release pair:
    /// the pool keeps it alive for the whole call.
    @inline(__always)
    func withStream<R>(inSlot slot: Int, _ body: (ActiveStream) -> R) -> R {
        lent[slot].unsafelyUnwrapped._withUnsafeGuaranteedRef(body)
    }
}
