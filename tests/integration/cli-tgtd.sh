#!/bin/sh
# itnctl's initiator commands against tgtd with CHAP (MD5): discover,
# inquiry, readcap, write + read of 16 MiB at an offset (checked against
# tgtd's backing file), and a wrong secret failing with a message that
# names authentication.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/initiator-tgtd-lib.sh"

ITNCTL=$top_builddir/cli/itnctl
[ -x "$ITNCTL" ] || bail "itnctl not built"

plan 16
tgtd_start
truncate -s 64M "$ITN_TMP/disk.img"
tgtd_add_lun 1 "$ITN_TMP/disk.img"
tgtd_chap alice secretsecret12
PORTAL=iscsi://alice%secretsecret12@127.0.0.1:$TGT_PORT
URL=$PORTAL/$TGT_IQN/1
export ITN_CHAP_USERNAME= ITN_CHAP_PASSWORD=

out=$(timeout 30 "$ITNCTL" discover "$PORTAL" 2>&1)
check "discover exits 0" [ $? -eq 0 ]
case $out in *"$TGT_IQN"*"127.0.0.1:$TGT_PORT"*) ok "discover lists the target and its portal" ;;
	*) diag "$out"; not_ok "discover lists the target and its portal" ;; esac
json=$(timeout 30 "$ITNCTL" --json discover "$PORTAL")
case $json in *'"name":"'"$TGT_IQN"'"'*) ok "discover --json names the target" ;;
	*) diag "$json"; not_ok "discover --json names the target" ;; esac

out=$(timeout 30 "$ITNCTL" --json inquiry "$URL" 2>&1)
case $out in *'"type":"disk"'*'"vendor":"IET"'*) ok "inquiry reports tgt's disk" ;;
	*) diag "$out"; not_ok "inquiry reports tgt's disk" ;; esac
out=$(timeout 30 "$ITNCTL" --json readcap "$URL" 2>&1)
case $out in *'"blocks":131072,"block_size":512,"bytes":67108864'*) ok "readcap reports 64 MiB in 512-byte blocks" ;;
	*) diag "$out"; not_ok "readcap reports 64 MiB" ;; esac

head -c 16777216 /dev/urandom > "$ITN_TMP/data"
timeout 60 "$ITNCTL" write "$URL" --offset 3M < "$ITN_TMP/data"
check "write of 16 MiB at offset 3 MiB exits 0" [ $? -eq 0 ]
timeout 60 "$ITNCTL" read "$URL" --offset 3M --length 16M > "$ITN_TMP/back"
check "read of 16 MiB exits 0" [ $? -eq 0 ]
check "the data read back is the data written" cmp -s "$ITN_TMP/data" "$ITN_TMP/back"
dd if="$ITN_TMP/disk.img" of="$ITN_TMP/backing-part" bs=1M skip=3 count=16 2> /dev/null
check "tgtd's backing file holds the same bytes" cmp -s "$ITN_TMP/data" "$ITN_TMP/backing-part"

# Unaligned offset and length: read-modify-write of the edge blocks.
head -c 5000 /dev/urandom > "$ITN_TMP/small"
timeout 30 "$ITNCTL" write "$URL" --offset 1000 < "$ITN_TMP/small" &&
	timeout 30 "$ITNCTL" read "$URL" --offset 1000 --length 5000 > "$ITN_TMP/small-back"
check "unaligned write + read round-trips" cmp -s "$ITN_TMP/small" "$ITN_TMP/small-back"

# Secrets from the environment (libiscsi's names) instead of the URL.
out=$(LIBISCSI_CHAP_USERNAME=alice LIBISCSI_CHAP_PASSWORD=secretsecret12 \
	timeout 30 "$ITNCTL" readcap "iscsi://127.0.0.1:$TGT_PORT/$TGT_IQN/1" 2>&1)
check "CHAP secrets from LIBISCSI_CHAP_* work" [ $? -eq 0 ]

# ... and from a 0600 file; a file others can read is refused.
printf 'username = alice\npassword = secretsecret12\n' > "$ITN_TMP/secrets"
chmod 600 "$ITN_TMP/secrets"
timeout 30 "$ITNCTL" readcap "iscsi://127.0.0.1:$TGT_PORT/$TGT_IQN/1" --secrets "$ITN_TMP/secrets" > /dev/null 2>&1
check "CHAP secrets from a 0600 file work" [ $? -eq 0 ]
chmod 644 "$ITN_TMP/secrets"
out=$(timeout 30 "$ITNCTL" readcap "iscsi://127.0.0.1:$TGT_PORT/$TGT_IQN/1" --secrets "$ITN_TMP/secrets" 2>&1)
case $out in *"accessible by group or others"*) ok "a secrets file others can read is refused" ;;
	*) diag "$out"; not_ok "a secrets file others can read is refused" ;; esac

out=$(timeout 30 "$ITNCTL" inquiry "iscsi://alice%wrongsecret99@127.0.0.1:$TGT_PORT/$TGT_IQN/1" 2>&1)
rc=$?
diag "wrong secret: $out"
check "a wrong secret fails" [ $rc -ne 0 ]
case $out in *authentication*) ok "the failure names authentication" ;; *) not_ok "the failure names authentication" ;; esac
case $out in *wrongsecret99*) not_ok "the secret is not in the message" ;; *) ok "the secret is not in the message" ;; esac
done_testing
