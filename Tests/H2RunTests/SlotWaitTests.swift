import Foundation
import H2Driver
@testable import H2Run
import Testing

/// `SlotWait`: returns at the wall-clock instant (not before, not much after), at once for a past
/// instant, and at once when the run is interrupted.
struct SlotWaitTests {
    @Test("waits until the instant, within a few ms after it")
    func waitsUntilTheInstant() {
        for delay in [0.05, 0.45] {
            let instant = Date().addingTimeInterval(delay)
            SlotWait.until(instant, control: RunControl())
            let late = Date().timeIntervalSince(instant)
            #expect(late >= 0, "returned \(-late) s early")
            #expect(late < 0.1, "returned \(late) s late")
        }
    }

    @Test("a past instant or an interrupted run returns at once")
    func returnsAtOnce() {
        let start = Date()
        SlotWait.until(start.addingTimeInterval(-10), control: RunControl())
        let interrupted = RunControl()
        interrupted.interrupt()
        SlotWait.until(start.addingTimeInterval(60), control: interrupted)
        #expect(Date().timeIntervalSince(start) < 0.1)
    }
}
