/// CPU time a process (the driver, or a managed target) spent during one cell, from `getrusage`.
public struct CPUUsage: Sendable, Codable, Equatable {
    /// User-mode CPU seconds.
    public var userSeconds: Double
    /// Kernel-mode CPU seconds.
    public var systemSeconds: Double

    /// Creates a usage figure.
    public init(userSeconds: Double, systemSeconds: Double) {
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
    }

    /// User plus system seconds.
    public var totalSeconds: Double { userSeconds + systemSeconds }
}
