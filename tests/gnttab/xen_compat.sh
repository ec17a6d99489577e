#!/usr/bin/env bash
# tests/xen/xen_compat.sh for gnttest (that script is private to its package): found through this
# script's own symlink into the source tree, as it finds Xen's cache.
top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
exec bash "$top/tests/xen/xen_compat.sh" "$@"
