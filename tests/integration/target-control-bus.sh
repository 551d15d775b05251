#!/bin/sh
# itn-targetd's control API on the system bus: the test starts its own
# dbus-daemon (system bus configuration, our policy file
# data/org.itnexus.Target1.conf included, DBUS_SYSTEM_BUS_ADDRESS pointing at
# it), starts itn-targetd from flags, and checks that the daemon owns
# org.itnexus.Target1 there, answers the same methods as on its socket, and
# maps its errors to org.itnexus.Target1.Error.* names.
. "$top_srcdir/tests/lib/common.sh"

need_cmd dbus-daemon gdbus ss
need_root
TARGETD=$top_builddir/target/itn-targetd
[ -x "$TARGETD" ] || bail "itn-targetd is not built ($TARGETD)"

T1=iqn.2026-01.org.example:bus-one
port=$(free_port)
bus=$ITN_TMP/system_bus_socket
cat > "$ITN_TMP/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <allow send_destination="org.freedesktop.DBus"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
  <include>$top_srcdir/data/org.itnexus.Target1.conf</include>
</busconfig>
CONF
spawn dbus dbus-daemon --nofork --nopidfile --config-file="$ITN_TMP/bus.conf"
i=0; while [ ! -S "$bus" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$bus" ] || bail "dbus-daemon did not start (see $ITN_TMP/dbus.log)"
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$bus
export DBUS_SYSTEM_BUS_ADDRESS

spawn targetd "$TARGETD" -f --listen "127.0.0.1:$port" --target "$T1" --lun mem:8M \
	--control "$ITN_TMP/control.sock"
wait_port "$port" 10 || bail "itn-targetd did not listen on $port"

busctl_call() {
	gdbus call --system --dest org.itnexus.Target1 --object-path /org/itnexus/Target1 \
		--method "org.itnexus.Target1.$@"
}
owned=""
i=0
while [ $i -lt 50 ]; do
	owned=$(gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
		--method org.freedesktop.DBus.NameHasOwner org.itnexus.Target1 2> /dev/null)
	[ "$owned" = "(true,)" ] && break
	sleep 0.1; i=$((i + 1))
done
check "itn-targetd owns org.itnexus.Target1 on the system bus" test "$owned" = "(true,)"
out=$(busctl_call ListTargets 2>&1)
check "ListTargets over the bus names the target" sh -c "printf '%s' \"\$1\" | grep -q '$T1'" - "$out"
out=$(busctl_call AddLun "$T1" mem:4M -- -1 '{}' 2>&1)
check "AddLun over the bus returns the LUN number" test "$out" = "(uint32 1,)"
out=$(busctl_call ListLuns "$T1" 2>&1)
check "the new LUN is listed" sh -c "printf '%s' \"\$1\" | grep -q 'mem:4M'" - "$out"
out=$(busctl_call RemoveTarget iqn.2026-01.org.example:nothing 2>&1)
check "errors arrive as org.itnexus.Target1.Error.NotFound" \
	sh -c "printf '%s' \"\$1\" | grep -q 'org.itnexus.Target1.Error.NotFound'" - "$out"
out=$(busctl_call AddAccount "$T1" chap u short 2>&1)
check "an invalid secret: Error.Invalid, without the secret" \
	sh -c "printf '%s' \"\$1\" | grep -q 'Error.Invalid' && ! printf '%s' \"\$1\" | grep -q 'short:'" - "$out"
check "the control socket serves at the same time" test -S "$ITN_TMP/control.sock"
done_testing
