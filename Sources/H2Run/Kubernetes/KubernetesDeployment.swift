import Foundation
import H2Profile
import H2Results

/// A sharded run on Kubernetes, as `h2stress k8s` renders it: a kustomize folder holding the
/// profile's ConfigMap, a ReadWriteMany PersistentVolumeClaim for the results, an Indexed Job
/// that runs the N shards, and a Job that waits for them, merges their runs and gates the merged
/// run (docs/kubernetes.md).
///
/// A value: every field is decided before rendering (the start time and the time it was
/// rendered included), so ``files`` is a pure function of it and the same value always renders
/// the same text.
///
/// *Invariants:* ``name`` is a DNS-1123 label of at most ``maxNameLength`` characters; 1 ≤
/// ``shards`` ≤ ``maxShards``; ``profileKey`` and every attached file's name are valid
/// ConfigMap keys, all different.
public struct KubernetesDeployment: Sendable, Equatable {
    /// A file the profile refers to (a request body written `{file: name}`), shipped in the
    /// ConfigMap next to the profile.
    public struct AttachedFile: Sendable, Equatable {
        /// The ConfigMap key and the file's name under `/profile`.
        public var name: String
        /// The file's bytes.
        public var bytes: [UInt8]

        /// A file named `name` holding `bytes`.
        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    /// Which gate the merge job applies to the merged run.
    public enum GateChoice: Sendable, Equatable {
        /// The profile has no `gate:`: the merge job's status is the merge's.
        case none
        /// `h2stress gate <merged>` with the profile's own rules.
        case profileRules
        /// `h2stress gate <merged> --rules /profile/<gateRulesKey>`: the profile's rules without
        /// those that compare with a baseline run (there is none in the cluster); the text is the
        /// rules file.
        case rulesFile(String)
    }

    /// Longest `--name`: Job names become pod host names with `-<index>` appended, and
    /// `-shards` / `-results` suffixes must still fit the 63-character label limit.
    public static let maxNameLength = 40
    /// Most shards one deployment runs.
    public static let maxShards = 1000
    /// Largest ConfigMap payload: Kubernetes refuses ConfigMaps whose data exceed 1 MiB.
    public static let maxConfigMapBytes = 1 << 20
    /// The ConfigMap key of the rules file written for ``GateChoice/rulesFile(_:)``.
    public static let gateRulesKey = "h2stress-gate-rules.yaml"
    /// Where the pods mount the ConfigMap (the profile and the files it names).
    public static let profileMount = "/profile"
    /// Where the pods mount the results volume.
    public static let resultsMount = "/results"
    /// The non-root user and group the Containerfile creates and the pods run as.
    public static let userID = 10001
    /// Seconds the merge job allows itself on top of the shards' deadline (merging, gating,
    /// pulling the image).
    public static let mergeMarginSeconds = 600
    /// How long each shard keeps serving `/metrics` after its run (`--metrics-linger`), so that
    /// Prometheus scrapes the final values: ``metricsLingerSeconds`` as the flag's text.
    public static var metricsLinger: String { "\(metricsLingerSeconds)s" }
    public static let metricsLingerSeconds = 30

    /// Prefix of every object's name (`<name>-shards`, `<name>-merge`, `<name>-profile`, `<name>-results`).
    public var name: String
    /// Namespace of every object; nil: the one `kubectl` uses.
    public var namespace: String?
    /// The container image holding `/usr/local/bin/h2stress` (built from `Containerfile`).
    public var image: String
    /// Number of shards: the Indexed Job's `completions` and `parallelism`.
    public var shards: Int
    /// The wall-clock time at which every shard starts its first cell (`run --start-at`).
    public var startAt: Date
    /// When the manifests were rendered: the shards' deadline allows for the wait from here to ``startAt``.
    public var renderedAt: Date
    /// StorageClass of the results claim; nil: the cluster's default.
    public var storageClass: String?
    /// Requested size of the results claim, a Kubernetes quantity (`1Gi`).
    public var storageSize: String
    /// Port on which each shard serves Prometheus metrics (`run --metrics 0.0.0.0:<port>`).
    public var metricsPort: Int
    /// The profile's ConfigMap key and file name under `/profile`.
    public var profileKey: String
    /// The profile file's text, byte for byte.
    public var profileText: String
    /// Files the profile refers to, shipped beside it.
    public var attachedFiles: [AttachedFile]
    /// The gate the merge job applies.
    public var gate: GateChoice
    /// Cells in the profile (each starts its own target: the deadline allows for that).
    public var cellCount: Int
    /// Σ (warm-up + duration) over the cells, in whole seconds rounded up (``WallTimeEstimate/atMost``).
    public var loadSeconds: Int

    /// A deployment; see each field. ``KubernetesDeployment/init(loaded:profileText:options:)``
    /// builds one from a loaded profile and checks it can run in a pod.
    public init(name: String, namespace: String?, image: String, shards: Int, startAt: Date, renderedAt: Date,
                storageClass: String?, storageSize: String, metricsPort: Int, profileKey: String, profileText: String,
                attachedFiles: [AttachedFile], gate: GateChoice, cellCount: Int, loadSeconds: Int) {
        self.name = name
        self.namespace = namespace
        self.image = image
        self.shards = shards
        self.startAt = startAt
        self.renderedAt = renderedAt
        self.storageClass = storageClass
        self.storageSize = storageSize
        self.metricsPort = metricsPort
        self.profileKey = profileKey
        self.profileText = profileText
        self.attachedFiles = attachedFiles
        self.gate = gate
        self.cellCount = cellCount
        self.loadSeconds = loadSeconds
    }

    // MARK: Derived names and numbers

    /// The Indexed Job running the shards.
    public var shardsJobName: String { "\(name)-shards" }
    /// The merge-and-gate Job.
    public var mergeJobName: String { "\(name)-merge" }
    /// The ConfigMap holding the profile.
    public var configMapName: String { "\(name)-profile" }
    /// The results PersistentVolumeClaim.
    public var claimName: String { "\(name)-results" }
    /// The start time as the shards are given it (RFC 3339, UTC, whole seconds).
    public var startAtText: String { UTCTimestamp.iso8601(startAt) }
    /// This run's folder on the results volume: `/results/<name>-<start time>`.
    public var runFolder: String { "\(Self.resultsMount)/\(name)-\(UTCTimestamp.compact(startAt))" }
    /// Where the shards write their run folders (`run --results-dir`); the merge reads it.
    public var shardsFolder: String { "\(runFolder)/shards" }
    /// Where each shard leaves `shard-<index>.exit`, its `h2stress run` exit status, when it ends.
    public var statusFolder: String { "\(runFolder)/status" }
    /// The merged run (`merge --output`), which the gate reads.
    public var mergedFolder: String { "\(runFolder)/merged" }

    /// Seconds from rendering to the start (0 when the start is already past).
    public var leadSeconds: Int { max(0, Int((startAt.timeIntervalSince(renderedAt)).rounded(.up))) }

    /// The shards Job's `activeDeadlineSeconds`: the wait for the start, the load, 5 s per cell
    /// for starting its target, the metrics linger, and a margin of 2 minutes plus a quarter of
    /// the load (image pull, scheduling, a target slower to answer than the estimate assumes).
    public var shardsDeadlineSeconds: Int {
        leadSeconds + loadSeconds + 5 * cellCount + Self.metricsLingerSeconds + 120 + loadSeconds / 4
    }

    /// How long the merge job waits for the shards' status files: the shards' deadline plus a
    /// minute (both Jobs start together; after the shards' deadline no shard can still finish).
    public var mergeWaitSeconds: Int { shardsDeadlineSeconds + 60 }

    /// The merge Job's `activeDeadlineSeconds`: its wait plus ``mergeMarginSeconds``.
    public var mergeDeadlineSeconds: Int { mergeWaitSeconds + Self.mergeMarginSeconds }
}
