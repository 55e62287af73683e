import Foundation
import H2Run
import H2TestSupport
import Testing

/// The shell the two Jobs run, executed here with `/bin/sh` against a temporary folder in place
/// of the results volume and a stand-in `h2stress` that logs its arguments and exits with a
/// chosen status: what each shard leaves for the merge job, and which status the merge job
/// ends with.
@Suite(.serialized)
struct KubernetesJobScriptTests {
    typealias Fixture = KubernetesFixture

    /// A folder with `bin/h2stress` (logs `$*` to `calls`, exits with `$FAKE_<SUBCOMMAND>`) and
    /// `volume/` standing in for the results volume.
    struct Rig {
        let folder: String
        var results: String { folder + "/volume" }
        var calls: String { folder + "/calls" }

        init() throws {
            folder = try Fixture.folder("script")
            try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
            let fake = """
                #!/bin/sh
                echo "$*" >> "\(folder)/calls"
                case "$1" in
                  run) exit "${FAKE_RUN:-0}" ;;
                  merge) exit "${FAKE_MERGE:-0}" ;;
                  gate) exit "${FAKE_GATE:-0}" ;;
                esac
                exit 99

                """
            try fake.write(toFile: folder + "/bin/h2stress", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/bin/h2stress")
        }

        /// `text` with the volume's mount point moved into this rig.
        func local(_ text: String) -> String {
            text.replacingOccurrences(of: KubernetesDeployment.resultsMount + "/", with: results + "/")
        }

        func environment(_ extra: [String: String]) -> [String: String] {
            ["PATH": "\(folder)/bin:/usr/bin:/bin"].merging(extra) { $1 }
        }

        func loggedCalls() -> [String] {
            ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    static func command(_ deployment: KubernetesDeployment, _ file: String) throws -> [String] {
        let job = try Fixture.object(deployment, file)
        return Fixture.strings(job["spec"]?["template"]?["spec"]?["containers"]?[0]?["command"])
    }

    @Test("a shard runs h2stress with the rendered args and leaves its exit status; only a failed gate (1) counts as done",
          arguments: [(0, 0), (1, 0), (2, 2), (64, 64)])
    func shardScript(runStatus: Int, podStatus: Int) async throws {
        let rig = try Rig()
        defer { rig.remove() }
        let (deployment, _) = try Fixture.deployment(shards: 3)
        let command = try Self.command(deployment, KubernetesDeployment.shardsJobFile)
        #expect(command.count == 4 && command[3] == "h2stress-shard")
        let script = rig.local(command[2])
        let args = deployment.shardArguments.map(rig.local)
        let outcome = try await Subprocess.run("/bin/sh", ["-c", script, "h2stress-shard"] + args, timeout: 30,
                                               environment: rig.environment(["JOB_COMPLETION_INDEX": "1", "FAKE_RUN": "\(runStatus)"]))
        #expect(outcome.status == Int32(podStatus), "\(outcome)")
        #expect(rig.loggedCalls() == [args.joined(separator: " ")])
        let statusFile = rig.local(deployment.statusFolder + "/shard-1.exit")
        #expect((try? String(contentsOfFile: statusFile, encoding: .utf8)) == "\(runStatus)\n")
        #expect(FileManager.default.fileExists(atPath: rig.local(deployment.shardsFolder)), "the shards folder is made")
    }

    /// Runs the merge job's script with every shard's status file present except `missing`.
    func runMerge(_ deployment: KubernetesDeployment, _ rig: Rig, missing: Int? = nil, merge: Int = 0, gate: Int = 0) async throws -> Subprocess.Outcome {
        let status = rig.local(deployment.statusFolder)
        try FileManager.default.createDirectory(atPath: status, withIntermediateDirectories: true)
        for index in 0..<deployment.shards where index != missing {
            try "0\n".write(toFile: "\(status)/shard-\(index).exit", atomically: true, encoding: .utf8)
        }
        let command = try Self.command(deployment, KubernetesDeployment.mergeJobFile)
        var script = rig.local(try #require(command.last))
        if missing != nil {
            // Not waiting in a test: the bound is reached at once.
            script = script.replacingOccurrences(of: "limit=\(deployment.mergeWaitSeconds)\n", with: "limit=0\n")
        }
        return try await Subprocess.run("/bin/sh", ["-c", script], timeout: 30,
                                        environment: rig.environment(["FAKE_MERGE": "\(merge)", "FAKE_GATE": "\(gate)"]))
    }

    @Test("the merge job merges the shards folder, then its status is the gate's", arguments: [0, 1, 2])
    func mergeThenGate(gate: Int) async throws {
        let rig = try Rig()
        defer { rig.remove() }
        let (deployment, _) = try Fixture.deployment(shards: 3)
        let outcome = try await runMerge(deployment, rig, gate: gate)
        #expect(outcome.status == Int32(gate), "\(outcome)")
        let run = rig.local(deployment.runFolder)
        #expect(rig.loggedCalls() == ["merge \(run)/shards --output \(run)/merged",
                                      "gate \(run)/merged --rules /profile/\(KubernetesDeployment.gateRulesKey)"])
        #expect(outcome.stdout.contains("shard 2 of 3 ended: h2stress run exit status 0"), "\(outcome.stdout)")
    }

    @Test("a failed merge (64: missing or duplicate shards) ends the job with its status, without gating")
    func failedMerge() async throws {
        let rig = try Rig()
        defer { rig.remove() }
        let (deployment, _) = try Fixture.deployment(shards: 3)
        let outcome = try await runMerge(deployment, rig, merge: 64)
        #expect(outcome.status == 64, "\(outcome)")
        #expect(rig.loggedCalls().count == 1 && rig.loggedCalls().first?.hasPrefix("merge ") == true)
    }

    @Test("a shard that never ends: the merge job stops at its bound with status 2, naming the shard, and merges nothing")
    func missingShard() async throws {
        let rig = try Rig()
        defer { rig.remove() }
        let (deployment, _) = try Fixture.deployment(shards: 3)
        let outcome = try await runMerge(deployment, rig, missing: 2)
        #expect(outcome.status == 2, "\(outcome)")
        #expect(outcome.stderr.contains("shard 2 of 3 has not ended"), "\(outcome.stderr)")
        #expect(rig.loggedCalls().isEmpty)
    }

    @Test("a profile without gate rules: the merge job's status is the merge's")
    func noGate() async throws {
        let rig = try Rig()
        defer { rig.remove() }
        let (deployment, _) = try Fixture.deployment(Fixture.root.appendingPathComponent("profiles/quick.yaml").path, shards: 2)
        let outcome = try await runMerge(deployment, rig, gate: 1)
        #expect(outcome.status == 0, "\(outcome)")
        #expect(rig.loggedCalls().count == 1)
    }
}
