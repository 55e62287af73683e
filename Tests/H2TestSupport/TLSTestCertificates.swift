import Foundation

/// A throwaway PKI made with the `openssl` CLI in a temporary folder: a self-signed CA and a
/// server certificate it signed for `IP:127.0.0.1` and `DNS:localhost` (P-256 keys, 2 days).
/// A second, unrelated CA lets tests present a chain the client must reject.
/// The folder is removed by ``remove()``.
public struct TLSTestCertificates: Sendable {
    public let directory: URL
    public var caFile: String { directory.appendingPathComponent("ca.pem").path }
    public var otherCAFile: String { directory.appendingPathComponent("other-ca.pem").path }
    public var certificateFile: String { directory.appendingPathComponent("server.pem").path }
    public var privateKeyFile: String { directory.appendingPathComponent("server.key").path }

    /// `openssl` on PATH, if any.
    public static let openssl: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    public struct Failure: Error, CustomStringConvertible { public var description: String }

    /// Generates the CA and the server certificate (each `openssl` call is killed after 20 s).
    public static func generate() throws -> TLSTestCertificates {
        guard let openssl else { throw Failure(description: "openssl not found (apt-get install openssl)") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("h2stress-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let certs = TLSTestCertificates(directory: dir)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        do {
            try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
                .write(to: dir.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
            for name in ["ca", "other-ca"] {
                try run(openssl, ["req", "-x509"] + ec + ["-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2",
                                  "-subj", "/CN=h2stress test \(name)",
                                  "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: dir)
            }
            try run(openssl, ["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], in: dir)
            try run(openssl, ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                              "-out", "server.pem", "-days", "2", "-extfile", "server.ext"], in: dir)
        } catch {
            certs.remove()
            throw error
        }
        return certs
    }

    public func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Runs a command in `directory` to completion (killed after `timeout` s, ``Subprocess``);
    /// throws with its output when it fails or runs out of time.
    public static func run(_ executable: String, _ arguments: [String], in directory: URL, timeout: Double = 20) throws {
        let outcome = try Subprocess.runBlocking(executable, arguments, timeout: timeout, directory: directory.path)
        guard outcome.status == 0, !outcome.timedOut else { throw Failure(description: "\(outcome)") }
    }
}
