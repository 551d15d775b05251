# Two hosts for mDNS/DNS-SD tests: network namespaces A (192.0.2.1) and B
# (192.0.2.2) joined by a veth pair, each with a private /run (a mount
# namespace), its own dbus-daemon (system bus config) and its own
# avahi-daemon.  RFC 6762 multicast needs a real link between the hosts;
# the private /run gives each the compile-time paths of dbus and avahi.
#
# Source after tests/lib/common.sh, then call mdns_netns_create.  It sets
# nsa_pid, nsb_pid, BUS and the helpers in_a, in_b, start_bus,
# start_avahi.  Everything it makes goes at exit.

BUS=unix:path=/run/dbus/system_bus_socket

in_a() { nsenter -t "$nsa_pid" -n -m "$@"; }
in_b() { nsenter -t "$nsb_pid" -n -m "$@"; }

# start_bus a|b PID: a dbus-daemon in that host, waited for.
start_bus() {
	spawn "bus$1" nsenter -t "$2" -n -m dbus-daemon --config-file="$ITN_TMP/bus.conf" --nofork --nopidfile
	_i=0
	while ! nsenter -t "$2" -m test -S /run/dbus/system_bus_socket && [ $_i -lt 50 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	nsenter -t "$2" -m test -S /run/dbus/system_bus_socket || bail "dbus-daemon in host $1 did not start"
}

# start_avahi NAME PID CONF: avahi-daemon in that host (CONF is avahi-a or
# avahi-b), waited for.
start_avahi() {
	spawn "$1" nsenter -t "$2" -n -m env DBUS_SYSTEM_BUS_ADDRESS=$BUS \
		avahi-daemon --no-drop-root --no-chroot --no-rlimits -f "$ITN_TMP/$3.conf"
	wait_log "$1" "Server startup complete" 10 || bail "avahi-daemon ($1) did not start"
}

# mdns_netns_create: the two hosts, their link and the config files; no
# daemon runs yet.
mdns_netns_create() {
	need_root
	need_cmd ip unshare nsenter dbus-daemon avahi-daemon
	_va=im$$a; _vb=im$$b
	spawn nsa unshare --net --mount --propagation private sleep 600
	spawn nsb unshare --net --mount --propagation private sleep 600
	at_exit "ip link del $_va"
	sleep 0.3
	kill -0 "$nsa_pid" && kill -0 "$nsb_pid" || bail "unshare could not create namespaces"
	ip link add "$_va" type veth peer name "$_vb" || bail "cannot create a veth pair"
	ip link set "$_va" netns "$nsa_pid" && ip link set "$_vb" netns "$nsb_pid" ||
		bail "cannot move the veth ends"
	for _h in a b; do
		if [ $_h = a ]; then _pid=$nsa_pid; _dev=$_va; _n=1; else _pid=$nsb_pid; _dev=$_vb; _n=2; fi
		nsenter -t "$_pid" -n -m sh -e -c "
			ip link set $_dev name veth0
			ip addr add 192.0.2.$_n/24 dev veth0
			ip link set lo up
			ip link set veth0 up
			mount -t tmpfs tmpfs /run
			mkdir -p /run/dbus /run/avahi-daemon" || bail "cannot set up host $_h"
	done

	cat > "$ITN_TMP/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>$BUS</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
	for _h in a b; do
		cat > "$ITN_TMP/avahi-$_h.conf" <<EOF
[server]
host-name=itn-mdns-$_h
use-ipv4=yes
use-ipv6=no
allow-interfaces=veth0
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-workstation=no
publish-hinfo=no
EOF
	done
}
