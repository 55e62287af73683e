/// A connection's open streams by slot. It owns them (strongly, in ``owners``) and also keeps
/// each one unowned in a plain buffer, from which ``withStream(inSlot:_:)`` lends a stream to
/// the per-frame callbacks without a retain/release pair. Reading the array instead cost about
/// five retain/release pairs per DATA chunk (callgrind, 64 KiB bodies).
///
/// Non-copyable, so a connection holds it inline: reaching it costs no retain either (a class
/// instance in a stored property is retained to call a method on it).
///
/// Threading: owned by one connection on its worker's loop thread.
/// Invariants: `lent[i]` is `owners[i]` unretained, for every `i < owners.count`; the buffer's
/// capacity is at least `owners.count`.
struct StreamTable: ~Copyable {
    /// The streams by slot; nil for a free slot.
    private(set) var owners: [ActiveStream?] = []
    /// `owners`, unretained.
    private var lent: UnsafeMutablePointer<Unmanaged<ActiveStream>?>
    private var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = max(1, capacity)
        lent = .allocate(capacity: self.capacity)
        lent.initialize(repeating: nil, count: self.capacity)
    }

    deinit {
        lent.deallocate()
    }

    var count: Int { owners.count }
    var indices: Range<Int> { owners.indices }

    subscript(slot: Int) -> ActiveStream? {
        get { owners[slot] }
        set {
            owners[slot] = newValue
            lent[slot] = newValue.map { Unmanaged.passUnretained($0) }
        }
    }

    /// Adds a slot holding `stream`.
    mutating func append(_ stream: ActiveStream) {
        reserveCapacity(owners.count + 1)
        lent[owners.count] = Unmanaged.passUnretained(stream)
        owners.append(stream)
    }

    /// Room for `slots` slots without growing during a wake.
    mutating func reserveCapacity(_ slots: Int) {
        owners.reserveCapacity(slots)
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
    /// ``owners`` keeps it alive for the whole call, and nothing in the DATA and frame callbacks
    /// that use this empties the slot.
    @inline(__always)
    func withStream<R>(inSlot slot: Int, _ body: (ActiveStream) -> R) -> R {
        lent[slot].unsafelyUnwrapped._withUnsafeGuaranteedRef(body)
    }
}
