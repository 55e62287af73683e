import Foundation
import H2Run
import H2TestSupport
import Testing

/// The rendered manifests against the Kubernetes API schemas, offline: PyPI
/// `kubernetes-validate` (which ships the schemas; `scripts/setup.sh` installs it) in strict
/// mode for Kubernetes 1.30, and `kubectl kustomize` on the folder. No cluster is involved.
@Suite(.serialized)
struct KubernetesManifestValidationTests {
    typealias Fixture = KubernetesFixture
    /// The Kubernetes version the manifests are checked against (the oldest the docs promise).
    static let kubernetesVersion = "1.30"

    /// `python3` with `kubernetes_validate` importable; records an issue naming setup.sh otherwise.
    static func validator() async throws -> String? {
        guard let python = Fixture.onPath("python3") else {
            Issue.record("python3 is not on PATH; scripts/setup.sh installs it with the PyPI package kubernetes-validate")
            return nil
        }
        let probe = try await Subprocess.run(python, ["-c", "import kubernetes_validate"], timeout: 60)
        guard probe.status == 0 else {
            Issue.record("the PyPI package kubernetes-validate is missing for \(python); scripts/setup.sh installs it (or: python3 -m pip install kubernetes-validate)\n\(probe.stderr)")
            return nil
        }
        return python
    }

    /// Runs `kubernetes-validate --strict -k 1.30` on `files`.
    static func validate(_ python: String, _ files: [String]) async throws -> Subprocess.Outcome {
        try await Subprocess.run(python, ["-m", "kubernetes_validate", "--strict", "-k", kubernetesVersion] + files, timeout: 120)
    }

    @Test("every rendered object validates strictly against the Kubernetes 1.30 schemas (N = 3 and N = 1, with namespace and storage class)")
    func renderedObjectsValidate() async throws {
        guard let python = try await Self.validator() else { return }
        for (shards, namespace, storageClass) in [(3, nil, nil), (1, "load", "nfs-client")] as [(Int, String?, String?)] {
            let (deployment, _) = try Fixture.deployment(shards: shards, namespace: namespace, storageClass: storageClass)
            let folder = try Fixture.folder("validate")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try Fixture.write(deployment, to: folder)
            let objects = deployment.files.map(\.fileName).filter { $0 != KubernetesDeployment.kustomizationFile }
            #expect(objects.count == 4)
            let outcome = try await Self.validate(python, objects.map { "\(folder)/\($0)" })
            #expect(outcome.status == 0, "\(outcome)")
            for object in objects {
                #expect(outcome.output.contains("\(folder)/\(object) passed"), "\(object) not reported as passed: \(outcome.output)")
            }
        }
    }

    @Test("the validator rejects an object with a field the schema does not have (it can fail)")
    func validatorCanFail() async throws {
        guard let python = try await Self.validator() else { return }
        let (deployment, _) = try Fixture.deployment()
        let folder = try Fixture.folder("invalid")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let job = try #require(deployment.files.first { $0.fileName == KubernetesDeployment.shardsJobFile })
        let broken = job.text.replacingOccurrences(of: "  completionMode: Indexed\n", with: "  completionMode: Indexed\n  completionIndex: 3\n")
        #expect(broken != job.text)
        try broken.write(toFile: "\(folder)/job.yaml", atomically: true, encoding: .utf8)
        let outcome = try await Self.validate(python, ["\(folder)/job.yaml"])
        #expect(outcome.status != 0 && outcome.output.contains("completionIndex"), "\(outcome)")
    }

    @Test("kubectl kustomize builds the folder, and what it builds validates too",
          .disabled(if: KubernetesFixture.onPath("kubectl") == nil, "kubectl is not on PATH (a client is enough: no cluster is contacted)"))
    func kustomizeBuilds() async throws {
        let kubectl = try #require(Fixture.onPath("kubectl"))
        let (deployment, _) = try Fixture.deployment(shards: 3, namespace: "load")
        let folder = try Fixture.folder("kustomize")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Fixture.write(deployment, to: folder)
        let built = try await Subprocess.run(kubectl, ["kustomize", folder], timeout: 120)
        #expect(built.status == 0, "\(built)")
        for kind in ["kind: ConfigMap", "kind: PersistentVolumeClaim", "kind: Job"] {
            #expect(built.stdout.contains(kind), "\(kind) missing from the kustomize output")
        }
        #expect(built.stdout.components(separatedBy: "namespace: load").count - 1 == 4, "every object in the namespace")
        guard let python = try await Self.validator() else { return }
        try built.stdout.write(toFile: "\(folder)/built.yaml", atomically: true, encoding: .utf8)
        let outcome = try await Self.validate(python, ["\(folder)/built.yaml"])
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.output.components(separatedBy: " passed for resource ").count - 1 == 4, "\(outcome.output)")
    }
}
