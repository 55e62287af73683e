/// A binary min-heap of timers ordered by deadline, then by insertion order.
///
/// Hand-written (not swift-collections' `Heap`) to avoid a dependency for forty lines on the
/// loop's hot path; entries are unboxed structs.
struct TimerHeap {
    struct Entry {
        var deadline: UInt64
        var sequence: UInt64 = 0
        var handler: TimerHandler
        var token: UInt64

        init(deadline: UInt64, handler: TimerHandler, token: UInt64) {
            self.deadline = deadline
            self.handler = handler
            self.token = token
        }

        func precedes(_ other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : sequence < other.sequence
        }
    }

    private var storage: [Entry] = []
    private var nextSequence: UInt64 = 0

    var count: Int { storage.count }
    var first: Entry? { storage.first }

    mutating func push(_ entry: Entry) {
        var e = entry
        e.sequence = nextSequence
        nextSequence &+= 1
        storage.append(e)
        var i = storage.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard storage[i].precedes(storage[parent]) else { break }
            storage.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Entry {
        let top = storage[0]
        let last = storage.removeLast()
        if !storage.isEmpty {
            storage[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < storage.count && storage[l].precedes(storage[m]) { m = l }
                if r < storage.count && storage[r].precedes(storage[m]) { m = r }
                if m == i { break }
                storage.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
