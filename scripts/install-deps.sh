#!/usr/bin/env bash
# Installs what building, running and testing ModelOps needs on a fresh Debian machine (12 or 13), and nothing twice.
#   scripts/install-deps.sh          # build + run: a JDK 17 or later and libgomp1 (XGBoost's native library needs it)
#   scripts/install-deps.sh --test   # also what the tests start on 127.0.0.1: prometheus (serving tests), an OCI
#                                    # registry and a Docker engine (deploy tests), debootstrap (their JRE base image),
#                                    # prometheus-alertmanager and its amtool (alert routes), chromium and
#                                    # chromium-driver (the health page's browser tests, through Selenium)
# As root it installs directly, otherwise with sudo; a user with neither is told the command to have run as root.
set -euo pipefail

min_jdk=17
# The first of these that the release's apt sources offer: Debian 12 has 17, Debian 13 has 21 (and perhaps not 17).
jdk_candidates=(openjdk-17-jdk-headless openjdk-21-jdk-headless openjdk-25-jdk-headless)

# The feature release (8, 11, 17, 21...) of a `java -version` or `javac -version` output, 0 if there is none.
feature_release() {
  local v
  v=$(sed -nE 's/^(javac|[a-z]+ version) "?([0-9][0-9._]*).*/\2/p' <<<"$1" | head -n1)
  [[ $v == 1.* ]] && v=${v#1.} # 1.8.0_392 is Java 8
  v=${v%%[._]*}
  echo "${v:-0}"
}

# Why the JDK on PATH will not do, or nothing when it will (javac builds, java runs: both must be new enough).
jdk_problem() {
  local tool out release
  for tool in javac java; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "no $tool on PATH"
      return
    fi
    out=$("$tool" -version 2>&1 || true)
    release=$(feature_release "$out")
    if ((release < min_jdk)); then
      echo "$(command -v "$tool") is Java ${release/#0/of unknown version}, older than the Java $min_jdk ModelOps needs"
      return
    fi
  done
}

# ldconfig lives in /sbin (/usr/sbin), which is not on a normal user's PATH.
has_library() {
  local ldconfig cache candidate
  ldconfig=$(command -v ldconfig || true)
  for candidate in /sbin/ldconfig /usr/sbin/ldconfig; do
    [[ -n $ldconfig ]] || { [[ -x $candidate ]] && ldconfig=$candidate; }
  done
  if [[ -n $ldconfig ]]; then
    cache=$("$ldconfig" -p 2>/dev/null || true) # captured, not piped: grep -q would end ldconfig with SIGPIPE
    grep -q "$1" <<<"$cache"
  else
    compgen -G "/usr/lib/*/$1" >/dev/null || compgen -G "/lib/*/$1" >/dev/null
  fi
}

# The first JDK package the apt sources offer, or the one this Debian release is known to have.
jdk_package() {
  local package candidate codename
  for package in "${jdk_candidates[@]}"; do
    candidate=$(apt-cache policy "$package" 2>/dev/null | sed -nE 's/^ *Candidate: *//p')
    if [[ -n $candidate && $candidate != "(none)" ]]; then
      echo "$package"
      return
    fi
  done
  codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  case $codename in
    trixie) echo openjdk-21-jdk-headless ;;
    *) echo openjdk-17-jdk-headless ;;
  esac
}

jdk_missing=$(jdk_problem)
if [[ -n ${JAVA_HOME:-} ]]; then # ./mvnw builds with JAVA_HOME's JDK, not PATH's
  home_release=$(feature_release "$("$JAVA_HOME/bin/java" -version 2>&1 || true)")
  ((home_release >= min_jdk)) || echo "JAVA_HOME=$JAVA_HOME is not a JDK $min_jdk or later, and ./mvnw builds" \
    "with it: unset JAVA_HOME or point it at a newer JDK." >&2
fi
packages=()
has_library 'libgomp\.so\.1' || packages+=(libgomp1)
command -v curl >/dev/null 2>&1 || packages+=(curl)
command -v unzip >/dev/null 2>&1 || packages+=(unzip)
if [[ ${1:-} == --test ]]; then
  { command -v prometheus && command -v promtool; } >/dev/null 2>&1 || packages+=(prometheus)
  { command -v prometheus-alertmanager && command -v amtool; } >/dev/null 2>&1 || packages+=(prometheus-alertmanager)
  command -v prometheus-pushgateway >/dev/null 2>&1 || packages+=(prometheus-pushgateway)
  command -v docker-registry >/dev/null 2>&1 || packages+=(docker-registry)
  command -v dockerd >/dev/null 2>&1 || packages+=(docker.io)
  { command -v debootstrap || [[ -x /usr/sbin/debootstrap ]]; } >/dev/null 2>&1 || packages+=(debootstrap)
  command -v chromium >/dev/null 2>&1 || packages+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || packages+=(chromium-driver)
fi
[[ -n $jdk_missing ]] && echo "JDK: $jdk_missing." >&2
if [[ -z $jdk_missing ]] && ((${#packages[@]} == 0)); then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get: this script knows Debian only. Install yourself: a JDK $min_jdk or later${packages[*]:+, and}" \
    "${packages[*]}" >&2
  exit 1
fi
if [[ $(id -u) -eq 0 ]]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  [[ -n $jdk_missing ]] && packages=("$(jdk_package)" "${packages[@]}")
  echo "Missing: ${packages[*]}. This user is not root and there is no sudo: as root, run" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${packages[*]}" >&2
  echo "then run $0 again." >&2
  exit 1
fi

$sudo apt-get update -qq
[[ -n $jdk_missing ]] && packages=("$(jdk_package)" "${packages[@]}")
echo "Installing: ${packages[*]}" >&2
# Debian's policy-rc.d keeps services from starting: tests start their own on 127.0.0.1.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

if [[ -n $jdk_missing ]]; then
  hash -r
  if jdk_missing=$(jdk_problem) && [[ -n $jdk_missing ]]; then
    jvm=/usr/lib/jvm/java-$(sed -E 's/^openjdk-([0-9]+).*/\1/' <<<"${packages[0]}")-openjdk-$(dpkg --print-architecture)
    echo "JDK: installed ${packages[0]}, but $jdk_missing. Use the new one: as root," \
      "'update-alternatives --set java $jvm/bin/java' and '--set javac $jvm/bin/javac'," \
      "or export JAVA_HOME=$jvm PATH=$jvm/bin:\$PATH" >&2
    exit 1
  fi
fi
