#!/usr/bin/env bash
# Lab store figures: `node ls` on a lab of 1,000 nodes and 200 images (wall
# time, median of 10, and peak RSS from GNU time), and node create time
# per node over 100 creates beside a bare `qemu-img create` of the same
# overlay. Images and nodes are made through the CLI, as a user would.
source "$(dirname "$0")/../lib.sh"

S=$SANDLAB
W="$T/w"
mkdir -p "${W:?}"
ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

qemu-img create -q -f qcow2 "$W/base.qcow2" 64M
t0=$(ms)
for i in $(seq 1 200); do
	cp "$W/base.qcow2" "$W/img$i.qcow2"
	"$S" image import "$W/img$i.qcow2" >/dev/null 2>&1
	rm -f "$W/img$i.qcow2"
done
t1=$(ms)
echo "import: 200 images of 64 MiB (qcow2, empty): $(( (t1 - t0) / 200 )) ms per import"

# 100 creates, timed one by one.
for i in $(seq 1 100); do
	a=$(ms); "$S" node create "c$i" --image img$(( i % 200 + 1 )) >/dev/null; b=$(ms)
	echo $((b - a))
done >"$W/create.ms"
for i in $(seq 1 100); do
	a=$(ms); qemu-img create -q -f qcow2 -b "$T/lab/images/img1.qcow2" -F qcow2 "$W/bare$i.qcow2"; b=$(ms)
	echo $((b - a))
done >"$W/bare.ms"
echo "node create: median $(median <"$W/create.ms") ms per node (overlay + row), bare qemu-img create: median $(median <"$W/bare.ms") ms (100 each)"

for i in $(seq 101 1000); do
	"$S" node create "c$i" --image img$(( i % 200 + 1 )) >/dev/null
done
echo "lab: $(sqlite3 "$T/lab/lab.db" 'SELECT count(*) FROM nodes') nodes, $(sqlite3 "$T/lab/lab.db" 'SELECT count(*) FROM images') images"
for i in $(seq 1 10); do
	a=$(ms); "$S" node ls >/dev/null; b=$(ms)
	echo $((b - a))
done >"$W/ls.ms"
/usr/bin/time -f '%M' -o "$W/rss" "$S" node ls >/dev/null
echo "node ls (1,000 nodes, 200 images): median $(median <"$W/ls.ms") ms wall over 10 runs, peak RSS $(cat "$W/rss") KiB"
/usr/bin/time -f '%M' -o "$W/rss" "$S" node ls --json >/dev/null
a=$(ms); "$S" node ls --json >/dev/null; b=$(ms)
echo "node ls --json: $((b - a)) ms, peak RSS $(cat "$W/rss") KiB"
/usr/bin/time -f '%M' -o "$W/rss" "$S" image ls >/dev/null
echo "image ls (200 images): peak RSS $(cat "$W/rss") KiB"
