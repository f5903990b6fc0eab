#!/usr/bin/env bash
# Image import figures: a 1 TiB sparse raw file holding 64 MiB of data,
# and a dense 1 GiB qcow2, each imported by sandlab beside
# `cp --sparse=always` and `qemu-img convert` of the same file, in one run;
# then a dense 1 GiB vmdk (monolithicSparse and streamOptimized), which
# sandlab copies, checks and converts to qcow2, beside a bare
# `qemu-img convert -O qcow2` of the same file.
# Wall times in ms. The sparse import reads only the data extents
# (SEEK_DATA/SEEK_HOLE), so its time follows the 64 MiB, not the 1 TiB;
# each sandlab figure includes its `qemu-img info`/`check` runs.
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
W="$T/w"
mkdir -p "${W:?}"
ms() { date +%s%N | cut -c1-13; }
timed() { # LABEL CMD...: runs CMD, prints LABEL and its wall time
	local label=$1 a b
	shift
	a=$(ms)
	"$@" >/dev/null 2>&1
	b=$(ms)
	printf '  %-26s %6d ms\n' "$label" $((b - a))
}

# 1 TiB, 64 MiB of random data in 8 extents spread over it.
truncate -s 1T "$W/sparse.raw"
for i in 0 1 2 3 4 5 6 7; do
	dd if=/dev/urandom of="$W/sparse.raw" bs=1M count=8 seek=$((i * 131072)) conv=notrunc status=none
done
echo "sparse raw: 1 TiB virtual, $(du -m "$W/sparse.raw" | cut -f1) MiB allocated"
timed "sandlab image import" "$S" image import "$W/sparse.raw" --name sparse
timed "cp --sparse=always" cp --sparse=always "$W/sparse.raw" "$W/sparse.cp"
timed "qemu-img convert (raw)" qemu-img convert -f raw -O raw "$W/sparse.raw" "$W/sparse.conv"
rm -f "$W/sparse.raw" "$W/sparse.cp" "$W/sparse.conv"
"$S" image rm sparse >/dev/null

# 1 GiB of random data as qcow2: every cluster allocated.
dd if=/dev/urandom of="$W/dense.raw" bs=1M count=1024 status=none
qemu-img convert -f raw -O qcow2 "$W/dense.raw" "$W/dense.qcow2"
rm -f "$W/dense.raw"
echo "dense qcow2: 1 GiB virtual, $(du -m "$W/dense.qcow2" | cut -f1) MiB allocated"
timed "sandlab image import" "$S" image import "$W/dense.qcow2" --name dense
timed "cp --sparse=always" cp --sparse=always "$W/dense.qcow2" "$W/dense.cp"
timed "qemu-img convert (qcow2)" qemu-img convert -f qcow2 -O qcow2 "$W/dense.qcow2" "$W/dense.conv"
rm -f "$W/dense.cp" "$W/dense.conv"
"$S" image rm dense >/dev/null

# The same 1 GiB as vmdk: import = checks + copy + qemu-img convert.
for sub in monolithicSparse streamOptimized; do
	qemu-img convert -f qcow2 -O vmdk -o subformat=$sub "$W/dense.qcow2" "$W/dense-$sub.vmdk"
	echo "dense vmdk ($sub): 1 GiB virtual, $(du -m "$W/dense-$sub.vmdk" | cut -f1) MiB allocated"
	timed "sandlab image import" "$S" image import "$W/dense-$sub.vmdk" --name "dense-$sub"
	timed "qemu-img convert (vmdk)" qemu-img convert -f vmdk -O qcow2 "$W/dense-$sub.vmdk" "$W/dense-$sub.conv"
	rm -f "$W/dense-$sub.vmdk" "$W/dense-$sub.conv"
	"$S" image rm "dense-$sub" >/dev/null
done
