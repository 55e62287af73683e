import H2Wire

/// The profile's sections: top level, mix, client, server and sweep (the target is in `ProfileDecoder+Target.swift`).
extension ProfileDecoder {
    /// Decodes and validates a whole profile mapping.
    func decode(_ root: ProfileNode) throws(ProfileError) -> Decoded {
        guard case .mapping = root.kind else {
            throw fail(root.origin, "", "write the profile as a mapping of fields such as `name:`, `duration:` and `mix:`, got \(root.shownAs)")
        }
        let top = try fields(root, "", allowed: Self.topLevelKeys)

        let nameNode = try require(top, "name", example: "a line such as `name: my-profile`")
        let name = try string(nameNode, "name")
        guard !name.isEmpty, Self.isSafeName(name) else {
            throw fail(nameNode.origin, "name", "`name` must be a non-empty name of letters, digits, `-`, `_` and `.` (it names the results folder), got `\(name)`")
        }
        guard name.utf8.count <= Self.maxNameLength else {
            throw fail(nameNode.origin, "name", "`name` is \(name.utf8.count) characters; keep it at \(Self.maxNameLength) or fewer (it names the results folder, and file names have a length limit)")
        }
        let description = try top.value("description").map { (node) throws(ProfileError) in try string(node, "description") }
        let target = try top.value("target").map { (node) throws(ProfileError) in try decodeTarget(node) } ?? .embedded
        let warmup = try top.value("warmup").map { (node) throws(ProfileError) in try time(node, "warmup", positive: false) } ?? .zero
        let duration = try time(try require(top, "duration", example: "a line such as `duration: 10s`"), "duration", positive: true)
        let connections = try top.value("connections").map { (node) throws(ProfileError) in try int(node, "connections", 1...10_000) } ?? 1
        let streams = try top.value("streamsPerConnection").map { (node) throws(ProfileError) in
            try int(node, "streamsPerConnection", 1...100_000)
        } ?? 1
        let mix = try decodeMix(try require(top, "mix", example: "a list of stream kinds, e.g. `mix: [{weight: 1, http.get: {size: 64KiB}}]`"))
        let client = try decodeClient(top.value("client") ?? .emptyMapping, "client")
        let server = try decodeServer(top.value("server") ?? .emptyMapping, "server")
        let threads = try top.value("threads").map { (node) throws(ProfileError) in try int(node, "threads", Self.threadRange) } ?? 1
        let totalStreams = try top.value("totalStreams").map { (node) throws(ProfileError) in
            try int(node, "totalStreams", 1...100_000_000)
        }
        let seed = try top.value("seed").map { (node) throws(ProfileError) in try uint64(node, "seed") } ?? 1
        let consumers = try top.value("consumers").map { (node) throws(ProfileError) in try decodeConsumers(node, "consumers") } ?? []
        let faults = try top.value("faults").map { (node) throws(ProfileError) in try decodeFaults(node, "faults") } ?? []
        if !faults.isEmpty, case .url = target, let node = top.value("faults") {
            throw fail(node.origin, "faults", "`faults` are performed by the embedded target only; remove `faults`, or remove `target` to use the embedded server")
        }
        let rate = try top.value("rate").map { (node) throws(ProfileError) in try decodeRate(node, "rate") }

        let sweepNode = top.value("sweep") ?? .emptyMapping
        let sweepFields = try fields(sweepNode, "sweep", allowed: ["threads", "serverThreads", "repeats", "variants"])
        let sweepThreads = try sweepFields.value("threads").map { (node) throws(ProfileError) in
            try intList(node, "sweep.threads", Self.threadRange)
        }
        let sweepServerThreads = try sweepFields.value("serverThreads").map { (node) throws(ProfileError) in
            try intList(node, "sweep.serverThreads", Self.threadRange)
        }
        let repeats = try sweepFields.value("repeats").map { (node) throws(ProfileError) in try int(node, "sweep.repeats", 1...1000) } ?? 1
        try checkServerSettingsApply(to: target, server: top.value("server"), sweep: sweepFields)
        let (variants, overlays) = try decodeVariants(sweepFields.value("variants"))
        let gate = try top.value("gate").map { (node) throws(ProfileError) in
            try decodeGate(node, "gate", variantNames: variants.isEmpty ? ["default"] : variants.map(\.name))
        } ?? []

        let profile = Profile(
            name: name, description: description, target: target, warmup: warmup, duration: duration,
            connections: connections, streamsPerConnection: streams, mix: mix, client: client, server: server,
            threads: threads, seed: seed, totalStreams: totalStreams, consumers: consumers, faults: faults, rate: rate,
            sweep: SweepSpec(
                threads: sweepThreads ?? [threads], serverThreads: sweepServerThreads ?? [server.threads],
                repeats: repeats, variants: variants),
            gate: gate)
        return Decoded(
            profile: profile, threadsGiven: sweepThreads != nil, serverThreadsGiven: sweepServerThreads != nil,
            variantOverlays: overlays, sweepOrigin: sweepNode.origin)
    }

    // MARK: Mix

    func decodeMix(_ node: ProfileNode) throws(ProfileError) -> [MixEntry] {
        guard case .sequence(let items) = node.kind else {
            throw fail(node.origin, "mix", "`mix`: write a list of entries (lines starting with `- `), got \(node.shownAs)")
        }
        guard !items.isEmpty else {
            throw fail(node.origin, "mix", "`mix` is empty; add at least one entry such as `- {weight: 1, http.get: {size: 64KiB}}`")
        }
        var mix: [MixEntry] = []
        for (index, item) in items.enumerated() {
            mix.append(try decodeMixEntry(item, "mix[\(index)]"))
        }
        return mix
    }

    func decodeMixEntry(_ node: ProfileNode, _ path: String) throws(ProfileError) -> MixEntry {
        let entry = try fields(node, path, allowed: ["weight"] + Self.kindKeys)
        let weight = try entry.value("weight").map { (node) throws(ProfileError) in try int(node, entry.path("weight"), 1...1_000_000) } ?? 1
        let kinds = Self.kindKeys.filter { entry.has($0) }
        let choices = "`grpc.serverStream`, `grpc.unary`, `grpc.call`, `http.get` or `http.request`"
        guard kinds.count == 1, let kindKey = kinds.first else {
            if kinds.isEmpty {
                throw fail(node.origin, path, "`\(path)` has no stream kind; add one of \(choices), e.g. `http.get: {size: 64KiB}`")
            }
            let origin = entry.entries.first { $0.key == kinds[1] }?.keyOrigin ?? node.origin
            throw fail(origin, path, "`\(path)` has \(kinds.map { "`\($0)`" }.joined(separator: " and ")); give exactly one stream kind per entry and put the others in entries of their own")
        }
        let kindNode = entry.value(kindKey) ?? ProfileNode(kind: .mapping([]), origin: node.origin)
        let kindPath = entry.path(kindKey)
        let kind: StreamKind
        switch kindKey {
        case "grpc.serverStream": kind = .grpcServerStream(try decodeServerStream(kindNode, kindPath))
        case "grpc.unary": kind = .grpcUnary(try decodeUnary(kindNode, kindPath))
        case "grpc.call": kind = .grpcCall(try decodeGRPCCall(kindNode, kindPath))
        case "http.request": kind = .httpRequest(try decodeHTTPRequest(kindNode, kindPath))
        default: kind = .httpGet(try decodeHTTPGet(kindNode, kindPath))
        }
        return MixEntry(weight: weight, kind: kind)
    }

    static let messageSizeRange = 0...(64 << 20)

    func decodeServerStream(_ node: ProfileNode, _ path: String) throws(ProfileError) -> ServerStreamSpec {
        let spec = try fields(node, path, allowed: ["messages", "size", "interval", "bursts"])
        let messages = try int(try require(spec, "messages", example: "`messages:` with the number of messages, e.g. `messages: 100`"),
                               spec.path("messages"), 1...10_000_000)
        let size = try bytes(try require(spec, "size", example: "`size:` with each message's size, e.g. `size: 100B`"),
                             spec.path("size"), Self.messageSizeRange)
        let interval = try spec.value("interval").map { (node) throws(ProfileError) in
            try time(node, spec.path("interval"), positive: false)
        } ?? .zero
        var bursts: [Burst] = []
        if let burstsNode = spec.value("bursts") {
            let burstsPath = spec.path("bursts")
            guard case .sequence(let items) = burstsNode.kind else {
                throw fail(burstsNode.origin, burstsPath, "`\(burstsPath)`: write a list like `[{at: 47, size: 64KiB}]`, got \(burstsNode.shownAs)")
            }
            for (index, item) in items.enumerated() {
                let itemPath = "\(burstsPath)[\(index)]"
                let burst = try fields(item, itemPath, allowed: ["at", "size"])
                let atNode = try require(burst, "at", example: "`at:` with the 0-based message index, e.g. `at: 47`")
                let at = try int(atNode, burst.path("at"), 0...Int.max)
                guard at < messages else {
                    throw fail(atNode.origin, burst.path("at"), "`\(burst.path("at"))` must be a message index below `messages` (\(messages)), got \(at); use 0…\(messages - 1) or raise `messages`")
                }
                if let earlier = bursts.firstIndex(where: { $0.at == at }) {
                    throw fail(atNode.origin, burst.path("at"), "`\(burst.path("at"))`: message \(at) already has a burst (`\(burstsPath)[\(earlier)]`); give each message at most one burst")
                }
                let burstSize = try bytes(try require(burst, "size", example: "`size:` with the message's size, e.g. `size: 64KiB`"),
                                          burst.path("size"), Self.messageSizeRange)
                bursts.append(Burst(at: at, size: burstSize))
            }
        }
        return ServerStreamSpec(messages: messages, size: size, interval: interval, bursts: bursts)
    }

    func decodeUnary(_ node: ProfileNode, _ path: String) throws(ProfileError) -> UnarySpec {
        let spec = try fields(node, path, allowed: ["requestSize", "responseSize"])
        let request = try bytes(try require(spec, "requestSize", example: "`requestSize:`, e.g. `requestSize: 100B`"),
                                spec.path("requestSize"), Self.messageSizeRange)
        let response = try bytes(try require(spec, "responseSize", example: "`responseSize:`, e.g. `responseSize: 1KiB`"),
                                 spec.path("responseSize"), Self.messageSizeRange)
        return UnarySpec(requestSize: request, responseSize: response)
    }

    func decodeHTTPGet(_ node: ProfileNode, _ path: String) throws(ProfileError) -> HTTPGetSpec {
        let spec = try fields(node, path, allowed: ["size", "path"])
        let size = try bytes(try require(spec, "size", example: "`size:` with the body size, e.g. `size: 64KiB`"),
                             spec.path("size"), 0...(16 << 30))
        var requestPath: String?
        if let pathNode = spec.value("path") {
            let text = try string(pathNode, spec.path("path"))
            guard text.hasPrefix("/"), !text.contains(where: { $0 == " " || $0.isNewline }) else {
                throw fail(pathNode.origin, spec.path("path"), "`\(spec.path("path"))`: write an absolute path without spaces, e.g. `/bytes/65536`, got `\(text)`")
            }
            requestPath = text
        }
        return HTTPGetSpec(size: size, path: requestPath)
    }

    // MARK: Client and server

    func decodeClient(_ node: ProfileNode, _ path: String) throws(ProfileError) -> ClientSettings {
        let spec = try fields(node, path, allowed: Self.clientKeys)
        var settings = ClientSettings()
        try readWindows(spec, &settings.streamWindow, &settings.connectionWindow, &settings.maxFrameSize)
        if let value = spec.value("headerTableSize") {
            settings.headerTableSize = try bytes(value, spec.path("headerTableSize"), 0...Int(Int32.max))
        }
        if let value = spec.value("stamp") { settings.stamp = try bool(value, spec.path("stamp")) }
        if let value = spec.value("checksum") {
            let field = spec.path("checksum")
            guard let text = value.scalarText, let sampling = ChecksumSampling(text: text) else {
                throw fail(value.origin, field, "`\(field)`: write `all` (sum every stamped body), `none`, or `1/N` with N from 2 to \(ChecksumSampling.maxOneIn) (sum about one body in N; the default is `\(ChecksumSampling.default)`), got \(value.shownAs)")
            }
            settings.checksum = sampling
        }
        try readStreamBehaviour(spec, &settings)
        return settings
    }

    func decodeServer(_ node: ProfileNode, _ path: String) throws(ProfileError) -> ServerSettings {
        let spec = try fields(node, path, allowed: ["threads", "streamWindow", "connectionWindow", "maxConcurrentStreams", "maxFrameSize"])
        var settings = ServerSettings()
        if let value = spec.value("threads") { settings.threads = try int(value, spec.path("threads"), Self.threadRange) }
        try readWindows(spec, &settings.streamWindow, &settings.connectionWindow, &settings.maxFrameSize)
        if let value = spec.value("maxConcurrentStreams") {
            settings.maxConcurrentStreams = try int(value, spec.path("maxConcurrentStreams"), 1...Int(Int32.max))
        }
        return settings
    }

    private func readWindows(
        _ spec: Fields, _ stream: inout ByteCount, _ connection: inout ByteCount, _ frame: inout ByteCount
    ) throws(ProfileError) {
        let windowNote = " (the RFC 9113 window limits, 1 to 2^31-1 bytes)"
        if let value = spec.value("streamWindow") {
            stream = try bytes(value, spec.path("streamWindow"), HTTP2Settings.windowSizeRange, note: windowNote)
        }
        if let value = spec.value("connectionWindow") {
            connection = try bytes(value, spec.path("connectionWindow"), HTTP2Settings.windowSizeRange, note: windowNote)
        }
        if let value = spec.value("maxFrameSize") {
            frame = try bytes(value, spec.path("maxFrameSize"), HTTP2Settings.maxFrameSizeRange, note: " (RFC 9113 allows 16KiB to 16MiB-1)")
        }
    }

    // MARK: Variants

    /// The variants' specs and override mappings. Names must be unique, non-empty and safe
    /// in cell ids; a variant may set any top-level field except `name` and `sweep`.
    func decodeVariants(_ node: ProfileNode?) throws(ProfileError) -> ([VariantSpec], [ProfileNode]) {
        guard let node else { return ([], []) }
        let path = "sweep.variants"
        guard case .sequence(let items) = node.kind else {
            throw fail(node.origin, path, "`\(path)`: write a list of variants like `- {name: window-64k, client: {streamWindow: 64KiB}}`, got \(node.shownAs)")
        }
        let allowed = ["name"] + Self.topLevelKeys.filter { $0 != "name" && $0 != "sweep" && $0 != "gate" }
        var specs: [VariantSpec] = []
        var overlays: [ProfileNode] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            if let gate = item.entries?.first(where: { $0.key == "gate" }) {
                throw fail(gate.keyOrigin, itemPath + ".gate", "`\(itemPath)` sets `gate`; write the rule once in the top-level `gate` with `variants: [<name>]`, e.g. `{rule: \"truncated == 0\", variants: [<name>]}`")
            }
            if let sweep = item.entries?.first(where: { $0.key == "sweep" }) {
                throw fail(sweep.keyOrigin, itemPath + ".sweep", "`\(itemPath)` sets `sweep`; a variant cannot change the sweep, move these settings to the top-level `sweep`")
            }
            let variant = try fields(item, itemPath, allowed: allowed)
            let nameNode = try require(variant, "name", example: "`name:` with a short name, e.g. `name: window-64k`")
            let name = try string(nameNode, variant.path("name"))
            guard !name.isEmpty else {
                throw fail(nameNode.origin, variant.path("name"), "`\(variant.path("name"))` is empty; give the variant a short name such as `window-64k`")
            }
            guard Self.isSafeName(name) else {
                throw fail(nameNode.origin, variant.path("name"), "`\(variant.path("name"))` must use only letters, digits, `-`, `_` and `.` (it is part of cell ids), got `\(name)`")
            }
            guard name.utf8.count <= Self.maxNameLength else {
                throw fail(nameNode.origin, variant.path("name"), "`\(variant.path("name"))` is \(name.utf8.count) characters; keep it at \(Self.maxNameLength) or fewer (it is part of cell ids and frame-trace file names)")
            }
            if let earlier = specs.firstIndex(where: { $0.name == name }) {
                throw fail(nameNode.origin, variant.path("name"), "variant name `\(name)` is already used by `\(path)[\(earlier)]`; give each variant a unique name")
            }
            let overlay = item.removing("name")
            specs.append(VariantSpec(name: name, overrides: overlay.entries == nil ? "{}" : overlay.flowText))
            overlays.append(overlay)
        }
        return (specs, overlays)
    }
}
