import CLinux
import Glibc

extension ChildProcess {
    /// What to do with a descriptor in the child before it runs (`posix_spawn_file_actions_*`),
    /// in order.
    enum FileAction: Sendable, Equatable {
        /// Make `to` a copy of `fd` (`dup2`).
        case duplicate(Int32, to: Int32)
        /// Open `path` with `flags` (mode 0644 when it is created) as descriptor `target`.
        case open(target: Int32, path: String, flags: Int32)
        /// Change the working directory to `path`.
        case changeDirectory(String)
    }

    /// Starts `arguments[0]` with `arguments`, through `posix_spawn` (an absolute or relative
    /// path) or, with `searchPath`, `posix_spawnp` (looked up on `PATH`). The child gets an
    /// empty signal mask and default SIGINT/SIGTERM/SIGPIPE/SIGHUP handling whatever the parent
    /// blocked or ignored, and with `ownProcessGroup` a process group of its own (its pid), so
    /// `kill(-pid, …)` reaches its children too. `environment` is `KEY=VALUE` entries (nil: the
    /// parent's). `fileActions` set up its descriptors, in order.
    ///
    /// - Returns: the pid, or the `errno` of the failed spawn.
    static func posixSpawn(
        arguments: [String], searchPath: Bool, environment: [String]?, ownProcessGroup: Bool, fileActions: [FileAction]
    ) -> Result<pid_t, SpawnError> {
        precondition(!arguments.isEmpty, "BUG DETECTED: spawn without an executable")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for action in fileActions {
            switch action {
            case .duplicate(let fd, let target): posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .open(let target, let path, let flags): posix_spawn_file_actions_addopen(&actions, target, path, flags, 0o644)
            case .changeDirectory(let path): _ = CLinux_spawn_addchdir(&actions, path)
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup($0) } + [nil] }
        defer {
            for p in argv { free(p) }
            for p in envp ?? [] { free(p) }
        }
        var pid: pid_t = 0
        func start(_ env: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
            searchPath ? posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, env)
                       : posix_spawn(&pid, arguments[0], &actions, &attributes, argv, env)
        }
        let rc = envp.map { list in list.withUnsafeBufferPointer { start($0.baseAddress!) } } ?? start(environ)
        guard rc == 0 else { return .failure(SpawnError(code: rc)) }
        return .success(pid)
    }

    /// One non-blocking `wait4(pid, WNOHANG)`: nil while the child runs; its end once reaped
    /// (``Exit/peakRSSBytes`` and ``Exit/killedAfterGrace`` left for the caller). A pid that is
    /// no longer this process's child (someone else reaped it) comes back as an end with
    /// neither code nor signal.
    static func reapIfExited(_ pid: pid_t, exitedEarly: Bool) -> Exit? {
        var status: Int32 = 0
        var usage = rusage()
        let r = wait4(pid, &status, WNOHANG, &usage)
        if r == pid {
            let termSignal = status & 0x7f
            return Exit(exitCode: termSignal == 0 ? (status >> 8) & 0xff : nil, signal: termSignal == 0 ? nil : termSignal,
                        userSeconds: seconds(usage.ru_utime), systemSeconds: seconds(usage.ru_stime), peakRSSBytes: 0,
                        exitedEarly: exitedEarly, killedAfterGrace: false)
        }
        if r < 0 && errno != EINTR {
            return .unknown(peakRSSBytes: 0, exitedEarly: exitedEarly, killedAfterGrace: false)
        }
        return nil
    }

    private static func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
}
