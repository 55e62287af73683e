import Foundation
import H2Profile
import H2Run
import Testing
import Yams

/// Shared pieces of the Kubernetes tests: the repository's profiles, a deployment rendered with
/// fixed times, and the rendered YAML parsed back with Yams.
enum KubernetesFixture {
    /// The repository root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The sample profile of `deploy/k8s`: it has gate rules, some with a baseline.
    static let sampleProfile = root.appendingPathComponent("profiles/ci-gate.yaml").path
    /// The start time of the committed example (`deploy/k8s`).
    static let exampleStart = "2026-12-01T12:00:00Z"
    /// The command line that renders `deploy/k8s` (after the executable), as docs/kubernetes.md gives it.
    static let exampleArguments = ["k8s", "profiles/ci-gate.yaml", "--shards", "3", "--image", "registry.example.com/h2stress:0.1.0",
                                   "--start-at", exampleStart, "--output", "deploy/k8s"]

    /// A fixed render time, and a start two minutes later.
    static let renderedAt = Date(timeIntervalSince1970: 1_796_000_000)
    static let startAt = renderedAt.addingTimeInterval(120)

    /// The deployment of the profile at `path` with `shards` shards, rendered at ``renderedAt``.
    static func deployment(_ path: String = sampleProfile, shards: Int = 3, name: String? = nil, namespace: String? = nil,
                           storageClass: String? = nil) throws -> (deployment: KubernetesDeployment, notes: [String]) {
        let loaded = try ProfileLoader.load(path: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let options = KubernetesDeployment.Options(name: name, namespace: namespace, image: "registry.example.com/h2stress:test",
                                                   shards: shards, startAt: startAt, renderedAt: renderedAt, storageClass: storageClass)
        return try KubernetesDeployment.make(loaded: loaded, profileText: text, options: options)
    }

    /// The rendered file `name`, parsed.
    static func object(_ deployment: KubernetesDeployment, _ name: String) throws -> Node {
        let file = try #require(deployment.files.first { $0.fileName == name }, "no \(name) rendered")
        return try #require(try Yams.compose(yaml: file.text), "\(name) is empty")
    }

    /// A sequence node's items as strings.
    static func strings(_ node: Node?) -> [String] {
        node?.sequence?.compactMap(\.string) ?? []
    }

    /// A fresh temporary folder; the caller removes it.
    static func folder(_ label: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("h2s-k8s-\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `deployment`'s files into `folder`.
    static func write(_ deployment: KubernetesDeployment, to folder: String) throws {
        for file in deployment.files {
            try file.text.write(toFile: "\(folder)/\(file.fileName)", atomically: true, encoding: .utf8)
        }
    }

    /// The first executable called `name` on PATH.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
