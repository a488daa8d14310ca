#!/usr/bin/env bash
# The JRE base image the deploy tests build on, made offline from Debian's packages (no registry can be pulled
# here): debootstrap minbase with openjdk-17-jre-headless and libgomp1 (XGBoost's native library), written as a
# docker-archive tarball (what Jib's TarImage and `docker load` read). Cached outside the repository; built once.
#   scripts/test-base-image.sh        # prints the tarball's path, building it first when missing (about a minute)
set -euo pipefail
cache=${MODELOPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modelops}/base-images
out=$cache/jre17-bookworm.tar
if [[ -s $out ]]; then
  echo "$out"
  exit 0
fi
command -v debootstrap >/dev/null 2>&1 || { echo "debootstrap is missing: run scripts/install-deps.sh --test" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "debootstrap needs root to build $out" >&2; exit 1; }
mkdir -p "$cache"
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
mirror=$(sed -nE 's/^URIs: *(http[^ ]*debian\/?)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
mirror=${mirror:-$(sed -nE 's/^deb +(http[^ ]*debian\/?) .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -n1)}
echo "Building the test base image ($suite, ${mirror:-default mirror}) into $out" >&2
debootstrap --variant=minbase --include=openjdk-17-jre-headless,libgomp1 "$suite" "$work/rootfs" ${mirror:+"$mirror"} \
  >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
tar --numeric-owner -C "$work/rootfs" -cf "$work/layer.tar" .
java_home=$(cd "$work/rootfs" && ls -d usr/lib/jvm/java-17-openjdk-* | head -n1)
python3 - "$work" "/$java_home" <<'PY'
import hashlib, json, os, sys, tarfile
work, java_home = sys.argv[1], sys.argv[2]
h = hashlib.sha256()
with open(os.path.join(work, "layer.tar"), "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
config = {"architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
          "config": {"Env": ["PATH=" + java_home + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                             "JAVA_HOME=" + java_home]},
          "rootfs": {"type": "layers", "diff_ids": ["sha256:" + h.hexdigest()]}}
with open(os.path.join(work, "config.json"), "w") as f:
    json.dump(config, f)
with open(os.path.join(work, "manifest.json"), "w") as f:
    json.dump([{"Config": "config.json", "RepoTags": ["modelops-test/jre17:bookworm"], "Layers": ["layer.tar"]}], f)
with tarfile.open(os.path.join(work, "image.tar"), "w") as t:
    for name in ("manifest.json", "config.json", "layer.tar"):
        t.add(os.path.join(work, name), arcname=name)
PY
mv "$work/image.tar" "$out"
echo "$out"
