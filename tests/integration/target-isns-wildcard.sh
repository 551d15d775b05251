#!/bin/sh
# itn-targetd listening on 0.0.0.0 registers its real addresses in iSNS,
# not loopback: two network namespaces joined by a veth pair, itn-isnsd
# on 192.0.2.1 in one, itn-targetd --listen 0.0.0.0:3260 in the other
# with 192.0.2.2 and 192.0.2.66 on its veth end.  The iSNS server must
# list both as portals, no loopback, and first the address the target
# reaches it from.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/target-lib.sh"
ISNSD_BIN=$top_builddir/isnsd/itn-isnsd
ITNCTL=$top_builddir/cli/itnctl
[ -x "$ISNSD_BIN" ] && [ -x "$ITNCTL" ] || bail "itn-isnsd or itnctl not built"
need_root
need_cmd ip

plan 6
# Names unique to this run (interface names have at most 15 bytes).
NS_S=itn-isw-s-$$
NS_T=itn-isw-t-$$
VS=isws$$
VT=iswt$$
at_exit "ip netns del $NS_S"
at_exit "ip netns del $NS_T"
ip netns add "$NS_S" || bail "cannot create network namespace $NS_S"
ip netns add "$NS_T" || bail "cannot create network namespace $NS_T"
ip link add "$VS" type veth peer name "$VT" || bail "cannot create veth pair"
ip link set "$VS" netns "$NS_S" && ip link set "$VT" netns "$NS_T" || bail "cannot move the veth ends"
ip -n "$NS_S" link set lo up
ip -n "$NS_T" link set lo up
ip -n "$NS_S" addr add 192.0.2.1/24 dev "$VS" && ip -n "$NS_S" link set "$VS" up || bail "cannot configure $VS"
ip -n "$NS_T" addr add 192.0.2.2/24 dev "$VT" && ip -n "$NS_T" link set "$VT" up || bail "cannot configure $VT"
# A secondary address, made the source toward the subnet: the address the
# target reaches the iSNS server from (192.0.2.66) is then not the first
# one the interface lists (192.0.2.2).
ip -n "$NS_T" addr add 192.0.2.66/24 dev "$VT" || bail "cannot add a second address to $VT"
ip -n "$NS_T" route replace 192.0.2.0/24 dev "$VT" src 192.0.2.66 || bail "cannot set the source address"

CTL=iqn.2026-01.org.itnexus.test:isns-admin
# `ip netns exec` execs the command in place: the PID spawn records is the
# daemon's.
spawn srv ip netns exec "$NS_S" "$ISNSD_BIN" -f --listen 192.0.2.1:3205 --db "$ITN_TMP/db" --control-node $CTL
spawn tgt ip netns exec "$NS_T" "$TARGETD" -f -v --listen 0.0.0.0:3260 --control "$ITN_TMP/tgt.sock" \
	--target "$TGT_IQN" --lun mem:8M --isns 192.0.2.1:3205

query() {
	ip netns exec "$NS_S" "$ITNCTL" --json isns --server 192.0.2.1:3205 --source $CTL query "iscsi-name=$TGT_IQN"
}
found=1
for _ in $(seq 1 100); do
	query > "$ITN_TMP/q.json" 2>&1
	grep -q '"portal-ip","value":"192.0.2.2"' "$ITN_TMP/q.json" && { found=0; break; }
	sleep 0.2
done
sed 's/^/# /' "$ITN_TMP/q.json"
[ $found -eq 0 ] || sed 's/^/# /' "$ITN_TMP/tgt.log"
check "the target registered its veth address 192.0.2.2 within 20 s" [ $found -eq 0 ]
check "and its second address 192.0.2.66" grep -q '"portal-ip","value":"192.0.2.66"' "$ITN_TMP/q.json"
check "with the listening port" grep -q '"portal-port","value":"3260/tcp"' "$ITN_TMP/q.json"
check "and no loopback portal" sh -c "! grep -q '127.0.0.1\|::1\"' '$ITN_TMP/q.json'"
# The portal group objects follow the portal order: the address toward
# the iSNS server first.
first_pg=$(tr '{' '\n' < "$ITN_TMP/q.json" | grep -o '"pg-portal-ip","value":"[0-9.]*"' | head -n 1)
diag "first portal group address: $first_pg"
check "the address toward the iSNS server comes first" [ "$first_pg" = '"pg-portal-ip","value":"192.0.2.66"' ]
check "both daemons still running" kill -0 "$srv_pid" "$tgt_pid"
done_testing
