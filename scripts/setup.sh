#!/usr/bin/env bash
# Checks (and, as root, installs) what building and testing h2stress needs on Debian 12
# with only the Swift toolchain present:
#   apt:  libnghttp2-dev, libssl-dev, pkg-config (build); openssl (test certificates);
#         nghttp2-client (h2load, nghttp),
#         nghttp2-server (nghttpd); python3 + pip when missing;
#         golang-go, golang-google-grpc-dev, golang-google-protobuf-dev (the grpc-go interop
#         program interop/grpcgo, built offline by interop/grpcgo/build.sh)
#   pip:  grpcio, protobuf (the python gRPC interop client, interop/grpc_client.py);
#         kubernetes-validate (KubernetesManifestValidationTests: the rendered `h2stress k8s`
#         manifests against the Kubernetes schemas, which the package ships, so offline)
# Idempotent: when everything is present it only checks (no apt-get update) and exits 0.
# Not root and something missing: prints what to install and exits 1.
set -euo pipefail

say() { printf 'setup.sh: %s\n' "$*"; }

is_root=0
[[ "$(id -u)" == "0" ]] && is_root=1

if ! command -v swift >/dev/null 2>&1; then
    say "swift is not on PATH: install the Swift toolchain (6.x) first"
    exit 1
fi

apt_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# --- Debian packages ---------------------------------------------------------------
missing_apt=()
for pkg in libnghttp2-dev libssl-dev openssl pkg-config nghttp2-client nghttp2-server chromium \
           golang-go golang-google-grpc-dev golang-google-protobuf-dev protobuf-compiler \
           prometheus; do  # chromium: report.html browser test; golang-*: interop/grpcgo; protoc: the README's grpc.call recipe; prometheus: PrometheusScrapeTests (a real server scrapes `run --metrics`; promtool checks the exposition)
    apt_installed "$pkg" || missing_apt+=("$pkg")
done
if ! command -v python3 >/dev/null 2>&1; then
    missing_apt+=(python3 python3-pip)
elif ! python3 -m pip --version >/dev/null 2>&1; then
    # pip for the python3 on PATH; Debian's python3-pip serves /usr/bin/python3.
    missing_apt+=(python3-pip)
fi

if ((${#missing_apt[@]} > 0)); then
    if ((is_root == 0)); then
        say "missing Debian packages; run: sudo apt-get update && sudo apt-get install -y ${missing_apt[*]}"
        exit 1
    fi
    say "installing Debian packages: ${missing_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
fi

# A python3 that is not Debian's (pyenv, a venv) may still lack pip: bootstrap it.
if ! python3 -m pip --version >/dev/null 2>&1; then
    if ((is_root == 0)); then
        say "python3 ($(command -v python3)) has no pip; run: python3 -m ensurepip --upgrade"
        exit 1
    fi
    say "bootstrapping pip for $(command -v python3)"
    python3 -m ensurepip --upgrade >/dev/null
fi

# --- Python packages -----------------------------------------------------------------
python_ok() {
    python3 -c 'import grpc, google.protobuf, kubernetes_validate' >/dev/null 2>&1
}

if ! python_ok; then
    pip_cmd=(python3 -m pip install --quiet grpcio protobuf kubernetes-validate)  # kubernetes-validate: KubernetesManifestValidationTests
    if ((is_root == 0)); then
        say "python3 ($(command -v python3)) lacks grpcio/protobuf/kubernetes-validate; run: ${pip_cmd[*]}  (add --break-system-packages if pip says externally-managed-environment)"
        exit 1
    fi
    say "installing grpcio, protobuf and kubernetes-validate for $(command -v python3)"
    pip_cmd+=(--root-user-action=ignore)
    pip_log="$(mktemp)"
    # Debian's own python3 refuses pip installs (PEP 668) unless told otherwise.
    if ! "${pip_cmd[@]}" >"$pip_log" 2>&1 \
        && ! { grep -q 'externally-managed-environment' "$pip_log" \
               && "${pip_cmd[@]}" --break-system-packages >"$pip_log" 2>&1; }; then
        cat "$pip_log" >&2
        rm -f "$pip_log"
        say "pip install grpcio protobuf kubernetes-validate failed (output above)"
        exit 1
    fi
    rm -f "$pip_log"
    if ! python_ok; then
        say "grpcio/protobuf/kubernetes-validate installed but python3 still cannot import them"
        exit 1
    fi
fi

say "ok: libnghttp2-dev, libssl-dev, openssl, pkg-config, h2load, nghttp, nghttpd, go + grpc-go/protobuf sources, protoc, prometheus + promtool, python3 grpcio/protobuf/kubernetes-validate present"
