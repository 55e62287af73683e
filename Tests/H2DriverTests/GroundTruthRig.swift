import Foundation
import H2Target
import H2Wire
import H2Loop
@testable import H2Driver

/// Runs ``Driver`` against an in-process ``EmbeddedServer`` on loopback for the ground-truth
/// tests (issue 3): a known cause is injected, the measured figure must show it.
enum GroundTruthRig {
    static let ms: UInt64 = 1_000_000
    static let seconds: UInt64 = 1_000_000_000

    /// A one-thread server (no concurrency limit unless given).
    static func startServer(maxConcurrentStreams: Int = 256) throws -> EmbeddedServer {
        var settings = HTTP2Settings()
        settings.maxConcurrentStreams = maxConcurrentStreams
        return try EmbeddedServer.start(EmbeddedServerConfig(host: "127.0.0.1", port: 0, threads: 1, settings: settings))
    }

    /// The driver's settings: the given stream and connection receive windows.
    static func clientSettings(streamWindow: Int, connectionWindow: Int = 16 << 20) -> HTTP2Settings {
        var s = HTTP2Settings()
        s.initialWindowSize = streamWindow
        s.connectionWindowSize = connectionWindow
        return s
    }

    /// One thread, one connection, `streams` concurrent streams of `plan`, `total` of them
    /// (nil: for `duration`), no warm-up; the duration is a safety bound when `total` is set.
    static func options(_ plan: StreamPlan, streams: Int, total: Int?, streamWindow: Int = 1 << 20,
                        duration: UInt64 = 30 * seconds) -> Driver.Options {
        Driver.Options(threads: 1, connections: 1, streamsPerConnection: streams, plans: [plan], weights: [1],
                       settings: clientSettings(streamWindow: streamWindow), warmupNanoseconds: 0,
                       durationNanoseconds: duration, totalStreams: total, seed: 3)
    }

    /// Runs one cell against `server` and stops the server; returns both sides' figures.
    static func run(_ options: Driver.Options, server: EmbeddedServer,
                    progress: [WorkerProgress]? = nil) -> (driver: DriverResult, server: ServerStats) {
        let result = Driver.run(options, target: TargetAddress(host: server.host, port: server.port),
                                control: RunControl(), progress: progress)
        return (result, server.stop())
    }

    static func micros(_ ns: UInt64) -> String { String(format: "%.1fµs", Double(ns) / 1e3) }
    static func millis(_ ns: UInt64) -> String { String(format: "%.2fms", Double(ns) / 1e6) }
    static func millis(_ ns: Double) -> String { String(format: "%.2fms", ns / 1e6) }
}
