import Testing
import H2Profile
import H2Wire
@testable import H2Driver

/// ``StreamTable``: every object it made is in exactly one slot or among the spares, a slot lends
/// the object placed in it, and freed objects and slots are reused (the table never makes more
/// objects than were open at once).
struct StreamTableTests {
    static let plan = PlanBuilder.plan(for: .httpGet(HTTPGetSpec(size: ByteCount(bytes: 100))), stamped: false)

    /// Opens a stream `id` in `table`, reusing a spare when there is one; returns its slot.
    static func open(_ id: Int32, in table: inout StreamTable) -> Int {
        let ref: Unmanaged<ActiveStream>
        if let spare = table.takeSpare() {
            spare._withUnsafeGuaranteedRef {
                $0.reuse(id: id, plan: plan, checksumSeed: 0, startTime: 0, submitTime: 0, measured: true)
            }
            ref = spare
        } else {
            ref = table.adopt(ActiveStream(id: id, plan: plan, checksumSeed: 0, startTime: 0, submitTime: 0, measured: true))
        }
        return table.place(ref)
    }

    @Test("10,000 streams open at once, closed out of order and replaced: slots lend their own stream, objects are reused")
    func manyStreamsOpenCloseAndReuse() {
        var table = StreamTable()
        var rng = SplitMix64(seed: 9)
        var slotOf: [Int32: Int] = [:]
        var next: Int32 = 1
        for _ in 0..<10_000 {
            slotOf[next] = Self.open(next, in: &table)
            next += 2
        }
        #expect(table.slotCount == 10_000 && Set(slotOf.values).count == 10_000)
        for _ in 0..<3 {
            // Close a random half, then open as many new streams: no new slot and no new object.
            let closing = slotOf.keys.filter { _ in rng.next() % 2 == 0 }
            for id in closing {
                let ref = table.release(slot: slotOf.removeValue(forKey: id)!)
                #expect(ref?.takeUnretainedValue().id == id)
                table.recycle(ref!)
            }
            for _ in closing {
                slotOf[next] = Self.open(next, in: &table)
                next += 2
            }
            #expect(table.slotCount == 10_000)
        }
        for (id, slot) in slotOf {
            let lent = table.withStream(inSlot: slot) { $0.id }
            if lent != id {
                Issue.record("slot \(slot) lends stream \(lent), expected \(id)")
                break
            }
        }
        var ended = 0
        table.releaseAll { _ in ended += 1 }
        #expect(ended == 10_000 && !table.isOccupied(0) && table.release(slot: 0) == nil)
        // Every object is now a spare: 10,000 more streams reuse them all.
        for i in 0..<10_000 { _ = Self.open(Int32(2 * i + 1), in: &table) }
        #expect(table.slotCount == 10_000 && table.takeSpare() == nil)
    }
}
