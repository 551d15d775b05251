#!/bin/sh
# The URLs itnctl writes are URLs libiscsi reads: every URL is parsed and
# re-formatted by `itnctl name url` (the public form, without secrets), then
# handed to libiscsi's iscsi-inq (LUN URLs) or iscsi-ls (portal URLs)
# against a loopback port nobody listens on.  libiscsi must get as far as
# connecting, which proves it parsed the URL.  LUN URLs that libiscsi cannot
# parse, itnctl must refuse too.
. "$top_srcdir/tests/lib/common.sh"

need_cmd iscsi-inq iscsi-ls
ITNCTL=$top_builddir/cli/itnctl
[ -x "$ITNCTL" ] || bail "itnctl not built at $ITNCTL"

port=$(free_port)
T=iqn.2001-04.com.example:storage

good="iscsi://127.0.0.1:$port/$T/1
iscsi://127.0.0.1:$port/IQN.2001-04.COM.EXAMPLE:STORAGE/0
iscsi://127.0.0.1:$port/iqn.2001-04.com.example%3Astorage/2
iscsi://alice%s3cret@127.0.0.1:$port/$T/1
iscsi://alice:s3cret@127.0.0.1:$port/$T/1
iscsi://iqn.2001-04.com.example:init%s3cret@127.0.0.1:$port/$T/1
iscsi://[::1]:$port/$T/3
iscsi://127.0.0.1:$port/$T/1?header_digest=crc32c&data_digest=crc32c
iscsi://u%p@127.0.0.1:$port/$T/1?target_user=tu&target_password=tp
iscsi://127.0.0.1:$port/$T/1?header_digest=none
iscsi://127.0.0.1:$port
iscsi://127.0.0.1:$port/
iscsi://[::1]:$port
iscsi://bob%pw@127.0.0.1:$port/"
bad="iscsi://127.0.0.1:$port/$T
iscsi://127.0.0.1:$port/$T/
iscsi://127.0.0.1:$port/$T/x
iscsi://127.0.0.1:$port/$T/1x
http://127.0.0.1:$port/$T/1"

plan $(( $(echo "$good" | wc -l) * 2 + $(echo "$bad" | wc -l) ))

# libiscsi_parses URL [TOOL]: libiscsi got past URL parsing to connecting
# (bounded by timeout; the port refuses at once).  TOOL defaults to
# iscsi-inq for LUN URLs and iscsi-ls for portal URLs.
libiscsi_parses() {
	case $1 in
	iscsi://*/*/*) tool=iscsi-inq ;;
	*) tool=iscsi-ls ;;
	esac
	tool=${2:-$tool}
	timeout 20 $tool "$1" > "$ITN_TMP/inq.out" 2>&1
	grep -q "Login Failed\|connection failed\|Connection refused" "$ITN_TMP/inq.out"
}

echo "$good" | while read -r url; do
	if "$ITNCTL" --json name url "$url" > "$ITN_TMP/json" 2> "$ITN_TMP/err"; then
		ours=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$ITN_TMP/json")
		ok "itnctl reads $url as $ours"
	else
		ours=""
		not_ok "itnctl reads $url ($(cat "$ITN_TMP/err"))"
	fi
	if [ -n "$ours" ] && libiscsi_parses "$ours"; then
		ok "libiscsi reads $ours"
	else
		not_ok "libiscsi reads '$ours' ($(head -n 2 "$ITN_TMP/inq.out"))"
	fi
done > "$ITN_TMP/good.tap"
cat "$ITN_TMP/good.tap"
_tap_n=$(grep -c '^\(not \)\?ok' "$ITN_TMP/good.tap")
_tap_failed=$(grep -c '^not ok' "$ITN_TMP/good.tap")

echo "$bad" | while read -r url; do
	if "$ITNCTL" name url "$url" > /dev/null 2>&1; then
		echo "itnctl"
	elif libiscsi_parses "$url" iscsi-inq; then
		echo "libiscsi"
	else
		echo "both"
	fi
done > "$ITN_TMP/bad.res"
i=0
echo "$bad" | while read -r url; do
	i=$((i + 1))
	r=$(sed -n "${i}p" "$ITN_TMP/bad.res")
	n=$((_tap_n + i))
	if [ "$r" = both ]; then echo "ok $n - both refuse $url"; else echo "not ok $n - $r accepts $url"; fi
done > "$ITN_TMP/bad.tap"
cat "$ITN_TMP/bad.tap"
_tap_n=$((_tap_n + $(grep -c '^\(not \)\?ok' "$ITN_TMP/bad.tap")))
_tap_failed=$((_tap_failed + $(grep -c '^not ok' "$ITN_TMP/bad.tap")))
done_testing
