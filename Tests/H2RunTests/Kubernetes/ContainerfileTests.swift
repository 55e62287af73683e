import Foundation
import H2Run
import H2TestSupport
import Testing

/// `Containerfile` cannot be built here (no container engine runs on this machine), so these
/// tests check what can be checked without one: the stages and commands the docs promise, the
/// user the manifests run as, and that the runtime stage installs every Debian package holding a
/// shared library h2stress links.
@Suite(.serialized)
struct ContainerfileTests {
    typealias Fixture = KubernetesFixture

    static func containerfile() throws -> String {
        try String(contentsOf: Fixture.root.appendingPathComponent("Containerfile"), encoding: .utf8)
    }

    /// The packages the `apt-get install` of the stage starting at `from` installs.
    static func packages(_ text: String, stage from: String) throws -> [String] {
        let stage = try #require(text.components(separatedBy: "\nFROM ").first { $0.hasPrefix(from) || $0.hasPrefix("FROM " + from) })
        let install = try #require(stage.range(of: "--no-install-recommends "))
        let rest = stage[install.upperBound...]
        return rest.prefix { $0 != "\\" && $0 != "\n" }.split(separator: " ").map(String.init)
    }

    @Test("two stages (Swift 6.3 on Debian 12, then bookworm-slim), the release build command, and the user the pods run as")
    func stagesAndCommands() throws {
        let text = try Self.containerfile()
        #expect(text.contains("\nFROM swift:6.3-bookworm AS build\n"))
        #expect(text.contains("\nFROM debian:bookworm-slim\n"))
        #expect(text.contains("swift build -c release --static-swift-stdlib --product h2stress"))
        #expect(try Self.packages(text, stage: "swift:") == ["libnghttp2-dev", "libssl-dev", "pkg-config"])
        #expect(try Self.packages(text, stage: "debian:") == ["libnghttp2-14", "libssl3", "ca-certificates"])
        #expect(text.contains("COPY --from=build /out/h2stress /usr/local/bin/h2stress"))
        let user = KubernetesDeployment.userID
        #expect(text.contains("\nUSER \(user):\(user)\n") && text.contains("--uid \(user)"), "the image's user is the one the manifests run as")
        // Everything Package.swift needs is copied in.
        for folder in ["Sources", "Tests"] {
            #expect(text.contains("COPY \(folder) ./\(folder)"))
        }
        let docs = try String(contentsOf: Fixture.root.appendingPathComponent("docs/kubernetes.md"), encoding: .utf8)
        let build = "docker build -f Containerfile -t"
        #expect(text.contains(build) && docs.contains(build), "the Containerfile's header and docs/kubernetes.md give the same build command")
        #expect(docs.contains("swift build -c release --static-swift-stdlib"), "docs/kubernetes.md names the build the image runs")
    }

    @Test("the runtime stage installs the package of every non-Swift shared library h2stress links (beside bookworm-slim's own)",
          .disabled(if: KubernetesFixture.onPath("ldd") == nil || KubernetesFixture.onPath("dpkg-query") == nil || H2StressExecutable.path == nil,
                    "needs ldd, dpkg-query and the built h2stress"))
    func runtimeLibraries() async throws {
        let exe = try #require(H2StressExecutable.path)
        let ldd = try await Subprocess.run(try #require(Fixture.onPath("ldd")), [exe], timeout: 30)
        #expect(ldd.status == 0, "\(ldd)")
        // The Swift runtime is linked into the release binary (--static-swift-stdlib); the rest must come from Debian.
        let libraries = ldd.stdout.split(separator: "\n").compactMap { line -> String? in
            let name = line.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
            guard line.contains("=> /"), !name.contains("swift"), !name.hasPrefix("libFoundation"), !name.hasPrefix("lib_Foundation"),
                  !name.hasPrefix("libdispatch"), !name.hasPrefix("libBlocksRuntime") else { return nil }
            return name
        }
        #expect(libraries.contains("libnghttp2.so.14") && libraries.contains("libssl.so.3"), "\(libraries)")
        // Essential in debian:bookworm-slim (apt and dpkg need them).
        let inBase: Set = ["libc6", "libgcc-s1", "libstdc++6", "zlib1g"]
        let installed = Set(try Self.packages(try Self.containerfile(), stage: "debian:"))
        for library in libraries {
            let owner = try await Subprocess.run(try #require(Fixture.onPath("dpkg-query")), ["-S", "*/\(library)"], timeout: 30)
            let package = owner.stdout.split(separator: ":").first.map(String.init) ?? ""
            #expect(owner.status == 0 && (installed.contains(package) || inBase.contains(package)),
                    "\(library) comes from `\(package)`, which the runtime stage does not install: \(owner)")
        }
    }

    @Test("the runtime stage's packages exist in Debian 12 (apt-cache show)",
          .disabled(if: KubernetesFixture.onPath("apt-cache") == nil, "apt-cache is not on PATH"))
    func runtimePackagesExist() async throws {
        let aptCache = try #require(Fixture.onPath("apt-cache"))
        let lists = try await Subprocess.run(aptCache, ["show", "libc6"], timeout: 60)
        guard lists.status == 0 else { return }  // no package lists downloaded: nothing to ask
        let release = (try? String(contentsOfFile: "/etc/debian_version", encoding: .utf8)) ?? ""
        guard release.hasPrefix("12.") else { return }  // the runtime stage is Debian 12
        for package in try Self.packages(try Self.containerfile(), stage: "debian:") {
            let shown = try await Subprocess.run(aptCache, ["show", package], timeout: 60)
            #expect(shown.status == 0 && shown.stdout.contains("Package: \(package)\n"), "\(shown)")
        }
    }
}
