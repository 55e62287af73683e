import CLinux
import Glibc

/// What a registered file descriptor is ready for (or what the owner wants to hear about).
public struct IOEvents: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Data (or EOF) can be read.
    public static let readable = IOEvents(rawValue: 1 << 0)
    /// The send buffer has room.
    public static let writable = IOEvents(rawValue: 1 << 1)
    /// The peer hung up or the socket has an error.
    public static let hangup = IOEvents(rawValue: 1 << 2)
}

/// Receives readiness events for one registered file descriptor. Loop thread only.
public protocol EventHandler: AnyObject {
    /// Called on the loop thread with what the descriptor is ready for.
    func handleEvents(_ events: IOEvents, loop: EventLoop)
}

/// Receives timer expiries. `token` is what was passed to ``EventLoop/schedule(at:handler:token:)``,
/// so one handler can multiplex many timers without a closure per timer.
public protocol TimerHandler: AnyObject {
    /// Called on the loop thread once the deadline has passed.
    func timerFired(token: UInt64, loop: EventLoop)
}

/// Identifies one registration on an ``EventLoop``.
public struct Registration: Hashable, Sendable {
    fileprivate let slot: Int
    fileprivate let generation: UInt32
    /// The registered file descriptor.
    public let fd: Int32
}

/// A single-threaded epoll event loop with nanosecond timers (timerfd) and a cross-thread waker
/// (eventfd).
///
/// Threading: an `EventLoop` is created, run and torn down on one thread; every method except
/// ``waker`` is loop-thread only. It is deliberately not `Sendable`.
/// Invariants: a handler slot's generation changes on deregistration, so events for a descriptor
/// that was deregistered earlier in the same `epoll_wait` batch are dropped, never misdelivered.
public final class EventLoop {
    private struct Slot {
        var handler: EventHandler?
        var generation: UInt32
        var fd: Int32
    }

    private let epollFD: Int32
    private let timerFD: Int32
    private let wakeFD: Int32
    private var slots: [Slot] = []          // loop thread only
    private var freeSlots: [Int] = []       // loop thread only
    private var timers = TimerHeap()        // loop thread only
    private var armedDeadline: UInt64 = 0   // loop thread only; 0 = disarmed
    private var stopRequested = false       // loop thread only
    private var eventBuffer: UnsafeMutablePointer<UInt32>
    private var tokenBuffer: UnsafeMutablePointer<UInt64>
    private static let batch = 256
    private static let timerToken: UInt64 = .max
    private static let wakeToken: UInt64 = .max - 1

    /// The monotonic time (ns) at which the current `epoll_wait` returned; handlers use it as
    /// "the time this thread woke up" (the reference point of `wakePoll`).
    public private(set) var wakeTime: UInt64 = 0

    /// The waker other threads may use to interrupt ``run(until:)``.
    public let waker: LoopWaker

    /// Creates the epoll instance, the timerfd and the eventfd.
    public init() throws(SystemError) {
        let ep = CLinux_epoll_create()
        guard ep >= 0 else { throw SystemError.last("epoll_create1") }
        let tf = CLinux_timerfd()
        guard tf >= 0 else { close(ep); throw SystemError.last("timerfd_create") }
        let wf = CLinux_eventfd()
        guard wf >= 0 else { close(ep); close(tf); throw SystemError.last("eventfd") }
        epollFD = ep
        timerFD = tf
        wakeFD = wf
        waker = LoopWaker(fd: wf)
        eventBuffer = .allocate(capacity: Self.batch)
        tokenBuffer = .allocate(capacity: Self.batch)
        guard CLinux_epoll_ctl(ep, 1, tf, CLinux_EPOLLIN, Self.timerToken) == 0,
              CLinux_epoll_ctl(ep, 1, wf, CLinux_EPOLLIN, Self.wakeToken) == 0 else {
            let e = SystemError.last("epoll_ctl")
            close(ep); close(tf); close(wf)
            throw e
        }
    }

    deinit {
        close(epollFD)
        close(timerFD)
        close(wakeFD)
        eventBuffer.deallocate()
        tokenBuffer.deallocate()
    }

    // MARK: Registration

    /// Registers `fd` for level-triggered `interest`. The loop keeps a strong reference to
    /// `handler` until ``deregister(_:)``.
    public func register(fd: Int32, interest: IOEvents, handler: EventHandler) throws(SystemError) -> Registration {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = slots.count
            slots.append(Slot(handler: nil, generation: 0, fd: -1))
        }
        slots[slot].handler = handler
        slots[slot].fd = fd
        let reg = Registration(slot: slot, generation: slots[slot].generation, fd: fd)
        guard CLinux_epoll_ctl(epollFD, 1, fd, Self.epollMask(interest), Self.token(reg)) == 0 else {
            let e = SystemError.last("epoll_ctl(ADD)")
            releaseSlot(slot)
            throw e
        }
        return reg
    }

    /// Changes what a registration is interested in.
    public func setInterest(_ reg: Registration, _ interest: IOEvents) {
        precondition(isLive(reg), "BUG DETECTED: setInterest on a dead registration")
        if CLinux_epoll_ctl(epollFD, 2, reg.fd, Self.epollMask(interest), Self.token(reg)) != 0 {
            preconditionFailure("BUG DETECTED: epoll_ctl(MOD) failed: \(SystemError.last("epoll_ctl"))")
        }
    }

    /// Removes a registration; the descriptor is not closed (its owner closes it).
    public func deregister(_ reg: Registration) {
        guard isLive(reg) else { return }
        _ = CLinux_epoll_ctl(epollFD, 3, reg.fd, 0, 0)
        releaseSlot(reg.slot)
    }

    private func isLive(_ reg: Registration) -> Bool {
        reg.slot < slots.count && slots[reg.slot].generation == reg.generation && slots[reg.slot].handler != nil
    }

    private func releaseSlot(_ slot: Int) {
        slots[slot].handler = nil
        slots[slot].fd = -1
        slots[slot].generation &+= 1
        freeSlots.append(slot)
    }

    private static func token(_ reg: Registration) -> UInt64 {
        UInt64(reg.slot) << 32 | UInt64(reg.generation)
    }

    private static func epollMask(_ interest: IOEvents) -> UInt32 {
        var mask: UInt32 = CLinux_EPOLLRDHUP
        if interest.contains(.readable) { mask |= CLinux_EPOLLIN }
        if interest.contains(.writable) { mask |= CLinux_EPOLLOUT }
        return mask
    }

    /// Drops every registration and pending timer (without closing descriptors). Owners call
    /// this when their loop has finished running: handlers and timer handlers usually hold the
    /// object that owns the loop, and this breaks those reference cycles.
    public func releaseAll() {
        for i in slots.indices where slots[i].handler != nil {
            _ = CLinux_epoll_ctl(epollFD, 3, slots[i].fd, 0, 0)
            releaseSlot(i)
        }
        timers = TimerHeap()
        armedDeadline = 0
        _ = CLinux_timerfd_arm_abs(timerFD, 0)
    }

    // MARK: Timers

    /// Calls `handler.timerFired(token:)` on this thread once `deadline` (monotonic ns) has passed.
    /// Timers cannot be cancelled; a handler that no longer cares ignores the token (use a
    /// generation inside the token).
    public func schedule(at deadline: UInt64, handler: TimerHandler, token: UInt64) {
        timers.push(TimerHeap.Entry(deadline: deadline, handler: handler, token: token))
    }

    /// Number of pending timers (for tests and leak checks).
    public var pendingTimers: Int { timers.count }

    // MARK: Running

    /// Asks ``run(until:)`` to return after the current iteration. Loop thread only; other
    /// threads use ``waker``.
    public func stop() { stopRequested = true }

    /// Runs until ``stop()`` is called, the waker's stop flag is set, or `deadline` (monotonic ns)
    /// passes — whichever is first. Every loop stops by itself: callers always pass a deadline.
    public func run(until deadline: UInt64) {
        stopRequested = false
        while !stopRequested && !waker.isStopRequested {
            let now = MonotonicClock.now()
            if now >= deadline { break }
            fireDueTimers(now: now)
            if stopRequested { break }
            armTimer(min(deadline, timers.first?.deadline ?? deadline))
            let n = CLinux_epoll_wait(epollFD, eventBuffer, tokenBuffer, Int32(Self.batch), -1)
            wakeTime = MonotonicClock.now()
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                preconditionFailure("BUG DETECTED: epoll_wait failed: \(SystemError.last("epoll_wait"))")
            }
            for i in 0..<Int(n) {
                dispatch(token: tokenBuffer[i], mask: eventBuffer[i])
            }
        }
    }

    private func dispatch(token: UInt64, mask: UInt32) {
        switch token {
        case Self.timerToken:
            var expirations: UInt64 = 0
            _ = read(timerFD, &expirations, 8)
            armedDeadline = 0
            fireDueTimers(now: MonotonicClock.now())
        case Self.wakeToken:
            var count: UInt64 = 0
            _ = read(wakeFD, &count, 8)
        default:
            let slot = Int(token >> 32)
            let generation = UInt32(truncatingIfNeeded: token)
            guard slot < slots.count, slots[slot].generation == generation,
                  let handler = slots[slot].handler else { return }
            var events: IOEvents = []
            if mask & CLinux_EPOLLIN != 0 { events.insert(.readable) }
            if mask & CLinux_EPOLLOUT != 0 { events.insert(.writable) }
            if mask & (CLinux_EPOLLHUP | CLinux_EPOLLERR | CLinux_EPOLLRDHUP) != 0 {
                events.insert(.hangup)
                events.insert(.readable)   // let the owner read the EOF / error
            }
            handler.handleEvents(events, loop: self)
        }
    }

    private func fireDueTimers(now: UInt64) {
        while let first = timers.first, first.deadline <= now {
            let entry = timers.pop()
            entry.handler.timerFired(token: entry.token, loop: self)
        }
    }

    private func armTimer(_ deadline: UInt64) {
        guard deadline != armedDeadline else { return }
        armedDeadline = deadline
        if CLinux_timerfd_arm_abs(timerFD, deadline) != 0 {
            preconditionFailure("BUG DETECTED: timerfd_settime failed: \(SystemError.last("timerfd_settime"))")
        }
    }
}
