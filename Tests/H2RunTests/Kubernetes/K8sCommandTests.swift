import Foundation
import H2Run
import H2TestSupport
import Testing

/// `h2stress k8s` as a user runs it: the committed example `deploy/k8s` is exactly what the
/// command renders today, and mistakes exit 64 with the fix.
@Suite(.serialized, .disabled(if: H2StressExecutable.path == nil, "h2stress executable not found next to the test bundle"))
struct K8sCommandTests {
    typealias Fixture = KubernetesFixture

    static func executable() throws -> String {
        try #require(H2StressExecutable.path, "h2stress executable not found next to the test bundle")
    }

    @Test("deploy/k8s is what `h2stress k8s` renders today, file for file (run the command in docs/kubernetes.md to update it)")
    func committedExampleIsCurrent() async throws {
        let folder = try Fixture.folder("example")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var arguments = Fixture.exampleArguments
        let output = try #require(arguments.firstIndex(of: "--output"))
        arguments[output + 1] = folder
        let outcome = try await Subprocess.run(try Self.executable(), arguments, timeout: 60, directory: Fixture.root.path)
        #expect(outcome.status == 0, "\(outcome)")
        let committed = Fixture.root.appendingPathComponent("deploy/k8s").path
        let rendered = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(rendered.count == 5)
        #expect(try FileManager.default.contentsOfDirectory(atPath: committed).sorted() == rendered)
        for file in rendered {
            let now = try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8)
            let then = try? String(contentsOfFile: "\(committed)/\(file)", encoding: .utf8)
            #expect(now == then, "deploy/k8s/\(file) differs from what the command renders; run: ./h2stress \(Fixture.exampleArguments.joined(separator: " "))")
        }
        let docs = try String(contentsOf: Fixture.root.appendingPathComponent("docs/kubernetes.md"), encoding: .utf8)
        #expect(docs.contains("h2stress " + Fixture.exampleArguments.joined(separator: " ")), "docs/kubernetes.md gives the command that renders deploy/k8s")
    }

    @Test("the default start is 2 minutes after rendering, in whole seconds; the summary names the objects and the wait commands")
    func defaultStart() async throws {
        let folder = try Fixture.folder("start")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let before = Date()
        let outcome = try await Subprocess.run(try Self.executable(), ["k8s", Fixture.sampleProfile, "--shards", "2", "--image", "img:1",
                                                                       "--output", folder, "--name", "ci"], timeout: 60)
        let after = Date()
        #expect(outcome.status == 0, "\(outcome)")
        let job = try String(contentsOfFile: "\(folder)/\(KubernetesDeployment.shardsJobFile)", encoding: .utf8)
        let lines = job.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let startLine = try #require(lines.firstIndex(of: "- \"--start-at\""))
        let text = lines[startLine + 1].dropFirst(3).dropLast()
        let formatter = ISO8601DateFormatter()
        let start = try #require(formatter.date(from: String(text)), "\(text)")
        #expect(start.timeIntervalSince(before) >= 120 && start.timeIntervalSince(after) <= 121, "\(text) is not 2 minutes after rendering")
        #expect(outcome.stdout.contains("kubectl wait --for=condition=complete job/ci-shards"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("kubectl logs job/ci-merge"))
    }

    @Test("mistakes exit 64 with the fix, and write nothing", arguments: [
        (["profiles/does-not-exist.yaml", "--shards", "2", "--image", "img:1"], "does not exist"),
        (["profiles/seed-grpcgo.yaml", "--shards", "2", "--image", "img:1"], "`target.command`"),
        (["profiles/quick.yaml", "--shards", "0", "--image", "img:1"], "`--shards 0`"),
        (["profiles/quick.yaml", "--shards", "2", "--image", "img:1", "--start-at", "tomorrow"], "`--start-at tomorrow`"),
        (["profiles/quick.yaml", "--shards", "2", "--image", "img:1", "--start-at", "2026-12-04T15:00:00Z", "--start-in", "1m"], "not both"),
        (["profiles/quick.yaml", "--shards", "2", "--image", "img:1", "--storage-size", "lots"], "`--storage-size lots`"),
        (["profiles/quick.yaml", "--shards", "2"], "--image"),
    ])
    func mistakes(arguments: [String], message: String) async throws {
        let folder = try Fixture.folder("mistake")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outcome = try await Subprocess.run(try Self.executable(), ["k8s"] + arguments + ["--output", folder + "/out"], timeout: 60,
                                               directory: Fixture.root.path)
        #expect(outcome.status == 64, "\(outcome)")
        #expect(outcome.stderr.contains(message), "\(outcome)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
    }
}
