import Foundation
import H2Profile

/// Rendering: the deployment as the files of a kustomize folder. Pure: the same value gives
/// the same text.
extension KubernetesDeployment {
    /// The ConfigMap's file (file names are in the order `kustomization.yaml` lists them).
    public static let configMapFile = "configmap.yaml"
    /// The results claim's file.
    public static let claimFile = "results-pvc.yaml"
    /// The Indexed Job's file.
    public static let shardsJobFile = "shards-job.yaml"
    /// The merge-and-gate Job's file.
    public static let mergeJobFile = "merge-job.yaml"
    /// The kustomize entry point.
    public static let kustomizationFile = "kustomization.yaml"

    /// Every file of the kustomize folder: `kustomization.yaml` first, then the objects.
    public var files: [KubernetesManifest] {
        [KubernetesManifest(fileName: Self.kustomizationFile, text: kustomizationYAML),
         KubernetesManifest(fileName: Self.configMapFile, text: configMapYAML),
         KubernetesManifest(fileName: Self.claimFile, text: claimYAML),
         KubernetesManifest(fileName: Self.shardsJobFile, text: shardsJobYAML),
         KubernetesManifest(fileName: Self.mergeJobFile, text: mergeJobYAML)]
    }

    /// The arguments each shard passes to `h2stress` (after the program name). No shard index:
    /// `run --shards N` reads it from `JOB_COMPLETION_INDEX`, which an Indexed Job sets in every pod.
    public var shardArguments: [String] {
        ["run", "\(Self.profileMount)/\(profileKey)", "--shards", "\(shards)", "--start-at", startAtText,
         "--results-dir", shardsFolder, "--metrics", "0.0.0.0:\(metricsPort)", "--metrics-linger", Self.metricsLinger, "--quiet"]
    }

    // MARK: Files

    /// `kustomization.yaml`: the four objects, and the namespace when one is given.
    var kustomizationYAML: String {
        var lines = header("the kustomize entry point: `kubectl apply -k <this folder>`")
        lines += ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization"]
        if let namespace { lines.append("namespace: \(namespace)") }
        lines.append("resources:")
        lines += [Self.configMapFile, Self.claimFile, Self.shardsJobFile, Self.mergeJobFile].map { "  - \($0)" }
        return text(lines)
    }

    /// The ConfigMap: the profile file byte for byte, the gate rules file when there is one, and
    /// the files the profile names (as `binaryData`).
    var configMapYAML: String {
        var lines = header("the profile, mounted read-only at \(Self.profileMount) in every pod")
        lines += ["apiVersion: v1", "kind: ConfigMap"]
        lines += metadata(configMapName, component: "profile")
        lines.append("data:")
        lines.append("  \(profileKey): " + Self.blockOrQuoted(profileText, indent: 4))
        if case .rulesFile(let rules) = gate {
            lines.append("  \(Self.gateRulesKey): " + Self.blockOrQuoted(rules, indent: 4))
        }
        if !attachedFiles.isEmpty {
            lines.append("binaryData:")
            for file in attachedFiles { lines.append("  \(file.name): \(Data(file.bytes).base64EncodedString())") }
        }
        return text(lines)
    }

    /// The results claim: ReadWriteMany, since every shard pod and the merge pod mount it at once.
    var claimYAML: String {
        var lines = header("the results volume: every shard writes its run folder here, the merge job reads them (ReadWriteMany)")
        lines += ["apiVersion: v1", "kind: PersistentVolumeClaim"]
        lines += metadata(claimName, component: "results")
        lines += ["spec:", "  accessModes: [ReadWriteMany]"]
        if let storageClass { lines.append("  storageClassName: \(storageClass)") }
        lines += ["  resources:", "    requests:", "      storage: \(storageSize)"]
        return text(lines)
    }

    /// The Indexed Job: N pods, each running `h2stress run … --shards N` and leaving its exit
    /// status in the status folder for the merge job.
    var shardsJobYAML: String {
        let script = """
            set -u
            mkdir -p "\(shardsFolder)" "\(statusFolder)"
            h2stress "$@"
            status=$?
            echo "$status" > "\(statusFolder)/shard-${JOB_COMPLETION_INDEX}.exit"
            # The merge job gates the merged run; a shard's own gate verdict (exit 1) is not a failure of the shard.
            if [ "$status" -eq 1 ]; then exit 0; fi
            exit "$status"

            """
        var lines = header("""
            \(shards) shards (Indexed Job: each pod gets JOB_COMPLETION_INDEX 0…\(shards - 1)); every shard starts at \(startAtText).
            # Deadline: \(leadSeconds) s until the start + \(loadSeconds) s of load + \(5 * cellCount) s for \(cellCount) target start-ups + \(Self.metricsLingerSeconds) s serving metrics after the run + 120 s + a quarter of the load.
            # No retries (backoffLimit 0): a retried shard would start after the others and measure another moment.
            """)
        lines += ["apiVersion: batch/v1", "kind: Job"]
        lines += metadata(shardsJobName, component: "shard")
        lines += ["spec:",
                  "  completionMode: Indexed",
                  "  completions: \(shards)",
                  "  parallelism: \(shards)",
                  "  backoffLimit: 0",
                  "  activeDeadlineSeconds: \(shardsDeadlineSeconds)",
                  "  template:",
                  "    metadata:"]
        lines += labels(component: "shard", indent: 6)
        lines += ["      annotations:",
                  "        prometheus.io/scrape: \"true\"",
                  "        prometheus.io/port: \"\(metricsPort)\"",
                  "        prometheus.io/path: /metrics",
                  "    spec:",
                  "      restartPolicy: Never"]
        lines += podSecurity
        lines += ["      topologySpreadConstraints:",
                  "        - maxSkew: 1",
                  "          topologyKey: kubernetes.io/hostname",
                  "          whenUnsatisfiable: ScheduleAnyway",
                  "          labelSelector:",
                  "            matchLabels:",
                  "              app.kubernetes.io/instance: \(name)",
                  "              app.kubernetes.io/component: shard",
                  "      containers:",
                  "        - name: shard",
                  "          image: \(Self.quoted(image))",
                  "          command:",
                  "            - /bin/sh",
                  "            - -c",
                  "            - " + Self.blockOrQuoted(script, indent: 14),
                  "            - h2stress-shard",
                  "          args:"]
        lines += shardArguments.map { "            - \(Self.quoted($0))" }
        lines += ["          ports:",
                  "            - name: metrics",
                  "              containerPort: \(metricsPort)",
                  "              protocol: TCP"]
        lines += containerSecurity + volumeMounts + volumes
        return text(lines)
    }

    /// The merge-and-gate Job: waits (bounded) for every shard's status file, merges the shard
    /// runs, then gates the merged run; its exit status is the gate's.
    var mergeJobYAML: String {
        var steps = """
            set -u
            run="\(runFolder)"
            shards=\(shards)
            limit=\(mergeWaitSeconds)
            waited=0
            index=0
            echo "waiting up to ${limit}s for $shards shards to end ($run/status)"
            while [ "$index" -lt "$shards" ]; do
              if [ -f "$run/status/shard-$index.exit" ]; then
                echo "shard $index of $shards ended: h2stress run exit status $(cat "$run/status/shard-$index.exit")"
                index=$((index + 1))
                continue
              fi
              if [ "$waited" -ge "$limit" ]; then
                echo "error: shard $index of $shards has not ended after ${limit}s (no $run/status/shard-$index.exit); see kubectl describe job/\(shardsJobName)" >&2
                exit 2
              fi
              sleep 5
              waited=$((waited + 5))
            done
            h2stress merge "$run/shards" --output "$run/merged"
            status=$?
            if [ "$status" -ne 0 ]; then
              echo "error: h2stress merge exited with status $status" >&2
              exit "$status"
            fi
            echo "merged run: $run/merged"

            """
        switch gate {
        case .none:
            steps += "# The profile has no gate rules: the job's status is the merge's.\nexit 0\n"
        case .profileRules:
            steps += "exec h2stress gate \"$run/merged\"\n"
        case .rulesFile:
            steps += "# The profile's rules without those that compare with a baseline run.\n"
            steps += "exec h2stress gate \"$run/merged\" --rules \"\(Self.profileMount)/\(Self.gateRulesKey)\"\n"
        }
        var lines = header("""
            waits for the \(shards) shards, merges their runs into \(mergedFolder) and gates it; the Job's exit status is the gate's (0 pass, 1 fail, 2 a shard never ended or the run could not be done, 64 the merge found missing or duplicate shards).
            # Deadline: the shards' deadline (\(shardsDeadlineSeconds) s) + 60 s of waiting + \(Self.mergeMarginSeconds) s to merge and gate.
            """)
        lines += ["apiVersion: batch/v1", "kind: Job"]
        lines += metadata(mergeJobName, component: "merge")
        lines += ["spec:",
                  "  backoffLimit: 0",
                  "  activeDeadlineSeconds: \(mergeDeadlineSeconds)",
                  "  template:",
                  "    metadata:"]
        lines += labels(component: "merge", indent: 6)
        lines += ["    spec:",
                  "      restartPolicy: Never"]
        lines += podSecurity
        lines += ["      containers:",
                  "        - name: merge",
                  "          image: \(Self.quoted(image))",
                  "          command:",
                  "            - /bin/sh",
                  "            - -c",
                  "            - " + Self.blockOrQuoted(steps, indent: 14)]
        lines += containerSecurity + volumeMounts + volumes
        return text(lines)
    }

    // MARK: Pieces

    private func header(_ what: String) -> [String] {
        ["# Rendered by `h2stress k8s` from the profile `\(profileKey)` (render again rather than edit; docs/kubernetes.md):",
         "# \(what)"]
    }

    private func metadata(_ objectName: String, component: String) -> [String] {
        var lines = ["metadata:", "  name: \(objectName)"]
        if let namespace { lines.append("  namespace: \(namespace)") }
        return lines + labels(component: component, indent: 2)
    }

    private func labels(component: String, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        return [pad + "labels:",
                pad + "  app.kubernetes.io/name: h2stress",
                pad + "  app.kubernetes.io/instance: \(name)",
                pad + "  app.kubernetes.io/component: \(component)"]
    }

    /// Non-root, as the image's user; `fsGroup` makes the results volume writable for it
    /// (on volume types that honour it).
    private var podSecurity: [String] {
        ["      securityContext:",
         "        runAsNonRoot: true",
         "        runAsUser: \(Self.userID)",
         "        runAsGroup: \(Self.userID)",
         "        fsGroup: \(Self.userID)",
         "        seccompProfile:",
         "          type: RuntimeDefault"]
    }

    private var containerSecurity: [String] {
        ["          securityContext:",
         "            allowPrivilegeEscalation: false",
         "            capabilities:",
         "              drop: [ALL]"]
    }

    private var volumeMounts: [String] {
        ["          volumeMounts:",
         "            - name: profile",
         "              mountPath: \(Self.profileMount)",
         "              readOnly: true",
         "            - name: results",
         "              mountPath: \(Self.resultsMount)"]
    }

    private var volumes: [String] {
        ["      volumes:",
         "        - name: profile",
         "          configMap:",
         "            name: \(configMapName)",
         "        - name: results",
         "          persistentVolumeClaim:",
         "            claimName: \(claimName)"]
    }

    private func text(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }

    // MARK: YAML scalars

    /// `text` as a YAML double-quoted scalar (``OneLineProfile/quoted(_:)``).
    package static func quoted(_ text: String) -> String { OneLineProfile.quoted(text) }

    /// `text` as a YAML literal block scalar whose lines are indented by `indent` spaces (the
    /// header `|`, `|-` or `|+` keeps its trailing newlines exactly), or as a double-quoted
    /// scalar when a literal block could not hold it verbatim (characters YAML does not print,
    /// a first line that is blank or starts with a space).
    package static func blockOrQuoted(_ text: String, indent: Int) -> String {
        let printable = !text.unicodeScalars.contains(where: OneLineProfile.isUnprintable)
        guard printable, let first = text.split(separator: "\n", omittingEmptySubsequences: false).first,
              !first.trimmingCharacters(in: .whitespaces).isEmpty, !first.hasPrefix(" "), !first.hasPrefix("\t") else {
            return quoted(text)
        }
        var body = Substring(text)
        var trailingNewlines = 0
        while body.hasSuffix("\n") {
            body = body.dropLast()
            trailingNewlines += 1
        }
        let chomp = trailingNewlines == 0 ? "|-" : trailingNewlines == 1 ? "|" : "|+"
        let pad = String(repeating: " ", count: indent)
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }
        lines += Array(repeating: "", count: max(0, trailingNewlines - 1))
        return chomp + "\n" + lines.joined(separator: "\n")
    }
}
