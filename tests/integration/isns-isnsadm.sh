#!/bin/sh
# open-isns's isnsadm against itn-isnsd, and the same sequence against
# open-isns's own isnsd: register a target (portal, portal group) and an
# initiator, a control node builds a discovery domain over TCP, the
# initiator sees the target (query and DevGetNext), loses it when it leaves
# the domain, and deregistration removes the entity.  Both servers must give
# the same answers (indexes and timestamps aside).
. "$top_srcdir/tests/lib/common.sh"
need_cmd isnsadm isnsd
ISNSD_BIN=$top_builddir/isnsd/itn-isnsd
[ -x "$ISNSD_BIN" ] || bail "itn-isnsd not built"

TGT=iqn.2024-01.test.lab:tgt1
INI=iqn.2024-01.test.lab:ini1
CTL=iqn.2024-01.test.lab:admin

client_confs() { # DIR PORT
	for who in tgt:$TGT ini:$INI ctl:$CTL; do
		f=$1/${who%%:*}.conf
		printf 'SourceName = %s\nServerAddress = 127.0.0.1:%s\nSecurity = 0\n' "${who#*:}" "$2" > "$f"
	done
	echo "BindAddress = 127.0.0.2" >> "$1/ini.conf"
}

# The sequence; every command's output goes to DIR/NN.out.
run_sequence() { # DIR
	d=$1; n=0
	step() { n=$((n + 1)); isnsadm "$@" > "$d/$(printf %02d $n).out" 2>&1; echo "rc=$?" >> "$d/$(printf %02d $n).out"; }
	step -c "$d/tgt.conf" --register entity=tgt-entity-1 target=$TGT,alias=disk1 portal=127.0.0.1:3260/tcp pg,pgt=1
	step -c "$d/ini.conf" --register initiator portal=127.0.0.2:860/tcp
	step -c "$d/ini.conf" --query iscsi-node-type=target
	step -c "$d/ctl.conf" --dd-register dd-name=lab-dd member-name=$TGT member-name=$INI
	step -c "$d/ini.conf" --query iscsi-node-type=target
	step -c "$d/ini.conf" --list nodes
	step -c "$d/ctl.conf" --dd-deregister 1 member-name=$INI
	step -c "$d/ini.conf" --query iscsi-node-type=target
	step -c "$d/tgt.conf" --deregister eid=tgt-entity-1
	step -c "$d/ini.conf" --list entities
	step -c "$d/ini.conf" --query eid=tgt-entity-1
}

# What both must agree on: drop server-chosen values.  DevGetNext walks
# (steps 06 and 10) may visit objects in another order (open-isns sorts by
# key, we by index; RFC 4171 sec. 5.6.5.3 leaves the order to the server).
normalize() {
	case $1 in
	*/06.out|*/10.out) grep -v -E 'index|Timestamp|Registration Period|DD features|^Object' "$1" | sort ;;
	*) grep -v -E 'index|Timestamp|Registration Period|DD features' "$1" ;;
	esac
}

plan 14

# --- ours
OURS=$ITN_TMP/ours; mkdir -p "$OURS"
P1=$(free_port)
client_confs "$OURS" "$P1"
spawn itnisnsd "$ISNSD_BIN" -f --listen 127.0.0.1:$P1 --db "$OURS/db" --control-node $CTL \
	--no-default-dd --registration-period 7200
wait_port "$P1" 10 || bail "itn-isnsd did not listen on $P1"
run_sequence "$OURS"

# --- open-isns
THEIRS=$ITN_TMP/theirs; mkdir -p "$THEIRS"
P2=$(free_port)
client_confs "$THEIRS" "$P2"
cat > "$THEIRS/isnsd.conf" <<CONF
SourceName = iqn.2024-01.test.lab:isnsd
Database = $THEIRS/db
BindAddress = 127.0.0.1:$P2
PIDFile = $THEIRS/isnsd.pid
ControlSocket = $THEIRS/isnsctl
RegistrationPeriod = 2h
DefaultDiscoveryDomain = 0
SLPRegister = 0
Security = 0
CONF
spawn openisnsd isnsd -4 -c "$THEIRS/isnsd.conf" -f
wait_port "$P2" 10 || bail "open-isns isnsd did not listen on $P2"
run_sequence "$THEIRS"

o() { cat "$OURS/$1.out"; }
check "target registers with portal and portal group" grep -q 'Successfully registered' "$OURS/01.out"
check "initiator registers" grep -q 'Successfully registered' "$OURS/02.out"
check "without a shared DD the initiator sees no target" grep -q 'Object list empty' "$OURS/03.out"
check "control node creates the DD over TCP" grep -q 'DD name = "lab-dd"' "$OURS/04.out"
check "initiator's query shows the target" grep -q "iSCSI name = \"$TGT\"" "$OURS/05.out"
check "... with its portal group tag" grep -q 'Portal group tag = 1' "$OURS/05.out"
check "DevGetNext lists the target" grep -q "iSCSI name = \"$TGT\"" "$OURS/06.out"
check "after leaving the DD the target is gone" grep -q 'Object list empty' "$OURS/08.out"
check "deregistration succeeds" grep -q 'rc=0' "$OURS/09.out"
if grep -q 'tgt-entity-1' "$OURS/10.out" "$OURS/11.out"; then not_ok "deregistration removed the entity"; else ok "deregistration removed the entity"; fi

same=0; differ=""
for f in "$OURS"/*.out; do
	b=$(basename "$f")
	if normalize "$f" > "$ITN_TMP/a" && normalize "$THEIRS/$b" > "$ITN_TMP/b" && cmp -s "$ITN_TMP/a" "$ITN_TMP/b"; then
		same=$((same + 1))
	else
		differ="$differ $b"
		diag "differs from open-isns: $b"
		diff -u "$ITN_TMP/b" "$ITN_TMP/a" | sed 's/^/# /'
	fi
done
check "all 11 steps answer as open-isns does (differ:${differ:- none})" [ "$same" -eq 11 ]
check "open-isns saw the target too (sanity of the comparison)" grep -q "iSCSI name = \"$TGT\"" "$THEIRS/05.out"
check "itn-isnsd still running" kill -0 "$itnisnsd_pid"
check "open-isns still running" kill -0 "$openisnsd_pid"
done_testing
