#!/bin/sh
# A Debian 12 base image made from Debian's own packages, for machines that reach Debian's mirror but
# no image registry:  sudo deploy/make-base.sh [TAG] [MIRROR]   then build with --build-arg BASE=TAG.
set -eu
TAG=${1:-localhost/debian:bookworm-debootstrap}
MIRROR=${2:-http://deb.debian.org/debian}
ROOTFS=$(mktemp -d /var/tmp/debootstrap.XXXXXX)
trap 'rm -rf "$ROOTFS"' EXIT
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR"
tar -C "$ROOTFS" -c . | podman import - "$TAG"
echo "base image: $TAG"
