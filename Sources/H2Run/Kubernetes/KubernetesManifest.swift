/// One file of a rendered kustomize folder (`h2stress k8s`): its name and its YAML text.
public struct KubernetesManifest: Sendable, Equatable {
    /// The file name inside the folder, e.g. `shards-job.yaml`.
    public var fileName: String
    /// The file's text (YAML, ending with a newline).
    public var text: String

    /// A file named `fileName` holding `text`.
    public init(fileName: String, text: String) {
        self.fileName = fileName
        self.text = text
    }
}
