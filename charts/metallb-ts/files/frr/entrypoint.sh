#!/bin/sh
# Entry point of the FRR sidecar: installs the bootstrap config, starts the daemons of the daemons file
# under watchfrr, and keeps running until SIGTERM/SIGINT, when it stops FRR.
#
#   entrypoint.sh [PATHSPACE]
#
# FRR_SOURCE_DIR (default: the folder of this script) holds daemons, vtysh.conf and frr.conf.
# With a PATHSPACE, FRR runs as /etc/frr/<PATHSPACE> (sockets in /var/run/frr/<PATHSPACE>), so several
# instances can share a host (the lab runs one per network namespace).
set -eu

src="${FRR_SOURCE_DIR:-$(cd "$(dirname "$0")" && pwd)}"
ps="${1:-}"
etc="/etc/frr${ps:+/$ps}"
run="/var/run/frr${ps:+/$ps}"

mkdir -p "$etc" "$run"
cp "$src/daemons" "$src/vtysh.conf" "$etc/"
# Always boot from the small bootstrap: the speaker notices the restart and pushes its configuration.
cp "$src/frr.conf" "$etc/frr.conf"
if [ -n "$ps" ]; then
	# watchfrr must enter the caller's network namespace for a named instance.
	echo 'watchfrr_options="--netns"' >>"$etc/daemons"
fi
chown -R frr:frr "$etc" "$run"
chmod 0640 "$etc/frr.conf" "$etc/daemons"

stop() {
	/usr/lib/frr/frrinit.sh stop $ps || true
	exit 0
}
trap stop TERM INT

/usr/lib/frr/frrinit.sh start $ps
while :; do
	sleep 3600 &
	wait $! || true
done
