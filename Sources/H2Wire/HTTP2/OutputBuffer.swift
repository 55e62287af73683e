/// A growable byte buffer with a read cursor, allocated once per connection and reused.
///
/// Bytes are appended at the tail and taken from the head (``consume(_:)``). When the
/// buffer runs empty both cursors return to the start; when the tail runs out of room
/// the unread bytes move to the front before the storage grows (doubling), so a buffer
/// that is drained regularly stops allocating after warm-up.
///
/// *Threading*: a value type; like any `var`, one thread at a time.
/// *Invariants*: `0 <= readerIndex <= writerIndex <= storage.capacity`.
public struct OutputBuffer {
    /// Owns the raw storage; copied on write when shared.
    @usableFromInline
    final class Storage {
        @usableFromInline let base: UnsafeMutableRawPointer
        @usableFromInline let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            self.base = .allocate(byteCount: capacity, alignment: 16)
        }

        deinit { base.deallocate() }
    }

    @usableFromInline var storage: Storage
    @usableFromInline var readerIndex = 0
    @usableFromInline var writerIndex = 0

    /// Creates an empty buffer with room for `capacity` bytes before it first grows.
    public init(capacity: Int) {
        storage = Storage(capacity: max(capacity, 64))
    }

    /// Bytes appended and not yet consumed.
    @inlinable
    public var readableBytes: Int { writerIndex - readerIndex }

    /// Bytes the buffer can hold without reallocating (after moving unread bytes to the front).
    public var capacity: Int { storage.capacity }

    /// True when there is nothing to read.
    @inlinable
    public var isEmpty: Bool { writerIndex == readerIndex }

    /// Calls `body` with the unread bytes; the pointer is valid only inside `body`.
    @inlinable
    public func withReadableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage.base + readerIndex, count: writerIndex - readerIndex))
    }

    /// Drops the first `n` unread bytes (e.g. after a socket write took them).
    @inlinable
    public mutating func consume(_ n: Int) {
        precondition(n >= 0 && n <= readableBytes, "BUG DETECTED: consume(\(n)) with \(readableBytes) readable bytes")
        readerIndex += n
        if readerIndex == writerIndex {
            readerIndex = 0
            writerIndex = 0
        }
    }

    /// Drops all unread bytes, keeping the storage.
    public mutating func clear() {
        readerIndex = 0
        writerIndex = 0
    }

    /// Appends a copy of `bytes`.
    @inlinable
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard count > 0 else { return }
        reserveWritable(count)
        (storage.base + writerIndex).copyMemory(from: bytes.baseAddress!, byteCount: count)
        writerIndex += count
    }

    /// Appends exactly `count` bytes written in place by `write`, which must fill the
    /// whole buffer it is given (no intermediate copy).
    @inlinable
    public mutating func append(count: Int, _ write: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        guard count > 0 else { return }
        reserveWritable(count)
        try write(UnsafeMutableRawBufferPointer(start: storage.base + writerIndex, count: count))
        writerIndex += count
    }

    /// Makes room for at least `count` more bytes at the tail (unique storage).
    @inlinable
    public mutating func reserveWritable(_ count: Int) {
        if isKnownUniquelyReferenced(&storage), storage.capacity - writerIndex >= count { return }
        makeRoom(count)
    }

    @usableFromInline
    mutating func makeRoom(_ count: Int) {
        let unread = readableBytes
        let unique = isKnownUniquelyReferenced(&storage)
        if unique, storage.capacity - unread >= count, readerIndex > 0 {
            // Compact: move the unread bytes to the front.
            storage.base.copyMemory(from: storage.base + readerIndex, byteCount: unread)
        } else {
            var newCapacity = storage.capacity
            while newCapacity - unread < count { newCapacity *= 2 }
            let fresh = Storage(capacity: newCapacity)
            fresh.base.copyMemory(from: storage.base + readerIndex, byteCount: unread)
            storage = fresh
        }
        readerIndex = 0
        writerIndex = unread
    }
}
