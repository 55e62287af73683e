import Foundation
import H2Profile
import H2Results

/// Building a deployment from a loaded profile: what can run in a pod and what cannot.
///
/// - `target: embedded` runs: each shard drives its own embedded server inside its pod.
/// - `target: {url: …}` runs when the host is not loopback (in a pod, `127.0.0.1` is the pod);
///   a `caFile` must be an absolute path that exists in the image.
/// - `target: {command: …}` (a managed target) is refused: the image holds only h2stress.
/// - Request bodies written `{file: name}` are shipped in the ConfigMap when `name` is a plain
///   file name next to the profile; other paths are refused.
/// - Gate rules that compare with a baseline are left out of the merge job's gate (there is no
///   baseline run in the cluster), with a note.
extension KubernetesDeployment {
    /// What `h2stress k8s` is asked for, beside the profile.
    public struct Options: Sendable {
        /// `--name`; nil: derived from the profile's name (``defaultName(profileName:)``).
        public var name: String?
        /// `--namespace`; nil: the one kubectl uses.
        public var namespace: String?
        /// `--image`: the image built from `Containerfile`.
        public var image: String
        /// `--shards`: the number of shard pods.
        public var shards: Int
        /// The start time (from `--start-at`, or now + `--start-in`).
        public var startAt: Date
        /// Now.
        public var renderedAt: Date
        /// `--storage-class`; nil: the cluster's default.
        public var storageClass: String?
        /// `--storage-size`, a Kubernetes quantity.
        public var storageSize: String
        /// `--metrics-port`.
        public var metricsPort: Int

        /// Options with the defaults of `h2stress k8s` for what is not given.
        public init(name: String? = nil, namespace: String? = nil, image: String, shards: Int, startAt: Date, renderedAt: Date,
                    storageClass: String? = nil, storageSize: String = "1Gi", metricsPort: Int = 9464) {
            self.name = name
            self.namespace = namespace
            self.image = image
            self.shards = shards
            self.startAt = startAt
            self.renderedAt = renderedAt
            self.storageClass = storageClass
            self.storageSize = storageSize
            self.metricsPort = metricsPort
        }
    }

    /// The deployment of `loaded` (whose file holds `profileText`), and notes for the user
    /// (things left out or to check). Throws exit 64 with the field and the fix when an option
    /// is malformed or the profile refers to something a pod cannot have.
    public static func make(loaded: LoadedProfile, profileText: String, options: Options) throws(ExitError) -> (deployment: KubernetesDeployment, notes: [String]) {
        var notes: [String] = []
        let file = loaded.file
        func refuse(_ message: String) -> ExitError { ExitError(ExitStatus.usage, "profile `\(file)`: \(message)") }
        func usage(_ message: String) -> ExitError { ExitError(ExitStatus.usage, message) }

        // Options.
        let name = options.name ?? Self.defaultName(profileName: loaded.base.name)
        guard Self.isDNSLabel(name), name.count <= maxNameLength else {
            throw usage("`--name \(name)`: write a lower-case name of letters, digits and `-` (starting and ending with a letter or digit), at most \(maxNameLength) characters, e.g. `--name quick`")
        }
        if let namespace = options.namespace, !Self.isDNSLabel(namespace) {
            throw usage("`--namespace \(namespace)`: write a Kubernetes namespace name (lower-case letters, digits and `-`, at most 63 characters)")
        }
        guard (1...maxShards).contains(options.shards) else {
            throw usage("`--shards \(options.shards)`: give the number of shard pods, 1…\(maxShards)")
        }
        guard !options.image.isEmpty, !options.image.contains(where: { $0.isWhitespace }) else {
            throw usage("`--image`: give the image built from `Containerfile`, e.g. `--image registry.example.com/h2stress:0.1.0`")
        }
        guard Self.isQuantity(options.storageSize) else {
            throw usage("`--storage-size \(options.storageSize)`: write a Kubernetes quantity such as `1Gi` or `500Mi`")
        }
        if let storageClass = options.storageClass, !Self.isDNSSubdomain(storageClass) {
            throw usage("`--storage-class \(storageClass)`: write the name of a StorageClass that offers ReadWriteMany (`kubectl get storageclass`)")
        }
        guard (1...65535).contains(options.metricsPort) else {
            throw usage("`--metrics-port \(options.metricsPort)`: give a TCP port, 1…65535")
        }

        // The target.
        switch loaded.base.target {
        case .embedded:
            notes.append("the profile's target is `embedded`: each shard loads its own embedded server inside its pod; point `target.url` at a Service to load one server from every shard")
        case .url(let url, let tls):
            if Self.isLoopback(url: url) {
                throw refuse("`target.url` `\(url)` is loopback, which in a pod is the pod itself; write the Service's cluster name, e.g. `h2c://my-service.my-namespace.svc:50051`")
            }
            if let caFile = tls?.caFile {
                guard caFile.hasPrefix("/") else {
                    throw refuse("`target.caFile` `\(caFile)` is a local path that a pod cannot read; build an image that holds the CA file (FROM the h2stress image) and write its absolute path, or use a CA the image's system store trusts")
                }
                notes.append("`target.caFile` `\(caFile)` must exist in the image `\(options.image)`")
            }
        case .command:
            throw refuse("`target.command` starts a managed target process, which the h2stress image does not hold; run the server as its own Deployment and Service and write `target: {url: \"h2c://<service>:<port>\"}`")
        }

        // Files the profile refers to.
        let fileName = (file as NSString).lastPathComponent
        let profileKey = Self.isConfigMapKey(fileName) && fileName != gateRulesKey ? fileName : "profile.yaml"
        var attached: [AttachedFile] = []
        for (field, body) in Self.fileBodies(loaded) {
            guard case .file(let written, _) = body.source else { continue }
            guard !written.contains("/"), Self.isConfigMapKey(written), written != profileKey, written != gateRulesKey else {
                throw refuse("`\(field)` names the file `\(written)`; a pod sees only the files shipped beside the profile, so copy it next to the profile and write its plain name, e.g. `{file: \((written as NSString).lastPathComponent)}`")
            }
            if let known = attached.first(where: { $0.name == written }) {
                guard known.bytes == body.bytes else {
                    throw refuse("`\(field)`: the file `\(written)` changed while the profile was read; render again")
                }
                continue
            }
            attached.append(AttachedFile(name: written, bytes: body.bytes))
        }
        let payload = profileText.utf8.count + attached.reduce(0) { $0 + $1.bytes.count }
        guard payload <= maxConfigMapBytes else {
            throw refuse("the profile and the files it names hold \(payload) bytes, more than a ConfigMap can (1 MiB); write request bodies as sizes (`4KiB`) or make the files smaller")
        }

        // The gate.
        let rules = loaded.base.gate
        let gate: GateChoice
        if rules.isEmpty {
            gate = .none
            notes.append("the profile has no `gate:` rules: the merge job's exit status is the merge's")
        } else if rules.contains(where: \.needsBaseline) {
            let kept = rules.filter { !$0.needsBaseline }
            let dropped = rules.filter(\.needsBaseline).map { "`\($0.text)`" }.joined(separator: ", ")
            notes.append("the merge job gates without a baseline run, so \(dropped) \(rules.filter(\.needsBaseline).count == 1 ? "is" : "are") left out; copy the merged run out and run `h2stress gate <run> --baseline <run>`")
            gate = kept.isEmpty ? .none : .rulesFile(Self.rulesFile(kept))
        } else {
            gate = .profileRules
        }

        let lead = options.startAt.timeIntervalSince(options.renderedAt)
        if lead <= 0 {
            notes.append("the start time \(UTCTimestamp.iso8601(options.startAt)) is already past; render again with a later `--start-at` (or `--start-in`) before applying")
        } else if lead < 30 {
            notes.append("the start time \(UTCTimestamp.iso8601(options.startAt)) is less than 30 s away; apply the manifests before it or render again with a later `--start-at`")
        }
        let estimate = loaded.wallTime.atMost.nanoseconds
        let deployment = KubernetesDeployment(
            name: name, namespace: options.namespace, image: options.image, shards: options.shards,
            startAt: options.startAt, renderedAt: options.renderedAt, storageClass: options.storageClass,
            storageSize: options.storageSize, metricsPort: options.metricsPort, profileKey: profileKey,
            profileText: profileText, attachedFiles: attached, gate: gate, cellCount: loaded.cells.count,
            loadSeconds: Int((estimate + 999_999_999) / 1_000_000_000))
        return (deployment, notes)
    }

    /// The profile's name made a DNS label: lower case, anything but letters and digits turned
    /// into `-`, trimmed to ``maxNameLength``; `h2stress` when nothing is left.
    public static func defaultName(profileName: String) -> String {
        var text = ""
        for character in profileName.lowercased() {
            let isAllowed = character.isASCII && (character.isLetter || character.isNumber)
            if isAllowed { text.append(character) } else if !text.hasSuffix("-") { text.append("-") }
        }
        let trimmed = String(text.prefix(maxNameLength)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? "h2stress" : trimmed
    }

    /// Every request body written `{file: …}` in any cell, with the field that names it.
    static func fileBodies(_ loaded: LoadedProfile) -> [(String, RequestBody)] {
        var found: [(String, RequestBody)] = []
        for profile in [loaded.base] + loaded.cells.map(\.profile) {
            for (index, entry) in profile.mix.enumerated() {
                switch entry.kind {
                case .httpRequest(let spec):
                    if let body = spec.body { found.append(("mix[\(index)].http.request.body", body)) }
                case .grpcCall(let spec):
                    for (message, body) in spec.request.enumerated() {
                        found.append(("mix[\(index)].grpc.call.request[\(message)]", body))
                    }
                default:
                    break
                }
            }
        }
        return found
    }

    /// A rules file (`GateRuleFile`'s form) holding `rules` with their scopes.
    static func rulesFile(_ rules: [GateRule]) -> String {
        var lines = ["# The profile's gate rules that need no baseline run (written by `h2stress k8s`).", "gate:"]
        for rule in rules {
            var parts = ["rule: \(OneLineProfile.quoted(rule.text))"]
            if !rule.variants.isEmpty { parts.append("variants: [\(rule.variants.map(OneLineProfile.quoted).joined(separator: ", "))]") }
            if !rule.cells.isEmpty { parts.append("cells: [\(rule.cells.map(OneLineProfile.quoted).joined(separator: ", "))]") }
            lines.append("  - {\(parts.joined(separator: ", "))}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A DNS-1123 label: 1–63 of `a-z0-9-`, starting and ending with a letter or digit.
    static func isDNSLabel(_ text: String) -> Bool {
        guard (1...63).contains(text.count), !text.hasPrefix("-"), !text.hasSuffix("-") else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    /// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
    static func isDNSSubdomain(_ text: String) -> Bool {
        text.count <= 253 && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
    }

    /// A ConfigMap key: 1–253 of letters, digits, `-`, `_` and `.`, not `.` or `..`.
    static func isConfigMapKey(_ text: String) -> Bool {
        guard (1...253).contains(text.count), text != ".", text != ".." else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    /// A storage quantity: digits (with an optional fraction) and an optional binary or decimal suffix.
    static func isQuantity(_ text: String) -> Bool {
        let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "M", "G", "T", "P", "E"]
        let number = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !number.isEmpty, number.first != ".", number.last != ".", number.filter({ $0 == "." }).count <= 1 else { return false }
        return suffixes.contains(String(text.dropFirst(number.count)))
    }

    /// Whether the URL's host is a loopback address or `localhost`.
    static func isLoopback(url: String) -> Bool {
        guard let range = url.range(of: "://") else { return false }
        var host = String(url[range.upperBound...].prefix { $0 != "/" })
        if host.hasPrefix("[") {
            host = String(host.dropFirst().prefix { $0 != "]" })
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        host = host.lowercased()
        return host == "localhost" || host.hasSuffix(".localhost") || host.hasPrefix("127.") || host == "::1" || host == "0:0:0:0:0:0:0:1"
    }
}
