import ArgumentParser
import H2Stress

// Sizes and times on the command line use the same text as profiles (`64KiB`, `250ms`).
extension ByteCount: ExpressibleByArgument {}
extension TimeSpan: ExpressibleByArgument {}
