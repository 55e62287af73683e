import Testing
@testable import H2Profile

/// `client.keepalive` in a profile (the PINGs themselves: ``KeepaliveTimingTests``).
struct KeepaliveTests {
    @Test func keepaliveIsReadFromTheProfile() throws {
        let loaded = try ProfileLoader.parse(yaml: """
            name: k
            duration: 1s
            mix: [{http.get: {size: 1KiB}}]
            client: {keepalive: {interval: 30s, timeout: 2s}}
            """, file: "k.yaml")
        #expect(loaded.base.client.keepalive == KeepaliveSpec(interval: .seconds(30), timeout: .seconds(2)))
        #expect(throws: ProfileError.self) {
            try ProfileLoader.parse(yaml: "name: k\nduration: 1s\nmix: [{http.get: {size: 1KiB}}]\nclient: {keepalive: {timeout: 2s}}\n", file: "k.yaml")
        }
    }
}
