import Foundation
import H2Profile
import H2Run
import H2TestSupport
import Testing
import Yams

/// The rendered Jobs run for real on this machine, as their pods would: the shard container's
/// shell and arguments with the real `h2stress`, once per `JOB_COMPLETION_INDEX`, at the same
/// time; then the merge job's shell. The only changes are where the volumes are (a temporary
/// folder for `/results`, the ConfigMap's files for `/profile`) and the metrics address (pods
/// have a network each; processes here share one, so port 0). Proves the manifests and the
/// `run --shards`, `merge` and `gate` command lines fit together.
@Suite(.serialized, .disabled(if: H2StressExecutable.path == nil, "h2stress executable not found next to the test bundle"))
struct KubernetesPodsLocalTests {
    static let profileYAML = """
        name: pods-local
        target: embedded
        warmup: 0s
        duration: 1s
        connections: 3
        streamsPerConnection: 8
        mix:
          - weight: 1
            http.get: {size: 4KiB}
        gate:
          - "truncated == 0"
          - "complete > 0"
        """

    @Test("two shard pods and the merge-and-gate pod, run here with the real h2stress: the merged counts are the shards' sum and the job passes its gate")
    func shardsThenMergeAndGate() async throws {
        let exe = try #require(H2StressExecutable.path)
        let rig = try KubernetesFixture.folder("pods")
        defer { try? FileManager.default.removeItem(atPath: rig) }
        for folder in ["bin", "profile", "volume"] {
            try FileManager.default.createDirectory(atPath: "\(rig)/\(folder)", withIntermediateDirectories: true)
        }
        try FileManager.default.createSymbolicLink(atPath: rig + "/bin/h2stress", withDestinationPath: exe)
        let profilePath = rig + "/pods-local.yaml"
        try Self.profileYAML.write(toFile: profilePath, atomically: true, encoding: .utf8)

        // Start 4 s from now: both shard processes are up by then.
        let now = Date()
        let options = KubernetesDeployment.Options(image: "h2stress:test", shards: 2, startAt: now.addingTimeInterval(4), renderedAt: now)
        let (deployment, _) = try KubernetesDeployment.make(loaded: try ProfileLoader.load(path: profilePath),
                                                            profileText: Self.profileYAML, options: options)
        // The ConfigMap's files, as the pod mounts them at /profile.
        let configMap = try KubernetesFixture.object(deployment, KubernetesDeployment.configMapFile)
        let data = try #require(configMap["data"]?.mapping)
        for (key, value) in data {
            try #require(value.string).write(toFile: "\(rig)/profile/\(try #require(key.string))", atomically: true, encoding: .utf8)
        }
        func local(_ text: String) -> String {
            text.replacingOccurrences(of: KubernetesDeployment.resultsMount + "/", with: rig + "/volume/")
                .replacingOccurrences(of: KubernetesDeployment.profileMount + "/", with: rig + "/profile/")
                .replacingOccurrences(of: "0.0.0.0:\(deployment.metricsPort)", with: "127.0.0.1:0")
                .replacingOccurrences(of: KubernetesDeployment.metricsLinger, with: "0s")
        }
        let environment = ["PATH": "\(rig)/bin:/usr/bin:/bin"]
        let shardCommand = try KubernetesJobScriptTests.command(deployment, KubernetesDeployment.shardsJobFile)
        let script = local(shardCommand[2])
        let arguments = deployment.shardArguments.map(local)
        #expect(arguments.contains("--shards") && !arguments.contains("--shard"), "the index comes from JOB_COMPLETION_INDEX")

        async let first = Subprocess.run("/bin/sh", ["-c", script, "h2stress-shard"] + arguments, timeout: 60,
                                         environment: environment.merging(["JOB_COMPLETION_INDEX": "0"]) { $1 })
        async let second = Subprocess.run("/bin/sh", ["-c", script, "h2stress-shard"] + arguments, timeout: 60,
                                          environment: environment.merging(["JOB_COMPLETION_INDEX": "1"]) { $1 })
        let shards = try await [first, second]
        for shard in shards { #expect(shard.status == 0, "\(shard)") }

        let mergeCommand = try KubernetesJobScriptTests.command(deployment, KubernetesDeployment.mergeJobFile)
        let merge = try await Subprocess.run("/bin/sh", ["-c", local(try #require(mergeCommand.last))], timeout: 60, environment: environment)
        #expect(merge.status == 0, "merge-and-gate job: \(merge)")

        // The merged run's counts are the sum of the two shards' own run.json.
        func cells(_ folder: String) throws -> [String: [String: Int]] {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/run.json"))) as? [String: Any])
            var out: [String: [String: Int]] = [:]
            for cell in try #require(json["cells"] as? [[String: Any]]) {
                out[try #require(cell["id"] as? String)] = try #require(cell["streams"] as? [String: Int])
            }
            return out
        }
        let shardsFolder = local(deployment.shardsFolder)
        let shardRuns = try FileManager.default.contentsOfDirectory(atPath: shardsFolder).filter { $0.contains("-shard-") }.sorted()
        #expect(shardRuns.count == 2 && shardRuns[0].contains("shard-0-of-2") && shardRuns[1].contains("shard-1-of-2"), "\(shardRuns)")
        let parts = try shardRuns.map { try cells("\(shardsFolder)/\($0)") }
        let merged = try cells(local(deployment.mergedFolder))
        #expect(!merged.isEmpty)
        for (id, counts) in merged {
            for (outcome, count) in counts {
                #expect(count == parts.reduce(0) { $0 + ($1[id]?[outcome] ?? 0) }, "\(id) \(outcome)")
            }
            #expect((counts["complete"] ?? 0) > 0)
        }
    }
}
