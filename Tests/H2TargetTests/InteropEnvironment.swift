import Foundation
import H2TestSupport

/// Where the interop tests find their external tools, and whether they must have them.
///
/// Policy: on a developer machine a missing tool skips the tests that need it (with the
/// reason shown); when `CI` is set the tests run anyway and fail, because `scripts/setup.sh`
/// should have installed everything.
enum InteropEnvironment {
    /// `CI` is set and non-empty (`.ci/run` runs with `CI=true`).
    static let isCI: Bool = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty

    /// The repository root (this file is `Tests/H2TargetTests/InteropEnvironment.swift`).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `interop/grpc_client.py`.
    static var grpcClientScript: String { repositoryRoot.appendingPathComponent("interop/grpc_client.py").path }

    /// h2load from nghttp2-client, if installed.
    static let h2load: String? = executable(named: "h2load")

    /// The python3 on PATH, if any.
    static let python3: String? = executable(named: "python3")

    /// python3 can import grpc and google.protobuf (checked once, by running python3; killed
    /// after 60 s, which counts as no).
    static let grpcAvailable: Bool = {
        guard let python3 else { return false }
        let outcome = try? Subprocess.runBlocking(python3, ["-c", "import grpc, google.protobuf"], timeout: 60)
        return outcome?.status == 0 && outcome?.timedOut == false
    }()

    /// The `h2stress` executable built next to the test bundle.
    static let h2stressExecutable = H2StressExecutable.path

    /// Skip (outside CI) when h2load is missing.
    static var skipWithoutH2load: Bool { !isCI && h2load == nil }
    /// The grpc-go TestService server and seed client, `.build-go/h2stress-grpcgo`, built by
    /// `interop/grpcgo/build.sh` (which `scripts/test.sh` runs before the tests), if present.
    static let grpcGo: String? = {
        let path = repositoryRoot.appendingPathComponent(".build-go/h2stress-grpcgo").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    /// `interop/grpcgo/seed.sh`: grpc-go's own client against a grpc-go server, the seed case.
    static var grpcGoSeedScript: String { repositoryRoot.appendingPathComponent("interop/grpcgo/seed.sh").path }

    /// Skip (outside CI) when the grpc-go server has not been built.
    static var skipWithoutGRPCGo: Bool { !isCI && grpcGo == nil }

    /// Skip (outside CI) when python3 + grpcio + protobuf are missing.
    static var skipWithoutGRPC: Bool { !isCI && !grpcAvailable }

    /// Searches PATH for an executable.
    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
