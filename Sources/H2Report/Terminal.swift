import Foundation
import Glibc

/// Writing to the terminal: errors to stderr, the live progress line only on a TTY.
package enum Terminal {
    /// Prints `error: <message>` to stderr.
    package static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// Prints a note to stderr.
    package static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// Whether stderr is a terminal (the progress line is shown only then).
    package static var stderrIsTTY: Bool { isatty(2) == 1 }
}
