/// Stream id → slot in a connection's stream table: the lookup every nghttp2 callback makes.
///
/// Hand-written rather than a `Dictionary<Int32, Int>` because it is on the hot path: Swift's
/// dictionary hashes each key with SipHash, and those lookups (`Hasher._hash` plus
/// `_RawDictionaryStorage.find`) were ~2 % of the driver thread at 64 KiB bodies in `perf`, more
/// with small messages. Here: open addressing, linear probing, a multiply-shift hash, and
/// backward-shift deletion (no tombstones), over two flat arrays.
///
/// Threading: owned by one connection on its worker thread.
/// Invariants: keys are > 0 (HTTP/2 stream ids; 0 marks an empty bucket, and a key ≤ 0 is never
/// found); `count` ≤ half the
/// buckets (the table doubles before that); every key sits in its probe run, unbroken by
/// empty buckets from its home bucket on.
struct StreamSlotMap {
    private var keys: [Int32]
    private var values: [Int32]
    private var mask: Int
    /// Entries held.
    private(set) var count = 0

    /// An empty map with room for `capacity` entries before it grows.
    init(capacity: Int = 8) {
        var buckets = 16
        while buckets < 2 * capacity { buckets *= 2 }
        keys = [Int32](repeating: 0, count: buckets)
        values = [Int32](repeating: 0, count: buckets)
        mask = buckets - 1
    }

    @inline(__always)
    private func home(_ key: Int32) -> Int {
        // Fibonacci hashing: ids are odd and consecutive, so spread them by the high bits.
        Int(truncatingIfNeeded: (UInt64(UInt32(bitPattern: key)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The slot of `key`, or nil; setting nil removes it.
    subscript(key: Int32) -> Int? {
        get {
            guard key > 0 else { return nil }
            var i = home(key)
            while true {
                let k = keys[i]
                if k == key { return Int(values[i]) }
                if k == 0 { return nil }
                i = (i + 1) & mask
            }
        }
        set {
            if let newValue { insert(key, newValue) } else { _ = removeValue(forKey: key) }
        }
    }

    private mutating func insert(_ key: Int32, _ value: Int) {
        precondition(key > 0 && value >= 0 && value <= Int(Int32.max), "BUG DETECTED: StreamSlotMap entry \(key) → \(value)")
        if 2 * (count + 1) > keys.count { grow() }
        var i = home(key)
        while true {
            let k = keys[i]
            if k == key { values[i] = Int32(value); return }
            if k == 0 {
                keys[i] = key
                values[i] = Int32(value)
                count += 1
                return
            }
            i = (i + 1) & mask
        }
    }

    /// Removes `key`; returns its slot, or nil when it was not there.
    @discardableResult
    mutating func removeValue(forKey key: Int32) -> Int? {
        guard key > 0 else { return nil }
        var i = home(key)
        while keys[i] != key {
            if keys[i] == 0 { return nil }
            i = (i + 1) & mask
        }
        let removed = Int(values[i])
        // Backward-shift deletion: move later entries of the run into the hole when their home
        // bucket does not lie cyclically in (hole, their position].
        var hole = i
        var j = (i + 1) & mask
        while keys[j] != 0 {
            let h = home(keys[j])
            let stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j)
            if !stays {
                keys[hole] = keys[j]
                values[hole] = values[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        keys[hole] = 0
        count -= 1
        return removed
    }

    /// Forgets every entry; the table keeps its size.
    mutating func removeAll() {
        for i in keys.indices { keys[i] = 0 }
        count = 0
    }

    /// Makes room for `capacity` entries without growing later.
    mutating func reserveCapacity(_ capacity: Int) {
        while keys.count < 2 * capacity { grow() }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [Int32](repeating: 0, count: oldKeys.count * 2)
        values = [Int32](repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (k, v) in zip(oldKeys, oldValues) where k != 0 { insert(k, Int(v)) }
    }
}
