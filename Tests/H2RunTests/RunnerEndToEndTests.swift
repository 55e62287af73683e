import Foundation
import H2Report
import H2Target
import Testing
import H2Profile
import H2Results
import H2Driver
import H2Run

/// The whole pipeline on loopback: `profiles/quick.yaml` → ``Runner`` against the embedded
/// server → ``RunDirectory`` → `run.json` read back as plain JSON (what other tools see).
struct RunnerEndToEndTests {
    static let quickProfile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("profiles/quick.yaml").path

    /// `a.b.c` in objects from JSONSerialization.
    static func value(_ path: String, in root: Any) -> Any? {
        var current: Any? = root
        for key in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(key)]
        }
        return current
    }

    static func number(_ path: String, in root: Any) -> Double? {
        (value(path, in: root) as? NSNumber)?.doubleValue
    }

    @Test func theQuickProfileRunsEndToEndAndWritesTheContract() throws {
        let loaded = try ProfileLoader.load(path: Self.quickProfile, overrides: ["warmup=0s"])
            .withThreads([1])
            .withDuration(.seconds(1))
        #expect(loaded.cells.count == 2, "two window variants × one thread count")

        let root = FileManager.default.temporaryDirectory.appendingPathComponent("h2stress-runner-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let startedAt = Date()
        let directory = try RunDirectory(resultsRoot: root, profileName: loaded.base.name, startedAt: startedAt)
        let runner = Runner(loaded: loaded, launcher: EmbeddedTargetLauncher(), control: RunControl())
        runner.hooks.cellFinished = { run in try? directory.write(run) }
        let result = runner.run(runID: directory.runID, startedAt: startedAt)
        try directory.write(result)

        #expect(result.status == .complete)
        #expect(result.cells.count == 2)

        let data = try Data(contentsOf: URL(fileURLWithPath: directory.runFilePath))
        let json = try JSONSerialization.jsonObject(with: data)
        #expect(Self.value("schema", in: json) as? String == "h2stress.run/v1")
        #expect(Self.value("tool.name", in: json) as? String == "h2stress")
        #expect(!((Self.value("tool.version", in: json) as? String) ?? "").isEmpty)
        #expect(((Self.value("environment.nghttp2Version", in: json) as? String) ?? "").hasPrefix("1."))
        #expect(Self.value("runID", in: json) as? String == directory.runID)
        #expect(Self.value("status", in: json) as? String == "complete")
        #expect(Self.value("finishedAt", in: json) is String)
        #expect(Self.value("profile.name", in: json) as? String == "quick")
        #expect(((Self.value("target", in: json) as? String) ?? "").hasPrefix("embedded 127.0.0.1:"))
        #expect(((Self.value("notes", in: json) as? [String]) ?? []).contains { $0.contains("warmup=0s") })

        let cells = (Self.value("cells", in: json) as? [Any]) ?? []
        #expect(cells.count == 2)
        for (i, cell) in cells.enumerated() {
            let id = (Self.value("id", in: cell) as? String) ?? "cell \(i)"
            #expect(Self.number("index", in: cell) == Double(i))
            #expect(Self.number("threads", in: cell) == 1)
            #expect((Self.number("streams.complete", in: cell) ?? 0) > 0, "\(id)")
            for outcome in ["truncated", "reset", "goaway", "connectionLost", "deadline", "statusError", "integrity"] {
                #expect(Self.number("streams." + outcome, in: cell) == 0, "\(id): \(outcome)")
            }
            #expect((Self.number("throughput.bytesPerSecond", in: cell) ?? 0) > 0, "\(id)")
            #expect((Self.number("throughput.messagesPerSecond", in: cell) ?? 0) > 0, "\(id)")
            #expect((Self.number("throughput.streamsPerSecond", in: cell) ?? 0) > 0, "\(id)")
            #expect((Self.number("latency.ttfb.p50", in: cell) ?? 0) > 0, "\(id)")
            #expect((Self.number("latency.streamDuration.p99", in: cell) ?? 0) > 0, "\(id)")
            #expect((Self.number("latency.messageGap.count", in: cell) ?? 0) > 0, "\(id)")
            let duration = Self.number("durationSeconds", in: cell) ?? 0
            #expect(duration > 0.5 && duration <= 1.0, "\(id): measured \(duration) s of a 1 s cell")
            #expect((Self.number("bytesReceived", in: cell) ?? 0) > 0, "\(id)")
            #expect((Self.value("failures", in: cell) as? [Any])?.isEmpty == true, "\(id)")
            #expect((Self.value("connectionErrors", in: cell) as? [Any])?.isEmpty == true, "\(id)")
        }
        // Round trip through the typed decoder agrees with the plain JSON.
        let decoded = try RunResult.decode(from: data)
        #expect(decoded.cells.map(\.streams) == result.cells.map(\.streams))

        let report = try String(contentsOfFile: directory.reportFilePath, encoding: .utf8)
        #expect(report.contains("quick"))
        #expect(!report.isEmpty)
    }
}
