/// A named variant of a profile: a set of overrides deep-merged over the base profile.
public struct VariantSpec: Sendable, Hashable, Codable {
    /// The variant's name (unique in its profile; letters, digits, `-`, `_`, `.`).
    public var name: String
    /// The variant's override mapping (everything but `name`) re-serialized as flow YAML,
    /// e.g. `{client: {streamWindow: 64KiB}}`, for the record.
    public var overrides: String

    /// A variant.
    public init(name: String, overrides: String) {
        self.name = name
        self.overrides = overrides
    }
}
