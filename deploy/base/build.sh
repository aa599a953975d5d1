#!/bin/sh
# Build the local base images for a machine without an image registry (docs/deployment.md):
#   egov-base:bookworm     a minimal Debian bookworm root file system (debootstrap), imported
#   egov-python:3.11       + Debian's python3.11 (stands in for python:3.11-slim)
#   egov-postgres:15       + Debian's postgresql-15 (stands in for postgres:16)
# Needs root, debootstrap and a Debian mirror. An image already present is kept (--force rebuilds).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
force=${1:-}
have() { [ "$force" != --force ] && docker image inspect "$1" >/dev/null 2>&1; }

if ! have egov-base:bookworm; then
    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
    # apt's caches and lists are not needed in an image; the derived images fetch fresh lists.
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -c . | docker import - egov-base:bookworm >/dev/null
    echo "built egov-base:bookworm"
fi
for name in python:egov-python:3.11 postgres:egov-postgres:15; do
    file=${name%%:*}
    tag=${name#*:}
    if ! have "$tag"; then
        docker build --network host -q -t "$tag" -f "$here/$file.Dockerfile" "$here" >/dev/null
        echo "built $tag"
    fi
done
