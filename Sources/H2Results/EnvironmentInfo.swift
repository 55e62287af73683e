#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The machine a run happened on (`environment` in `run.json`).
public struct EnvironmentInfo: Sendable, Codable, Equatable {
    /// Host name (`uname().nodename`).
    public var host: String
    /// Online CPU cores (`sysconf(_SC_NPROCESSORS_ONLN)`).
    public var cores: Int
    /// Kernel name and release, e.g. `Linux 6.1.0-18-amd64` (`uname().sysname`, `.release`).
    public var kernel: String
    /// Version of libnghttp2 linked at run time, e.g. `1.52.0`.
    public var nghttp2Version: String
    /// Operating system, from `/etc/os-release` `PRETTY_NAME` where present, else the kernel name.
    public var os: String
    /// Swift compiler version the tool was built with, when known.
    public var swiftVersion: String?

    /// Creates an environment description from known values.
    public init(host: String, cores: Int, kernel: String, nghttp2Version: String, os: String, swiftVersion: String?) {
        self.host = host
        self.cores = cores
        self.kernel = kernel
        self.nghttp2Version = nghttp2Version
        self.os = os
        self.swiftVersion = swiftVersion
    }

    /// Describes the current machine; `nghttp2Version` comes from the caller (H2Stress does not link nghttp2 itself).
    public static func current(nghttp2Version: String) -> EnvironmentInfo {
        var name = utsname()
        let sysname: String
        let release: String
        let nodename: String
        if uname(&name) == 0 {
            sysname = Self.string(from: &name.sysname)
            release = Self.string(from: &name.release)
            nodename = Self.string(from: &name.nodename)
        } else {
            sysname = "unknown"
            release = "unknown"
            nodename = "unknown"
        }
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return EnvironmentInfo(
            host: nodename,
            cores: cores > 0 ? cores : 1,
            kernel: "\(sysname) \(release)",
            nghttp2Version: nghttp2Version,
            os: Self.osPrettyName() ?? sysname,
            swiftVersion: Self.compilerVersion
        )
    }

    /// Reads a NUL-terminated C char array stored as a tuple (as `utsname` fields arrive in Swift).
    private static func string<T>(from field: inout T) -> String {
        withUnsafeBytes(of: &field) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func osPrettyName() -> String? {
        guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            var value = line.dropFirst("PRETTY_NAME=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = value.dropFirst().dropLast()
            }
            return String(value)
        }
        return nil
    }

    private static var compilerVersion: String? {
        #if compiler(>=6.4)
        return "6.4+"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #elseif compiler(>=6.0)
        return "6.0"
        #else
        return nil
        #endif
    }
}
