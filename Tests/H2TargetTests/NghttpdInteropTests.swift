import Foundation
import Testing
import H2Target
import H2Profile
import H2Results

/// The driver against nghttpd (nghttp2's own server, Debian `nghttp2-server`) serving files of
/// known sizes over h2c, started as a managed target: `http.get` with `path:`.
@Suite("driver → nghttpd (managed target)", .serialized,
       .disabled(if: !InteropEnvironment.isCI && InteropEnvironment.executable(named: "nghttpd") == nil,
                 "nghttpd not found (apt-get install nghttp2-server, or run scripts/setup.sh)"))
struct NghttpdInteropTests {
    /// File sizes: empty, one byte, one frame, one default window, and several windows.
    static let sizes = [0, 1, 16 << 10, 64 << 10, 1 << 20, 3 << 20]

    /// The nghttpd executable (required: missing only outside CI, where the suite is disabled).
    static func nghttpd() throws -> String {
        try #require(InteropEnvironment.executable(named: "nghttpd"),
                     "CI is set but nghttpd is missing: scripts/setup.sh should install nghttp2-server")
    }

    /// A fresh temporary document root holding `files` (name → bytes); the caller removes it.
    static func docroot(_ files: [String: [UInt8]]) throws -> String {
        let docroot = FileManager.default.temporaryDirectory.appendingPathComponent("h2stress-docroot-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: docroot, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: docroot + "/" + name)) }
        return docroot
    }

    @Test("GET of files 0 B … 3 MiB: every stream complete with exactly the file's bytes")
    func everyGetComplete() throws {
        let nghttpd = try Self.nghttpd()
        let docroot = try Self.docroot(Dictionary(uniqueKeysWithValues: Self.sizes.map { size in
            ("f\(size)", (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        }))
        defer { try? FileManager.default.removeItem(atPath: docroot) }
        let variants = Self.sizes.map { "    - {name: b\($0), mix: [{http.get: {size: \($0)B, path: /f\($0)}}]}" }.joined(separator: "\n")
        let yaml = """
            name: nghttpd
            target:
              command: [\(ManagedTargetRun.quoted(nghttpd)), "--no-tls", "-d", \(ManagedTargetRun.quoted(docroot)), "{port}"]
              ready: {timeout: 10s}
              stop: {grace: 2s}
            duration: 20s
            totalStreams: 24
            connections: 2
            streamsPerConnection: 4
            mix: [{http.get: {size: 0B, path: /f0}}]
            sweep:
              variants:
            \(variants)
            """
        let run = try ManagedTargetRun.run(yaml: yaml)
        #expect(run.result.cells.count == Self.sizes.count)
        for size in Self.sizes {
            let cell = try #require(run.cell("b\(size)/t1/s1/r1"))
            #expect(cell.streams.complete == 24, "\(size) B: \(cell.streams) \(cell.failures.prefix(3)) \(cell.connectionErrors)")
            #expect(cell.streams.failed == 0, "\(size) B: \(cell.streams)")
            #expect(cell.bytesReceived == 24 * size, "\(size) B")
            let target = try #require(cell.target)
            #expect(!target.exitedEarly, "\(target)")
            #expect(target.cpuSeconds >= 0 && target.peakRSSBytes > 0)
        }
    }

    @Test("a serverThreads sweep starts nghttpd per cell with its own -n, env and port, and each cell records them")
    func perCellCommandEnvAndPort() throws {
        let nghttpd = try Self.nghttpd()
        let docroot = try Self.docroot(["f": [UInt8](repeating: 7, count: 1_000)])
        defer { try? FileManager.default.removeItem(atPath: docroot) }
        let run = try ManagedTargetRun.run(yaml: """
            name: nghttpd-threads
            target:
              command: [\(ManagedTargetRun.quoted(nghttpd)), "--no-tls", "-n", "{threads}", "-d", \(ManagedTargetRun.quoted(docroot)), "{port}"]
              env: {GOMAXPROCS: "{threads}", CELL: "{cell}"}
            duration: 20s
            totalStreams: 8
            mix: [{http.get: {size: 1000B, path: /f}}]
            sweep: {serverThreads: [1, 2]}
            """)
        #expect(run.result.cells.map(\.id) == ["default/t1/s1/r1", "default/t1/s2/r1"])
        var ports: Set<Int> = []
        for cell in run.result.cells {
            #expect(cell.streams.complete == 8, "\(cell.id): \(cell.streams) \(cell.connectionErrors)")
            let target = try #require(cell.target)
            let port = try #require(target.port)
            ports.insert(port)
            #expect(target.command == [nghttpd, "--no-tls", "-n", String(cell.serverThreads), "-d", docroot, String(port)])
            #expect(target.env == ["GOMAXPROCS": String(cell.serverThreads), "CELL": TargetCommandTemplate.fileStem(cellID: cell.id)])
        }
        #expect(ports.count == 2, "each cell picked its own free port")
        // run.json carries them per cell.
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(run.result)) as? [String: Any]
        let cells = try #require(json?["cells"] as? [[String: Any]])
        let envs = cells.compactMap { ($0["target"] as? [String: Any])?["env"] as? [String: String] }
        #expect(envs.map { $0["GOMAXPROCS"] } == ["1", "2"])
    }

    @Test("http.request against nghttpd: a file of unknown size, POST and PUT uploads echoed back, an expected 404, and the wrong status or size caught")
    func genericRequests() throws {
        let nghttpd = try Self.nghttpd()
        let upload = (0..<3_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let docroot = try Self.docroot(["f1000": [UInt8](repeating: 9, count: 1_000), "up.bin": upload])
        defer { try? FileManager.default.removeItem(atPath: docroot) }
        let body = ManagedTargetRun.quoted(docroot + "/up.bin")
        let run = try ManagedTargetRun.run(yaml: """
            name: nghttpd-generic
            target:
              command: [\(ManagedTargetRun.quoted(nghttpd)), "--no-tls", "--echo-upload", "-d", \(ManagedTargetRun.quoted(docroot)), "{port}"]
            duration: 20s
            totalStreams: 16
            connections: 2
            streamsPerConnection: 4
            mix: [{http.request: {path: /f1000}}]
            sweep:
              variants:
                - {name: any-size, mix: [{http.request: {path: /f1000}}]}
                - {name: post, mix: [{http.request: {method: POST, path: /f1000, body: {file: \(body)}, expect: {size: 3000B}}}]}
                - {name: put, mix: [{http.request: {method: PUT, path: /f1000, headers: {x-upload: "1"}, body: {file: \(body)}}}]}
                - {name: missing, mix: [{http.request: {path: /nope, expect: {status: 404}}}]}
                - {name: wrong-status, mix: [{http.request: {path: /nope}}]}
                - {name: wrong-size, mix: [{http.request: {path: /f1000, expect: {size: 1001B}}}]}
            """)
        func cell(_ name: String) throws -> CellResult { try #require(run.cell("\(name)/t1/s1/r1")) }
        for name in ["any-size", "post", "put", "missing"] {
            let c = try cell(name)
            #expect(c.streams.complete == 16 && c.streams.failed == 0, "\(name): \(c.streams) \(c.failures.prefix(2)) \(c.connectionErrors)")
            #expect(c.completeSizeUnverified == nil, "\(name): nghttpd sends content-length, so every size was checked")
        }
        #expect(try cell("any-size").bytesReceived == 16 * 1_000)
        #expect(try cell("post").bytesReceived == 16 * 3_000, "the upload came back whole")
        #expect(try cell("put").bytesReceived == 16 * 3_000)
        let wrongStatus = try cell("wrong-status")
        #expect(wrongStatus.streams.statusError == 16, "\(wrongStatus.streams)")
        #expect(wrongStatus.failures.first?.detail.hasPrefix(":status 404 after") == true, "\(wrongStatus.failures.first?.detail ?? "")")
        #expect(wrongStatus.failures.first?.bytesPlanned == nil, "an open size is not a planned 0")
        let wrongSize = try cell("wrong-size")
        #expect(wrongSize.streams.integrity == 16, "\(wrongSize.streams)")
        #expect(wrongSize.failures.first?.detail == "content-length 1000, planned 1001")
    }
}
