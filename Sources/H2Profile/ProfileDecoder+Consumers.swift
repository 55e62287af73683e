import Foundation

/// Stream behaviour on the client side: `client.deadline`, `client.sendGrpcTimeout`,
/// `client.windowUpdate`, `client.connectionWindowUpdate`, `client.pendingMessageCredit`, `client.connectTimeout`, the `consumers` list and `rate`.
extension ProfileDecoder {
    static let delayKinds = ["fixed", "uniform", "exponential", "perByte"]
    static let delayForms = "`50ms`, `{uniform: [10ms, 100ms]}`, `{exponential: 20ms}` or `{perByte: 1MB/s}`"
    static let rateRange = 1.0...1_000_000.0
    /// Tolerance when checking that shares add up to at most 1 (`0.1 + 0.2 + 0.7` is not exactly 1).
    static let shareTolerance = 1e-9

    // MARK: Client

    /// Reads the client's deadline, window-credit policy and connect timeout into `settings`.
    func readStreamBehaviour(_ spec: Fields, _ settings: inout ClientSettings) throws(ProfileError) {
        if let value = spec.value("deadline") {
            let field = spec.path("deadline")
            let deadline = try time(value, field, positive: false)
            guard deadline.nanoseconds > 0 else {
                throw fail(value.origin, field, "`\(field)` must be longer than 0s, got `\(value.scalarText ?? "0")`; write a time like `3s`, or remove the field for no deadline")
            }
            settings.deadline = deadline
        }
        if let value = spec.value("connectTimeout") {
            settings.connectTimeout = try time(value, spec.path("connectTimeout"), positive: true)
        }
        if let value = spec.value("keepalive") {
            let field = spec.path("keepalive")
            let keep = try fields(value, field, allowed: ["interval", "timeout"])
            let interval = try time(try require(keep, "interval", example: "`interval: 30s`"), keep.path("interval"), positive: true)
            var spec = KeepaliveSpec(interval: interval)
            if let t = keep.value("timeout") { spec.timeout = try time(t, keep.path("timeout"), positive: true) }
            settings.keepalive = spec
        }
        if let value = spec.value("windowUpdate") {
            settings.windowUpdate = try choice(value, spec.path("windowUpdate"), [WindowUpdatePolicy.onReceive, .onConsume])
        }
        if let value = spec.value("connectionWindowUpdate") {
            let field = spec.path("connectionWindowUpdate")
            settings.connectionWindowUpdate = try choice(value, field, [WindowUpdatePolicy.onReceive, .onConsume])
            if settings.connectionWindowUpdate == .onConsume && settings.windowUpdate != .onConsume {
                let given = spec.value("windowUpdate") == nil ? " (the default)" : ""
                throw fail(value.origin, field, "`\(field): on-consume` ties connection credit to the consumer, but `\(spec.path("windowUpdate"))` is `on-receive`\(given), so no consumer returns credit; add `windowUpdate: on-consume` to `\(spec.path)`, or remove `connectionWindowUpdate`")
            }
        }
        if let value = spec.value("sendGrpcTimeout") {
            settings.sendGrpcTimeout = try bool(value, spec.path("sendGrpcTimeout"))
        }
        if let value = spec.value("pendingMessageCredit") {
            let field = spec.path("pendingMessageCredit")
            settings.pendingMessageCredit = try choice(value, field, [PendingMessageCredit.grant, .withhold])
            guard settings.windowUpdate == .onConsume else {
                let given = spec.value("windowUpdate") == nil ? " (the default)" : ""
                let variantNote = variant == nil ? "" : "; a variant removes it with `pendingMessageCredit: ~`"
                throw fail(value.origin, field, "`\(field)` applies only when credit is returned on consumption, but `\(spec.path("windowUpdate"))` is `on-receive`\(given); add `windowUpdate: on-consume` to `\(spec.path)`, or remove `pendingMessageCredit`\(variantNote)")
            }
        }
    }

    /// One of `cases`, written as its raw value; unknown values get a did-you-mean.
    func choice<T: RawRepresentable>(_ node: ProfileNode, _ field: String, _ cases: [T]) throws(ProfileError) -> T where T.RawValue == String {
        let names = cases.map(\.rawValue)
        let options = names.map { "`\($0)`" }
        let list = options.dropLast().joined(separator: ", ") + " or " + options[options.count - 1]
        let text = try scalar(node, field, expecting: list)
        if let match = cases.first(where: { $0.rawValue == text }) { return match }
        let hint = FieldSuggestion.closest(to: text, among: names).map { "; did you mean `\($0)`?" } ?? ""
        throw fail(node.origin, field, "`\(field)`: write \(list), got `\(text)`\(hint)")
    }

    // MARK: Consumers

    /// The `consumers` list: each entry `{share, delay}`; shares add up to at most 1.
    func decodeConsumers(_ node: ProfileNode, _ path: String) throws(ProfileError) -> [ConsumerSpec] {
        guard case .sequence(let items) = node.kind else {
            throw fail(node.origin, path, "`\(path)`: write a list of entries like `- {share: 0.5, delay: 50ms}`, got \(node.shownAs)")
        }
        var consumers: [ConsumerSpec] = []
        var total = 0.0
        var written: [String] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            let entry = try fields(item, itemPath, allowed: ["share", "delay"])
            let shareNode = try require(entry, "share", example: "`share:` with the fraction of streams, e.g. `share: 0.5` (`share: 1` for all streams)")
            let share = try decodeShare(shareNode, entry.path("share"))
            total += share
            written.append(shareNode.scalarText ?? "\(share)")
            if total > 1 + Self.shareTolerance {
                let sum = String(format: "%g", total)
                throw fail(shareNode.origin, entry.path("share"), "the shares of `\(path)` add up to \(sum) (\(written.joined(separator: " + "))); lower them to a total of at most 1 (streams outside every share are fast consumers)")
            }
            let delayNode = try require(entry, "delay", example: "`delay:`, e.g. \(Self.delayForms)")
            consumers.append(ConsumerSpec(share: share, delay: try decodeDelay(delayNode, entry.path("delay"))))
        }
        return consumers
    }

    /// A fraction of streams, `0 < share ≤ 1`.
    func decodeShare(_ node: ProfileNode, _ field: String) throws(ProfileError) -> Double {
        let text = try scalar(node, field, expecting: "a fraction of streams between 0 and 1, e.g. `0.25`")
        if text.hasSuffix("%"), let percent = Self.decimal(String(text.dropLast())) {
            throw fail(node.origin, field, "`\(field)`: write the fraction `\(String(format: "%g", percent / 100))` instead of `\(text)` (shares are between 0 and 1)")
        }
        guard let share = Self.decimal(text) else {
            throw fail(node.origin, field, "`\(field)`: write a fraction of streams between 0 and 1, e.g. `0.25`, got `\(text)`")
        }
        guard share > 0, share <= 1 else {
            throw fail(node.origin, field, "`\(field)` must be above 0 and at most 1 (a fraction of streams), got \(text)")
        }
        return share
    }

    /// A delay: a time (fixed) or a one-key mapping naming the distribution.
    func decodeDelay(_ node: ProfileNode, _ path: String) throws(ProfileError) -> ConsumerDelay {
        switch node.kind {
        case .scalar(let text):
            if case .failure(let failure) = TimeSpan.parse(text) {
                if let kind = FieldSuggestion.closest(to: text, among: Self.delayKinds) {
                    throw fail(node.origin, path, "`\(path)`: `\(text)` needs its parameters; write it as a mapping, e.g. `{\(kind): \(Self.delayExample(kind))}`")
                }
                let hint = failure.hint.map { "; \($0)" } ?? ""
                throw fail(node.origin, path, "`\(path)`: write a delay like \(Self.delayForms), got `\(text)`\(hint)")
            }
            return .fixed(try time(node, path, positive: false))
        case .mapping(let entries):
            guard let first = entries.first else {
                throw fail(node.origin, path, "`\(path)` is empty; write a delay like \(Self.delayForms)")
            }
            for entry in entries where !Self.delayKinds.contains(entry.key) {
                let field = Self.join(path, entry.key)
                if let suggestion = FieldSuggestion.closest(to: entry.key, among: Self.delayKinds) {
                    throw fail(entry.keyOrigin, field, "unknown delay kind `\(entry.key)` in `\(path)`; did you mean `\(suggestion)`?")
                }
                throw fail(entry.keyOrigin, field, "unknown delay kind `\(entry.key)` in `\(path)`; use one of `fixed`, `uniform`, `exponential` or `perByte`, e.g. \(Self.delayForms)")
            }
            guard entries.count == 1 else {
                throw fail(entries[1].keyOrigin, path, "`\(path)` has \(entries.map { "`\($0.key)`" }.joined(separator: " and ")); give exactly one delay kind")
            }
            let field = Self.join(path, first.key)
            let value = first.value
            switch first.key {
            case "fixed":
                return .fixed(try time(value, field, positive: false))
            case "uniform":
                guard case .sequence(let bounds) = value.kind, bounds.count == 2 else {
                    throw fail(value.origin, field, "`\(field)`: write the smallest and largest delay as a list, e.g. `{uniform: [10ms, 100ms]}`, got \(value.shownAs)")
                }
                let low = try time(bounds[0], field + "[0]", positive: false)
                let high = try time(bounds[1], field + "[1]", positive: false)
                guard low <= high else {
                    throw fail(value.origin, field, "`\(field)`: the minimum \(low) is above the maximum \(high); write the smaller bound first, `[\(high), \(low)]`")
                }
                return .uniform(low, high)
            case "exponential":
                var meanNode = value
                var meanField = field
                if case .mapping = value.kind {
                    let spec = try fields(value, field, allowed: ["mean"])
                    meanNode = try require(spec, "mean", example: "`mean:`, e.g. `{exponential: {mean: 20ms}}`")
                    meanField = spec.path("mean")
                }
                let mean = try time(meanNode, meanField, positive: false)
                guard mean.nanoseconds > 0 else {
                    throw fail(meanNode.origin, meanField, "`\(meanField)` (the mean delay) must be longer than 0s, got `\(meanNode.scalarText ?? "0")`; write a time like `20ms`, or `delay: 0s` for no delay")
                }
                return .exponential(mean: mean)
            default:
                let text = try scalar(value, field, expecting: "a rate like `1MB/s`")
                switch ConsumerDelay.parseRate(text) {
                case .failure(let failure):
                    let hint = failure.hint.map { "; \($0)" } ?? ""
                    throw fail(value.origin, field, "`\(field)`: write a rate like `1MB/s` or `64KiB/s`, got `\(text)`\(hint)")
                case .success(let rate):
                    guard rate > 0 else {
                        throw fail(value.origin, field, "`\(field)` must be above 0B/s, got `\(text)`; write a rate like `1MB/s`")
                    }
                    return .perByte(bytesPerSecond: rate)
                }
            }
        default:
            throw fail(node.origin, path, "`\(path)`: write a delay like \(Self.delayForms), got \(node.shownAs)")
        }
    }

    static func delayExample(_ kind: String) -> String {
        switch kind {
        case "uniform": "[10ms, 100ms]"
        case "exponential": "20ms"
        case "perByte": "1MB/s"
        default: "50ms"
        }
    }

    // MARK: Rate

    /// Streams started per second, 1…1,000,000 (`2000`, `2000/s` or `2_000`).
    func decodeRate(_ node: ProfileNode, _ field: String) throws(ProfileError) -> Double {
        let text = try scalar(node, field, expecting: "the number of streams to start per second, e.g. `2000`")
        var number = text.trimmingSpaces()
        if number.hasSuffix("/s") { number = String(number.dropLast(2)).trimmingSpaces() }
        guard let rate = Self.decimal(number) else {
            throw fail(node.origin, field, "`\(field)`: write the number of streams to start per second, e.g. `\(field): 2000`, got `\(text)`")
        }
        guard Self.rateRange.contains(rate) else {
            throw fail(node.origin, field, "`\(field)` must be between 1 and 1000000 streams per second, got \(number); remove `\(field)` for a closed-loop run")
        }
        return rate
    }

    /// A plain non-negative decimal (`0.25`, `2000`, `1_000`); `nil` for anything else
    /// (signs, exponents, `nan`, `inf`, hexadecimal).
    static func decimal(_ text: String) -> Double? {
        let digits = text.trimmingSpaces().filter { $0 != "_" }
        guard !digits.isEmpty, digits.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "." }),
              digits.contains(where: { $0.isNumber }) else { return nil }
        return Double(digits)
    }
}

extension ProfileNode {
    /// The scalar's text; `nil` for other kinds.
    var scalarText: String? {
        if case .scalar(let text) = kind { return text }
        return nil
    }
}
