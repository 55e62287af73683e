import Foundation
import H2Profile
import H2Run
import Testing
import Yams

/// `KubernetesDeployment`: the shard contract in the rendered objects (parsed back with Yams),
/// what a pod cannot run, and YAML scalars that keep the profile byte for byte.
struct KubernetesDeploymentTests {
    typealias Fixture = KubernetesFixture

    @Test("the Indexed Job runs N shards with --shards N, one start time, and the results claim the merge job reads")
    func shardContract() throws {
        let (deployment, _) = try Fixture.deployment(shards: 3)
        let job = try Fixture.object(deployment, KubernetesDeployment.shardsJobFile)
        let merge = try Fixture.object(deployment, KubernetesDeployment.mergeJobFile)
        let claim = try Fixture.object(deployment, KubernetesDeployment.claimFile)

        #expect(job["kind"]?.string == "Job" && job["apiVersion"]?.string == "batch/v1")
        #expect(job["spec"]?["completionMode"]?.string == "Indexed")
        #expect(job["spec"]?["completions"]?.int == 3)
        #expect(job["spec"]?["parallelism"]?.int == 3)
        #expect(job["spec"]?["backoffLimit"]?.int == 0)
        let pod = try #require(job["spec"]?["template"]?["spec"])
        #expect(pod["restartPolicy"]?.string == "Never")
        let container = try #require(pod["containers"]?[0])
        let args = Fixture.strings(container["args"])
        #expect(Array(args.prefix(2)) == ["run", "/profile/ci-gate.yaml"])
        func value(after flag: String, in list: [String]) -> String? {
            list.firstIndex(of: flag).flatMap { $0 + 1 < list.count ? list[$0 + 1] : nil }
        }
        #expect(value(after: "--shards", in: args) == "3")
        // No fixed index: every pod runs the same arguments, and JOB_COMPLETION_INDEX (set by the
        // Indexed Job) tells `run` which shard it is. Nothing in the pod may set it by hand.
        #expect(!args.contains { $0.contains("index") || $0.contains("JOB_COMPLETION_INDEX") }, "\(args)")
        #expect(container["env"] == nil)
        let startAt = try #require(value(after: "--start-at", in: args))
        #expect(startAt == "2026-11-30T00:55:20Z", "1_796_000_000 + 120 s")
        #expect(Fixture.strings(container["command"]).prefix(2) == ["/bin/sh", "-c"])
        let command = Fixture.strings(container["command"])
        let script = try #require(command.dropFirst(2).first)
        #expect(script.contains("h2stress \"$@\""), "the script runs h2stress with the args, unchanged")
        #expect(script.contains("shard-${JOB_COMPLETION_INDEX}.exit"))

        // Metrics: scraped by annotation, served on the port the args name.
        let annotations = try #require(job["spec"]?["template"]?["metadata"]?["annotations"])
        #expect(annotations["prometheus.io/scrape"]?.string == "true")
        #expect(annotations["prometheus.io/port"]?.string == "9464")
        #expect(annotations["prometheus.io/path"]?.string == "/metrics")
        #expect(value(after: "--metrics", in: args) == "0.0.0.0:9464")
        #expect(container["ports"]?[0]?["containerPort"]?.int == 9464)

        // One claim, ReadWriteMany, mounted at /results in both Jobs.
        #expect(Fixture.strings(claim["spec"]?["accessModes"]) == ["ReadWriteMany"])
        let claimName = try #require(claim["metadata"]?["name"]?.string)
        for (label, object) in [("shards", job), ("merge", merge)] {
            let spec = try #require(object["spec"]?["template"]?["spec"])
            let volume = try #require(spec["volumes"]?.sequence?.first { $0["persistentVolumeClaim"] != nil }, "\(label): no claim volume")
            #expect(volume["persistentVolumeClaim"]?["claimName"]?.string == claimName, "\(label)")
            let mount = try #require(spec["containers"]?[0]?["volumeMounts"]?.sequence?.first { $0["name"]?.string == volume["name"]?.string })
            #expect(mount["mountPath"]?.string == "/results", "\(label)")
            #expect(object["spec"]?["activeDeadlineSeconds"]?.int != nil, "\(label): bounded")
        }

        // The shards write under the run folder; the merge job reads exactly there.
        let resultsDir = try #require(value(after: "--results-dir", in: args))
        #expect(resultsDir == "/results/ci-gate-20261130-005520/shards")
        let mergeCommand = Fixture.strings(merge["spec"]?["template"]?["spec"]?["containers"]?[0]?["command"])
        let mergeScript = try #require(mergeCommand.last)
        let runLine = "run=\"\((resultsDir as NSString).deletingLastPathComponent)\""
        #expect(mergeScript.contains(runLine), "\(mergeScript)")
        #expect(mergeScript.contains("h2stress merge \"$run/shards\" --output \"$run/merged\""))
        #expect(mergeScript.contains("shards=3\n"))
        #expect(mergeScript.contains("exec h2stress gate \"$run/merged\" --rules \"/profile/h2stress-gate-rules.yaml\""))
    }

    @Test("the ConfigMap holds the profile file byte for byte; the deadlines follow the estimate")
    func configMapAndDeadlines() throws {
        let (deployment, notes) = try Fixture.deployment()
        let configMap = try Fixture.object(deployment, KubernetesDeployment.configMapFile)
        let original = try String(contentsOfFile: Fixture.sampleProfile, encoding: .utf8)
        #expect(configMap["data"]?["ci-gate.yaml"]?.string == original)
        // ci-gate: 8 cells of 500 ms + 2 s = 20 s of load; 120 s until the start.
        #expect(deployment.loadSeconds == 20)
        #expect(deployment.shardsDeadlineSeconds == 120 + 20 + 8 * 5 + 30 + 120 + 20 / 4)
        let job = try Fixture.object(deployment, KubernetesDeployment.shardsJobFile)
        #expect(job["spec"]?["activeDeadlineSeconds"]?.int == 335)
        let merge = try Fixture.object(deployment, KubernetesDeployment.mergeJobFile)
        #expect(merge["spec"]?["activeDeadlineSeconds"]?.int == 335 + 60 + 600)
        #expect(notes.contains { $0.contains("throughput.bytesPerSecond > 0.9 * baseline") }, "\(notes)")
    }

    @Test("baseline rules are left out of the merge job's rules file, which reads back as the other rules")
    func gateRulesFile() throws {
        let (deployment, _) = try Fixture.deployment()
        guard case .rulesFile(let text) = deployment.gate else {
            Issue.record("ci-gate has baseline rules: expected a rules file, got \(deployment.gate)")
            return
        }
        let configMap = try Fixture.object(deployment, KubernetesDeployment.configMapFile)
        #expect(configMap["data"]?[KubernetesDeployment.gateRulesKey]?.string == text)
        let rules = try GateRuleFile.parse(yaml: text, file: "rules")
        let expected = try ProfileLoader.load(path: Fixture.sampleProfile).base.gate.filter { !$0.needsBaseline }
        #expect(rules.map(\.description) == expected.map(\.description))
        #expect(rules.count == 4)

        let quick = try Fixture.deployment(Fixture.root.appendingPathComponent("profiles/quick.yaml").path).deployment
        #expect(quick.gate == .none)
        let quickMerge = try Fixture.object(quick, KubernetesDeployment.mergeJobFile)
        let quickCommand = Fixture.strings(quickMerge["spec"]?["template"]?["spec"]?["containers"]?[0]?["command"])
        let script = try #require(quickCommand.last)
        #expect(!script.contains("h2stress gate") && script.hasSuffix("exit 0\n"))
    }

    @Test("namespace, storage class and name reach every object")
    func options() throws {
        let (deployment, _) = try Fixture.deployment(name: "night-run", namespace: "load", storageClass: "nfs-client")
        for file in deployment.files where file.fileName != KubernetesDeployment.kustomizationFile {
            let object = try #require(try Yams.compose(yaml: file.text))
            #expect(object["metadata"]?["namespace"]?.string == "load", "\(file.fileName)")
            #expect(object["metadata"]?["name"]?.string?.hasPrefix("night-run-") == true, "\(file.fileName)")
        }
        let claim = try Fixture.object(deployment, KubernetesDeployment.claimFile)
        #expect(claim["spec"]?["storageClassName"]?.string == "nfs-client")
        let kustomization = try Fixture.object(deployment, KubernetesDeployment.kustomizationFile)
        #expect(kustomization["namespace"]?.string == "load")
        #expect(Fixture.strings(kustomization["resources"]) == deployment.files.dropFirst().map(\.fileName))
        #expect(KubernetesDeployment.defaultName(profileName: "My_Profile.v2") == "my-profile-v2")
        #expect(KubernetesDeployment.defaultName(profileName: "___") == "h2stress")
    }

    /// Writes `profile` (and `files`) into a fresh folder and makes its deployment.
    func make(_ profile: String, files: [String: String] = [:], name: String? = nil, image: String = "img:1") throws(ExitError) -> (KubernetesDeployment, [String]) {
        let folder = try! Fixture.folder("profile")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (file, text) in files { try! text.write(toFile: "\(folder)/\(file)", atomically: true, encoding: .utf8) }
        try! profile.write(toFile: "\(folder)/p.yaml", atomically: true, encoding: .utf8)
        let loaded = try! ProfileLoader.load(path: "\(folder)/p.yaml")
        let options = KubernetesDeployment.Options(name: name, image: image, shards: 2, startAt: Fixture.startAt, renderedAt: Fixture.renderedAt)
        return try KubernetesDeployment.make(loaded: loaded, profileText: profile, options: options)
    }

    /// The exit status and message `make` refuses with.
    func refusal(_ profile: String, files: [String: String] = [:], name: String? = nil, image: String = "img:1") -> ExitError? {
        do {
            _ = try make(profile, files: files, name: name, image: image)
            return nil
        } catch {
            return error
        }
    }

    static let header = "name: t\nduration: 1s\nmix: [{http.get: {size: 1KiB}}]\n"

    @Test("what a pod cannot run is refused with exit 64 and the fix")
    func refusals() throws {
        let managed = refusal("name: t\nduration: 1s\nmix: [{http.get: {size: 1KiB}}]\ntarget: {command: [\"./server\", \"--port\", \"{port}\"], ready: {timeout: 5s}}\n")
        #expect(managed?.status == 64)
        #expect(managed?.message?.contains("`target.command`") == true && managed?.message?.contains("Service") == true, "\(String(describing: managed))")

        for url in ["h2c://127.0.0.1:8080", "h2c://localhost:50051", "h2c://[::1]:80"] {
            let loopback = refusal(Self.header + "target: {url: \"\(url)\"}\n")
            #expect(loopback?.status == 64 && loopback?.message?.contains("loopback") == true, "\(url): \(String(describing: loopback))")
        }
        let external = try make(Self.header + "target: {url: \"h2c://echo.load.svc:50051\"}\n")
        #expect(external.0.profileKey == "p.yaml" && !external.1.contains { $0.contains("embedded") }, "a cluster URL renders: \(external.1)")

        let caFile = refusal(Self.header + "target: {url: \"https://echo.load.svc:443\", caFile: ca.pem}\n")
        #expect(caFile?.status == 64 && caFile?.message?.contains("`target.caFile`") == true, "\(String(describing: caFile))")

        #expect(refusal(Self.header, name: "Bad_Name")?.message?.contains("`--name Bad_Name`") == true)
        #expect(refusal(Self.header, image: "")?.message?.contains("`--image`") == true)
    }

    @Test("a request body file next to the profile ships in the ConfigMap; one elsewhere is refused")
    func bodyFiles() throws {
        let bytes = "{\"id\": 1}\n"
        let (deployment, _) = try make("name: t\nduration: 1s\nmix: [{http.request: {method: POST, path: /, body: {file: item.json}}}]\n",
                                       files: ["item.json": bytes])
        #expect(deployment.attachedFiles == [.init(name: "item.json", bytes: Array(bytes.utf8))])
        let configMap = try Fixture.object(deployment, KubernetesDeployment.configMapFile)
        let encoded = try #require(configMap["binaryData"]?["item.json"]?.string)
        #expect(Data(base64Encoded: encoded) == Data(bytes.utf8))

        let folder = try Fixture.folder("body")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: "\(folder)/bodies", withIntermediateDirectories: true)
        try bytes.write(toFile: "\(folder)/bodies/item.json", atomically: true, encoding: .utf8)
        let text = "name: t\nduration: 1s\nmix: [{http.request: {method: POST, path: /, body: {file: bodies/item.json}}}]\n"
        try text.write(toFile: "\(folder)/p.yaml", atomically: true, encoding: .utf8)
        let loaded = try ProfileLoader.load(path: "\(folder)/p.yaml")
        let options = KubernetesDeployment.Options(image: "img:1", shards: 2, startAt: Fixture.startAt, renderedAt: Fixture.renderedAt)
        #expect {
            try KubernetesDeployment.make(loaded: loaded, profileText: text, options: options)
        } throws: { error in
            let exit = error as? ExitError
            return exit?.status == 64 && exit?.message?.contains("`mix[0].http.request.body` names the file `bodies/item.json`") == true
                && exit?.message?.contains("{file: item.json}") == true
        }
    }

    @Test("profile text survives the ConfigMap byte for byte, whatever its whitespace", arguments: [
        "name: a\n", "name: a", "name: a\n\n\n", "  indented: first line\nx: 1\n", "\nleading blank\n", "tab\there\n  \n\ttabbed\n",
        "trailing spaces   \nend", "# only a comment\n", "quote \" and backslash \\ and colon: x\n", "café — ünïcode ✓\n",
        "cr\r\nlf\n", "nel\u{85}line\n", "ls\u{2028}ps\u{2029}bom\u{FEFF}c1\u{9B}\n", "x: |\n  nested literal\n", "",
    ])
    func blockScalars(text: String) throws {
        let rendered = "data:\n  key: " + KubernetesDeployment.blockOrQuoted(text, indent: 4) + "\nnext: 1\n"
        let node = try #require(try Yams.compose(yaml: rendered), "\(rendered)")
        #expect(node["data"]?["key"]?.string == text, "\(rendered)")
        #expect(node["next"]?.int == 1, "the block ends where it should: \(rendered)")
    }
}
