import Testing
import H2Wire
@testable import H2Driver

/// ``StreamSlotMap`` against `Dictionary` as the oracle: the driver's real pattern (odd ids in
/// order, closing out of order) and random keys, through growth and many deletions.
struct StreamSlotMapTests {
    static func agree(_ map: StreamSlotMap, _ oracle: [Int32: Int], probes: [Int32], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(map.count == oracle.count, sourceLocation: sourceLocation)
        for key in probes where map[key] != oracle[key] {
            Issue.record("key \(key): map \(String(describing: map[key])), oracle \(String(describing: oracle[key]))", sourceLocation: sourceLocation)
            return
        }
    }

    @Test func oddIdsInOrderClosedOutOfOrderLikeAConnection() {
        var rng = SplitMix64(seed: 42)
        var map = StreamSlotMap(capacity: 100)
        var oracle: [Int32: Int] = [:]
        var open: [Int32] = []
        var next: Int32 = 1
        for step in 0..<200_000 {
            if open.count < 100 && (open.isEmpty || rng.next() % 3 != 0) {
                map[next] = step % 100
                oracle[next] = step % 100
                open.append(next)
                next += 2
            } else {
                // Mostly recent streams close, sometimes an old one (a slow stream) does.
                let index = rng.next() % 8 == 0 ? Int(rng.next() % UInt64(open.count)) : open.count - 1 - Int(rng.next() % UInt64(min(open.count, 4)))
                let id = open.remove(at: index)
                #expect(map.removeValue(forKey: id) == oracle.removeValue(forKey: id))
            }
            if step % 10_000 == 0 { Self.agree(map, oracle, probes: Array(max(1, next - 400)...next)) }
        }
        Self.agree(map, oracle, probes: Array(1...next))
        #expect(map.removeValue(forKey: next + 2) == nil)
    }

    @Test func randomKeysThroughGrowthAndDeletion() {
        var rng = SplitMix64(seed: 7)
        var map = StreamSlotMap()
        var oracle: [Int32: Int] = [:]
        for _ in 0..<100_000 {
            let key = Int32(truncatingIfNeeded: rng.next() % 3_000) + 1
            switch rng.next() % 3 {
            case 0, 1:
                let value = Int(rng.next() % 1_000)
                map[key] = value
                oracle[key] = value
            default:
                #expect(map.removeValue(forKey: key) == oracle.removeValue(forKey: key))
            }
        }
        Self.agree(map, oracle, probes: Array(1...3_001))
        map.removeAll()
        #expect(map.count == 0 && map[5] == nil)
        map[5] = 1
        #expect(map[5] == 1)
    }

    @Test func keysThatAreNotStreamIdsAreNeverFound() {
        var map = StreamSlotMap()
        map[1] = 0
        #expect(map[0] == nil && map[-3] == nil)
        #expect(map.removeValue(forKey: 0) == nil && map.count == 1)
        map[1] = nil
        #expect(map.count == 0 && map[1] == nil)
    }
}
