#!/usr/bin/env bash
# Installs what building, running and testing ModelOps needs on a fresh Debian machine, and nothing twice.
#   scripts/install-deps.sh          # build + run: a JDK 17 and libgomp1 (XGBoost's native library needs it)
#   scripts/install-deps.sh --test   # also what the tests start on 127.0.0.1: prometheus (serving tests)
set -euo pipefail

packages=()
command -v javac >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
ldconfig -p 2>/dev/null | grep -q 'libgomp\.so\.1' || packages+=(libgomp1)
command -v curl >/dev/null 2>&1 || packages+=(curl)
command -v unzip >/dev/null 2>&1 || packages+=(unzip)
if [[ ${1:-} == --test ]]; then
  command -v prometheus >/dev/null 2>&1 || packages+=(prometheus)
  command -v promtool >/dev/null 2>&1 || packages+=(prometheus)
fi

if ((${#packages[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "Installing: ${packages[*]}" >&2
  $sudo apt-get update -qq
  # Debian's policy-rc.d keeps services from starting: tests start their own on 127.0.0.1.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
