import CLinux
import Glibc
import Synchronization

/// Wakes an ``EventLoop`` from another thread (an eventfd write) and carries a stop flag.
///
/// Threading: the only loop object that crosses threads. `Sendable` because its state is an
/// immutable descriptor and an atomic flag.
public final class LoopWaker: Sendable {
    private let fd: Int32
    private let stopFlag = Atomic<Bool>(false)

    init(fd: Int32) { self.fd = fd }

    /// Interrupts the loop's current `epoll_wait`. The corresponding C function is `write` on an eventfd.
    public func wake() {
        var one: UInt64 = 1
        _ = write(fd, &one, 8)
    }

    /// Makes the loop's `run(until:)` return soon, from any thread.
    public func requestStop() {
        stopFlag.store(true, ordering: .releasing)
        wake()
    }

    /// Whether ``requestStop()`` was called.
    public var isStopRequested: Bool { stopFlag.load(ordering: .acquiring) }
}
