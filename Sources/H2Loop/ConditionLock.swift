import Glibc

/// A value behind a mutex, with a condition variable on `CLOCK_MONOTONIC` so that threads can
/// wait, up to a deadline, for another thread to change it into a state they want.
///
/// ``ChildProcess`` keeps what its monitor thread learns (output, peak RSS, the reaped status)
/// in one: the monitor ``update(_:)``s it, callers ``wait(until:_:)`` for a line or the exit.
///
/// Also the project's plain lock (``withLock(_:)``) wherever threads share a value: it is a pthread
/// mutex, which ThreadSanitizer understands; `Synchronization.Mutex` on Linux is a futex that
/// the uninstrumented standard library drives, so TSan reports its critical sections as races.
///
/// Threading: `@unchecked Sendable` because `value` is only read or written with the pthread
/// mutex held (every accessor locks), and `Value` is `Sendable`, so what leaves the lock may
/// cross threads.
package final class ConditionLock<Value: Sendable>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var value: Value

    /// A lock holding `value`.
    package init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the value, the mutex held. Waiters are not woken.
    package func withLock<R>(_ body: (inout Value) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&value)
    }

    /// Runs `body` with the value, the mutex held, then wakes every ``wait(until:_:)``.
    func update<R>(_ body: (inout Value) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return body(&value)
    }

    /// Calls `check` with the value (mutex held) now and after every ``update(_:)`` until it
    /// returns non-nil, which is returned, or until `deadline` (monotonic ns, ``MonotonicClock``)
    /// passes, when nil is returned. `pthread_cond_timedwait` on an absolute deadline.
    func wait<R>(until deadline: UInt64, _ check: (Value) -> R?) -> R? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        var limit = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while true {
            if let result = check(value) { return result }
            // Bounded: each pass either returns or waits until at most `deadline`.
            if MonotonicClock.now() >= deadline { return nil }
            _ = pthread_cond_timedwait(condition, mutex, &limit)
        }
    }
}
