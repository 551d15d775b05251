#!/bin/sh
# itn-initiatord -c initiator.xml: a node record with auto-connect and a
# 0600 CHAP secrets file logs in at start; editing a record through the
# control API rewrites the file; a discovery adds records for new targets
# and leaves what the user set alone; a broken file is refused with
# file:line.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/initiator-tgtd-lib.sh"

need_initiatord

plan 9
tgtd_start
truncate -s 16M "$ITN_TMP/disk.img"
tgtd_add_lun 1 "$ITN_TMP/disk.img"
tgtd_chap alice secretsecret12
# A second target that only discovery will find.
tgtadm -C "$TGT_CTL" --lld iscsi --op new --mode target --tid 2 -T "$TGT_IQN-other" &&
	tgtadm -C "$TGT_CTL" --lld iscsi --op bind --mode target --tid 2 -I ALL || bail "second target"

printf 'username = alice\npassword = secretsecret12\n' > "$ITN_TMP/alice.secrets"
chmod 600 "$ITN_TMP/alice.secrets"
CONF=$ITN_TMP/initiator.xml
cat > "$CONF" << XML
<?xml version="1.0"?>
<initiator>
  <node target="$TGT_IQN" portal="127.0.0.1:$TGT_PORT" auto-connect="yes" connections="1" sessions="1"
        secrets="$ITN_TMP/alice.secrets"/>
</initiator>
XML
MNT=$ITN_TMP/mnt
CTL=$ITN_TMP/ctl.sock
mkdir -p "$MNT"
at_exit "umount -l '$MNT'"
spawn initiatord "$DAEMON" -f -c "$CONF" --mount "$MNT" --control "$CTL"
i=0
while [ ! -e "$MNT/$TGT_IQN/lun1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "auto-connect from initiator.xml (CHAP from the secrets file)" [ -f "$MNT/$TGT_IQN/lun1" ]

out=$(timeout 30 "$ITNCTL" --json session nodes --control "$CTL")
case $out in *'"auto_connect":true,"connections":1,"sessions":1,"chap":true,"origin":"user"'*) ok "session nodes shows the record" ;;
	*) diag "$out"; not_ok "session nodes shows the record" ;; esac

timeout 30 "$ITNCTL" session set-node "$TGT_IQN" connections 2 --control "$CTL"
check "set-node succeeds" [ $? -eq 0 ]
check "and rewrites the file" grep -q 'connections="2"' "$CONF"

timeout 60 "$ITNCTL" session discover "iscsi://127.0.0.1:$TGT_PORT" --control "$CTL" > "$ITN_TMP/disc"
check "discovery through the daemon finds both targets" grep -q "$TGT_IQN-other" "$ITN_TMP/disc"
grep -q "target=\"$TGT_IQN-other\".*auto-connect=\"no\".*origin=\"discovery\"" "$CONF"
check "the new target became a record (auto-connect off, origin discovery)" [ $? -eq 0 ]
grep -q "target=\"$TGT_IQN\" portal=\"127.0.0.1:$TGT_PORT\" auto-connect=\"yes\" connections=\"2\"" "$CONF"
check "the user's record kept its settings" [ $? -eq 0 ]
case $(cat "$CONF") in *secretsecret12*) not_ok "no secret in initiator.xml" ;; *) ok "no secret in initiator.xml" ;; esac

printf '<initiator>\n  <node portal="x"/>\n</initiator>\n' > "$ITN_TMP/bad.xml"
out=$(timeout 10 "$DAEMON" -f -c "$ITN_TMP/bad.xml" --control "$ITN_TMP/bad.sock" 2>&1)
case $out in *"bad.xml:2:"*target*) ok "a broken file is refused with file:line" ;; *) diag "$out"; not_ok "a broken file is refused with file:line" ;; esac
done_testing
