import ArgumentParser
import Foundation
import H2Profile
import H2Report
import H2Run

/// `h2stress k8s <profile> --shards N --image IMG`: renders a kustomize folder that runs the
/// profile as N shards on Kubernetes and merges and gates them (docs/kubernetes.md).
struct K8sCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "k8s",
        abstract: "Render Kubernetes manifests (kustomize) that run a profile as N shards, then merge and gate them.",
        discussion: """
            Writes kustomization.yaml, the profile's ConfigMap, a ReadWriteMany results claim, an Indexed Job
            running the shards and a merge-and-gate Job. Every shard starts at one wall-clock time, rendered
            into the manifests: apply them before it (default: 2 minutes after rendering), or render again.
              h2stress k8s profiles/ci-gate.yaml --shards 3 --image registry.example.com/h2stress:0.1.0 --output deploy/ci-gate
              kubectl apply -k deploy/ci-gate
            """)

    @Argument(help: "The profile to run, e.g. profiles/ci-gate.yaml.")
    var profile: String

    @Option(name: .long, help: ArgumentHelp("Number of shard pods (the Indexed Job's completions and parallelism).", valueName: "n"))
    var shards: Int

    @Option(name: .long, help: ArgumentHelp("The h2stress image, built from Containerfile and pushed where the cluster pulls.", valueName: "image"))
    var image: String

    @Option(name: .long, help: ArgumentHelp("The folder to write (default: deploy/<name>).", valueName: "dir"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Namespace of every object (default: kubectl's).", valueName: "ns"))
    var namespace: String?

    @Option(name: .long, help: ArgumentHelp("Prefix of the objects' names (default: the profile's name).", valueName: "prefix"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("When every shard starts, RFC 3339, e.g. 2026-12-04T15:30:00Z.", valueName: "time"))
    var startAt: String?

    @Option(name: .long, help: ArgumentHelp("Start this long after rendering, e.g. 5m (default 2m).", valueName: "time"))
    var startIn: TimeSpan?

    @Option(name: .long, help: ArgumentHelp("StorageClass of the results claim; it must offer ReadWriteMany (default: the cluster's default).", valueName: "class"))
    var storageClass: String?

    @Option(name: .long, help: ArgumentHelp("Size of the results claim.", valueName: "quantity"))
    var storageSize = "1Gi"

    @Option(name: .long, help: ArgumentHelp("Port each shard serves Prometheus metrics on.", valueName: "port"))
    var metricsPort = 9464

    /// The default lead time between rendering and the start.
    static let defaultStartIn = TimeSpan(nanoseconds: 120_000_000_000)

    func validate() throws {
        if startAt != nil && startIn != nil {
            throw ValidationError("give `--start-at` or `--start-in`, not both")
        }
        if let startAt, Self.date(rfc3339: startAt) == nil {
            throw ValidationError("`--start-at \(startAt)`: write an RFC 3339 time in whole seconds, e.g. `2026-12-04T15:30:00Z`")
        }
        if let startIn, startIn.nanoseconds == 0 || startIn.nanoseconds > 24 * 3_600_000_000_000 {
            throw ValidationError("`--start-in \(startIn)`: give a time from 1s to 24h, e.g. `5m`")
        }
    }

    func run() throws {
        let loaded: LoadedProfile
        let text: String
        do {
            loaded = try ProfileLoader.load(path: profile)
        } catch {
            throw ExitError(ExitStatus.usage, error.description)
        }
        guard let data = FileManager.default.contents(atPath: profile), let decoded = String(data: data, encoding: .utf8) else {
            throw ExitError(ExitStatus.usage, "profile `\(profile)`: cannot be read again; check that it is not being changed")
        }
        text = decoded
        let now = Date()
        let start = startAt.flatMap(Self.date(rfc3339:))
            ?? now.addingTimeInterval(Double((startIn ?? Self.defaultStartIn).nanoseconds) / 1e9).rounded(toSecond: .up)
        let options = KubernetesDeployment.Options(
            name: name, namespace: namespace, image: image, shards: shards, startAt: start, renderedAt: now,
            storageClass: storageClass, storageSize: storageSize, metricsPort: metricsPort)
        let (deployment, notes) = try KubernetesDeployment.make(loaded: loaded, profileText: text, options: options)
        let folder = output ?? "deploy/\(deployment.name)"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for file in deployment.files {
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent(file.fileName), options: .atomic)
            }
        } catch {
            throw ExitError(ExitStatus.usage, "cannot write `\(folder)`: \(error.localizedDescription); give a writable folder with `--output`")
        }
        for note in notes { Terminal.note("note: " + note) }
        print("""
            \(deployment.shards) shards of `\(profile)` start at \(deployment.startAtText): apply before then (kubectl apply -k \(folder)).
            Shards job deadline \(deployment.shardsDeadlineSeconds)s, merge job deadline \(deployment.mergeDeadlineSeconds)s; results in \(deployment.runFolder) on the claim \(deployment.claimName).
              kubectl apply -k \(folder)
              kubectl wait --for=condition=complete job/\(deployment.shardsJobName) --timeout=\(deployment.shardsDeadlineSeconds)s
              kubectl wait --for=condition=complete job/\(deployment.mergeJobName) --timeout=\(deployment.mergeDeadlineSeconds)s
              kubectl logs job/\(deployment.mergeJobName)
            \(folder)
            """)
    }

    /// An RFC 3339 time in whole seconds with `Z` or an offset; nil when `text` is not one.
    static func date(rfc3339 text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

extension Date {
    /// This time rounded to a whole second of the Unix epoch.
    fileprivate func rounded(toSecond rule: FloatingPointRoundingRule) -> Date {
        Date(timeIntervalSince1970: timeIntervalSince1970.rounded(rule))
    }
}
