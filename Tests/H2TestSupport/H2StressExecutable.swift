import Foundation

/// The `h2stress` executable built next to the test bundle (`swift build --build-tests` builds
/// every product into the same directory), for tests that run the CLI as a process.
public enum H2StressExecutable {
    /// Its path; nil when it was not built.
    public static let path: String? = {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let candidate = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("h2stress").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }()
}
