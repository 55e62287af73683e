import ArgumentParser
import H2Wire
import H2Profile

// Sizes and times on the command line use the same text as profiles (`64KiB`, `250ms`).
extension ByteCount: ExpressibleByArgument {}
extension TimeSpan: ExpressibleByArgument {}

extension ChecksumSampling: ExpressibleByArgument {
    /// `all`, `none` or `1/N`, as in profiles.
    public init?(argument: String) { self.init(text: argument) }
}
