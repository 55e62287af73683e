import Foundation
import H2Profile
import H2Results
import H2TestSupport
import Testing

/// The ground truth for shards, as a user (or a Kubernetes Indexed Job) runs them: one
/// `h2stress serve`, three `h2stress run --shards 3` processes told their index by
/// `JOB_COMPLETION_INDEX` and started with `--start-at` a few seconds ahead, then `h2stress merge`.
/// Checked against the shards' own files, against an unsharded run of the same profile, and with
/// `gate`, `compare` and `report` on the merged folder.
@Suite(.serialized, .disabled(if: H2StressExecutable.path == nil && ProcessInfo.processInfo.environment["CI"] == nil,
                              "h2stress executable not found next to the test bundle"))
struct ShardGroundTruthTests {
    /// Streams in the whole run: 101 + 100 + 100 over three shards (the remainder goes to shard 0).
    static let totalStreams = 301
    static let bodySize = 4096

    static func profile(port: Int) -> String {
        """
        name: shardtruth
        target: {url: "h2c://127.0.0.1:\(port)"}
        warmup: 0s
        duration: 5s
        connections: 4
        streamsPerConnection: 2
        totalStreams: \(totalStreams)
        mix:
          - weight: 1
            http.get: {size: 4KiB}
        gate: ["failed == 0", "complete >= \(totalStreams)", "ttfb.max < 1us"]
        """
    }

    /// The port from `h2stress serve: listening on 127.0.0.1:PORT`.
    static func port(_ process: Subprocess) async throws -> Int {
        let line = try #require(await process.line(containing: "listening on", timeout: 30), "no `listening on` line: \(process.stderr)")
        let text = line.split(separator: "127.0.0.1:").last.map { String($0.prefix(while: \.isNumber)) } ?? ""
        return try #require(Int(text), "no port in `\(line)`")
    }

    static func decode(_ folder: String) throws -> RunResult {
        try RunResult.decode(from: Data(contentsOf: URL(fileURLWithPath: folder + "/run.json")))
    }

    @Test("3 shards with --shards 3, JOB_COMPLETION_INDEX and --start-at, then merge: counts add, histograms are the shards' union, gate verdict matches an unsharded run, cells start together")
    func threeShardsMergeToTheWhole() async throws {
        let exe = try #require(H2StressExecutable.path)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("h2s-shards-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let serve = try Subprocess(exe, ["serve", "--port", "0", "--duration", "60s"], lifetime: 90)
        defer { serve.send(SIGKILL) }
        let port = try await Self.port(serve)
        try Self.profile(port: port).write(toFile: work + "/shardtruth.yaml", atomically: true, encoding: .utf8)

        // Three shards, started together by the schedule; each told its index as Kubernetes would.
        let startAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 3).rounded(.up))
        let formatter = ISO8601DateFormatter()
        let startText = formatter.string(from: startAt)
        var shards: [Subprocess] = []
        for index in 0..<3 {
            var environment = ProcessInfo.processInfo.environment
            environment["JOB_COMPLETION_INDEX"] = String(index)
            shards.append(try Subprocess(exe, ["run", "shardtruth.yaml", "--shards", "3", "--start-at", startText,
                                               "--results-dir", "shards", "--quiet"],
                                         lifetime: 60, directory: work, environment: environment))
        }
        for shard in shards {
            #expect(await shard.exitStatus(timeout: 60) == 1, "every shard fails its own `complete >= 301` and `ttfb.max < 1us` rules: \(shard.stderr)")
        }
        let folders = try FileManager.default.contentsOfDirectory(atPath: work + "/shards").sorted()
        #expect(folders.count == 3 && folders.allSatisfy { $0.hasPrefix("shardtruth-shard-") }, "\(folders)")
        for index in 0..<3 { #expect(folders.contains { $0.hasPrefix("shardtruth-shard-\(index)-of-3-") }, "\(folders)") }
        let parts = try folders.map { try Self.decode(work + "/shards/" + $0) }.sorted { $0.shard!.index < $1.shard!.index }

        // The Kubernetes form: one folder holding the shard folders, and --output.
        let merge = try await Subprocess.run(exe, ["merge", "shards", "--output", "merged"], timeout: 30, directory: work)
        #expect(merge.status == 0, "\(merge)")
        let merged = try Self.decode(work + "/merged")

        // The split: shares add up to the profile's figures exactly, remainder to the lowest index.
        #expect(parts.map { $0.shard!.cells[0].connections } == [2, 1, 1])
        #expect(parts.map { $0.shard!.cells[0].totalStreams } == [101, 100, 100])
        #expect(Set(parts.map(\.profileHash)).count == 1 && merged.profileHash == parts[0].profileHash)
        #expect(Set(parts.map { $0.shard!.cells[0].seed }).count == 3, "each shard has its own seed")

        // Counts: the merge is the sum of the shards, and the whole is what the profile asked for.
        let cell = try #require(merged.cells.first)
        var sum = OutcomeCounts()
        for part in parts { sum.add(part.cells[0].streams) }
        #expect(cell.streams == sum)
        #expect(cell.streams.complete == Self.totalStreams && cell.streams.failed == 0)
        #expect(cell.bytesReceived == parts.reduce(0) { $0 + $1.cells[0].bytesReceived })
        #expect(cell.bytesReceived == Self.totalStreams * Self.bodySize)
        #expect(cell.messagesReceived == parts.reduce(0) { $0 + $1.cells[0].messagesReceived })
        #expect(cell.streamsStarted == parts.reduce(0) { $0 + $1.cells[0].streamsStarted })
        #expect(abs(cell.cpu.totalSeconds - parts.reduce(0) { $0 + $1.cells[0].cpu.totalSeconds }) < 1e-9)
        #expect(cell.series.reduce(0) { $0 + $1.streamsCompleted } == Self.totalStreams, "every completion lands in one merged second")

        // Histograms: each merged histogram holds exactly the shards' recorded values (decoded
        // here from each shard's hdr1 and added), one ttfb per stream, and the exact min and max.
        for (key, text) in cell.histograms {
            var union = LatencyHistogram()
            for part in parts {
                if let shardText = part.cells[0].histograms[key] { union.merge(try #require(LatencyHistogram(encoded: shardText))) }
            }
            #expect(LatencyHistogram(encoded: text) == union, "histogram \(key)")
        }
        let ttfb = cell[.ttfb]
        #expect(ttfb.count == UInt64(Self.totalStreams))
        #expect(ttfb.min == parts.map { $0.cells[0][.ttfb].min }.min() && ttfb.max == parts.map { $0.cells[0][.ttfb].max }.max())

        // Start schedule: every shard began the cell within a few ms of its slot (100 ms allows a
        // loaded 2-core CI machine), and the measured windows began together.
        for part in parts {
            let start = try #require(part.shard?.cells.first)
            #expect(start.slotStart == UTCTimestamp.iso8601Milliseconds(startAt))
            #expect((start.lateMilliseconds ?? .infinity) < 100, "shard \(part.shard!.label) late by \(start.lateMilliseconds ?? -1) ms")
        }
        #expect((merged.merge?.maxStartSpreadMilliseconds ?? .infinity) < 100)
        #expect(merged.merge?.rows.count == 3)

        // Gate: the merged run's verdict is that of one unsharded run of the same profile.
        let whole = try await Subprocess.run(exe, ["run", "shardtruth.yaml", "--results-dir", "whole", "--quiet"], timeout: 60, directory: work)
        let wholeFolder = "whole/" + (try #require(try FileManager.default.contentsOfDirectory(atPath: work + "/whole").first))
        let unsharded = try Self.decode(work + "/" + wholeFolder)
        #expect(unsharded.cells[0].streams.complete == cell.streams.complete, "the unsharded run did the same number of streams")
        let gateMerged = try await Subprocess.run(exe, ["gate", "merged"], timeout: 30, directory: work)
        let gateWhole = try await Subprocess.run(exe, ["gate", wholeFolder], timeout: 30, directory: work)
        #expect(gateMerged.status == 1 && gateWhole.status == 1 && whole.status == 1, "ttfb.max < 1us fails both: \(gateMerged)\n\(gateWhole)")
        func failedRules(_ outcome: Subprocess.Outcome) -> [String] {
            outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL  ") }.map { String($0.split(separator: ":")[0]) }
        }
        #expect(failedRules(gateMerged) == failedRules(gateWhole) && failedRules(gateMerged) == ["FAIL  ttfb.max < 1us @ default/t1/s1/r1"],
                "\(gateMerged.stdout)\n\(gateWhole.stdout)")
        #expect(FileManager.default.fileExists(atPath: work + "/merged/junit.xml"))

        // compare and report read the merged folder like any run.
        let compare = try await Subprocess.run(exe, ["compare", wholeFolder, "merged"], timeout: 30, directory: work)
        #expect(compare.status == 0, "\(compare)")
        let report = try await Subprocess.run(exe, ["report", "merged"], timeout: 30, directory: work)
        #expect(report.status == 0, "\(report)")
        let markdown = try String(contentsOfFile: work + "/merged/report.md", encoding: .utf8)
        #expect(markdown.contains("## Shards") && markdown.contains("\n| 2/3 "), "\(markdown)")

        // Refusals name what is wrong: a shard twice, a shard missing, another profile.
        let twice = try await Subprocess.run(exe, ["merge", "shards/" + folders[0], "shards/" + folders[0], "shards/" + folders[1]], timeout: 30, directory: work)
        #expect(twice.status == 64 && twice.stderr.contains("shard 0 appears twice"), "\(twice)")
        let missing = try await Subprocess.run(exe, ["merge", "shards/" + folders[0], "shards/" + folders[2]], timeout: 30, directory: work)
        #expect(missing.status == 64 && missing.stderr.contains("shard 1 of 3 missing"), "\(missing)")
        serve.send(SIGINT)
        _ = await serve.exitStatus(timeout: 20)
    }

    @Test("a --start-at less than one slot in the past starts at once and records how late")
    func startLateIsRecorded() async throws {
        let exe = try #require(H2StressExecutable.path)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("h2s-late-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        // Embedded target, no warm-up, 1 s: the slot is 1 + 0 + 1 + 2 = 4 s; start 1.5 s into it.
        try """
            name: late
            duration: 1s
            totalStreams: 20
            mix: [{weight: 1, http.get: {size: 1KiB}}]
            """.write(toFile: work + "/late.yaml", atomically: true, encoding: .utf8)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let startAt = Date().addingTimeInterval(-1.5)
        let outcome = try await Subprocess.run(exe, ["run", "late.yaml", "--shard", "0/1", "--start-at", formatter.string(from: startAt),
                                                     "--results-dir", "r", "--quiet"], timeout: 30, directory: work)
        #expect(outcome.status == 0, "\(outcome)")
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: work + "/r").first)
        let run = try Self.decode(work + "/r/" + folder)
        let late = try #require(run.shard?.cells.first?.lateMilliseconds)
        #expect(late >= 1500 && late < 2500, "late by \(late) ms")
        #expect(run.shard?.label == "0/1" && folder.hasPrefix("late-2"), "`--shard 0/1` is unsharded: no shard tag in the name")
    }

    @Test("shard flag mistakes exit 64 with the fix", arguments: [
        (["--shards", "3"], [:], "JOB_COMPLETION_INDEX, which is not set"),
        (["--shards", "3"], ["JOB_COMPLETION_INDEX": "3"], "integer from 0 to 2"),
        (["--shards", "3"], ["JOB_COMPLETION_INDEX": "x"], "integer from 0 to 2"),
        (["--shard", "3/3"], [:], "`--shard 3/3` must be `i/N`"),
        (["--shard", "1/3", "--shards", "4"], [:], "disagree on the number of shards"),
        (["--shard", "1/3", "--shards", "3"], ["JOB_COMPLETION_INDEX": "2"], "disagrees with JOB_COMPLETION_INDEX=2"),
        (["--start-at", "tomorrow"], [:], "not an RFC 3339 time"),
        (["--start-at", "2020-01-01T00:00:00Z"], [:], "in the past"),
        (["--shard", "0/5"], [:], "fewer than the 5 shards"),
    ] as [([String], [String: String], String)])
    func mistakes(flags: [String], variables: [String: String], text: String) async throws {
        let exe = try #require(H2StressExecutable.path)
        var environment = ProcessInfo.processInfo.environment
        environment["JOB_COMPLETION_INDEX"] = nil
        environment.merge(variables) { $1 }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let outcome = try await Subprocess.run(exe, ["run", "profiles/quick.yaml", "--results-dir", "/nonexistent/never-created"] + flags,
                                               timeout: 30, directory: root, environment: environment)
        #expect(outcome.status == 64, "\(outcome)")
        #expect(outcome.stderr.contains(text), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Fatal error") && !outcome.stderr.contains("Stack dump"))
    }
}
