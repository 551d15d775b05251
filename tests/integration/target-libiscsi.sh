#!/bin/sh
# itn-targetd from flags against libiscsi's tools and qemu-img: discovery
# (SendTargets) with iscsi-ls, INQUIRY, READ CAPACITY(16), an image copied
# in and out byte for byte with qemu-img (plain and with CRC32C header
# digests), and CHAP: the right secret accepted, a wrong or missing one
# refused.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/integration/target-lib.sh"
need_cmd iscsi-ls iscsi-inq iscsi-readcapacity16 qemu-img
qemu-img --help 2> /dev/null | grep -q 'Supported formats:.* iscsi' ||
	bail "qemu-img has no iscsi:// driver (Debian package qemu-block-extra)"

plan 22

targetd_start tgt --target "$TGT_IQN" --lun mem:64M --lun mem:8M
P=$tgt_port
out=$(timeout 20 iscsi-ls -s "iscsi://127.0.0.1:$P" 2>&1)
case $out in *"Target:$TGT_IQN Portal:127.0.0.1:$P,1"*) ok "iscsi-ls finds the target through SendTargets" ;;
	*) diag "$out"; not_ok "iscsi-ls finds the target through SendTargets" ;; esac
case $out in *"Lun:0 "*"Lun:1 "*) ok "iscsi-ls lists both LUNs" ;;
	*) diag "$out"; not_ok "iscsi-ls lists both LUNs" ;; esac

out=$(timeout 20 iscsi-inq "iscsi://127.0.0.1:$P/$TGT_IQN/0" 2>&1)
case $out in *"Vendor:ITNEXUS"*) ok "iscsi-inq reads the standard INQUIRY data" ;;
	*) diag "$out"; not_ok "iscsi-inq reads the standard INQUIRY data" ;; esac
# Every VPD page the target supports, as iscsi-inq decodes them (SPC-4 7.8).
for vpd in "0:SUPPORTED_VPD_PAGES" "128:Unit Serial Number" "131:DEVICE_IDENTIFICATION" \
	"176:maximum compare and write length" "177:Medium Rotation Rate" "178:lbpws"; do
	page=${vpd%%:*}; want=${vpd#*:}
	out=$(timeout 20 iscsi-inq --evpd=1 --pagecode="$page" "iscsi://127.0.0.1:$P/$TGT_IQN/0" 2>&1)
	case $out in *"$want"*) ok "iscsi-inq decodes VPD page $page" ;;
		*) diag "$out"; not_ok "iscsi-inq decodes VPD page $page" ;; esac
done
out=$(timeout 20 iscsi-inq "iscsi://127.0.0.1:$P/$TGT_IQN/0?header_digest=crc32c" 2>&1)
case $out in *"Vendor:ITNEXUS"*) ok "iscsi-inq with ?header_digest=crc32c" ;;
	*) diag "$out"; not_ok "iscsi-inq with ?header_digest=crc32c" ;; esac
out=$(timeout 20 iscsi-readcapacity16 "iscsi://127.0.0.1:$P/$TGT_IQN/1" 2>&1)
case $out in *"Total size:8388608"*) ok "iscsi-readcapacity16 reports 8 MiB for LUN 1" ;;
	*) diag "$out"; not_ok "iscsi-readcapacity16 reports 8 MiB for LUN 1" ;; esac

head -c 40000000 /dev/urandom > "$ITN_TMP/in.raw"
truncate -s 64M "$ITN_TMP/in.raw"
check "qemu-img writes a 64 MiB image into LUN 0" \
	timeout 60 qemu-img convert -n -O raw "$ITN_TMP/in.raw" "iscsi://127.0.0.1:$P/$TGT_IQN/0"
check "qemu-img reads it back" \
	timeout 60 qemu-img convert -O raw "iscsi://127.0.0.1:$P/$TGT_IQN/0" "$ITN_TMP/out.raw"
check "the image came back byte for byte" cmp -s "$ITN_TMP/in.raw" "$ITN_TMP/out.raw"

# Header digests: a target that accepts only CRC32C, so the initiator's
# "None,CRC32C" offer ends at CRC32C (qemu-img 7.2 crashes on a URL with
# ?header_digest=, so the target side forces it).
targetd_start dig --target "$TGT_IQN" --lun mem:64M --digest header
rm -f "$ITN_TMP/out.raw"
timeout 60 qemu-img convert -n -O raw "$ITN_TMP/in.raw" "iscsi://127.0.0.1:$dig_port/$TGT_IQN/0" &&
	timeout 60 qemu-img convert -O raw "iscsi://127.0.0.1:$dig_port/$TGT_IQN/0" "$ITN_TMP/out.raw"
check "with CRC32C header digests the image also comes back intact" cmp -s "$ITN_TMP/in.raw" "$ITN_TMP/out.raw"
check "the login really negotiated the header digest" grep -q 'hdigest' "$ITN_TMP/dig.log"

# CHAP (one-way, MD5: what libiscsi-bin speaks).
SECRET=secretsecret12
targetd_start chap --target "$TGT_IQN" --lun mem:16M --chap "alice:$SECRET"
CP=$chap_port
out=$(timeout 20 iscsi-inq "iscsi://alice%$SECRET@127.0.0.1:$CP/$TGT_IQN/0" 2>&1)
case $out in *"Vendor:ITNEXUS"*) ok "CHAP with the right secret logs in" ;;
	*) diag "$out"; not_ok "CHAP with the right secret logs in" ;; esac
out=$(timeout 20 iscsi-inq "iscsi://alice%wrongsecret12@127.0.0.1:$CP/$TGT_IQN/0" 2>&1)
case $out in *"Authentication failure"*) ok "a wrong secret is refused (0x0201)" ;;
	*) diag "$out"; not_ok "a wrong secret is refused (0x0201)" ;; esac
out=$(timeout 20 iscsi-inq "iscsi://127.0.0.1:$CP/$TGT_IQN/0" 2>&1)
case $out in *"Authentication failure"*) ok "no secret is refused (0x0201)" ;;
	*) diag "$out"; not_ok "no secret is refused (0x0201)" ;; esac
# Mutual CHAP: the target proves itself with its own secret.
TSECRET=targetsecret12
targetd_start mutual --target "$TGT_IQN" --lun mem:8M --chap "alice:$SECRET" --mutual-chap "tgt:$TSECRET"
MU="iscsi://alice%$SECRET@127.0.0.1:$mutual_port/$TGT_IQN/0"
out=$(timeout 20 iscsi-inq "$MU?target_user=tgt&target_password=$TSECRET" 2>&1)
case $out in *"Vendor:ITNEXUS"*) ok "mutual CHAP logs in" ;;
	*) diag "$out"; not_ok "mutual CHAP logs in" ;; esac
out=$(timeout 20 iscsi-inq "$MU?target_user=tgt&target_password=notthesecret1" 2>&1)
case $out in *"Invalid CHAP_R response from the target"*) ok "the initiator refuses a target that does not know its secret" ;;
	*) diag "$out"; not_ok "the initiator refuses a target that does not know its secret" ;; esac
if grep -q "$SECRET" "$ITN_TMP/chap.log"; then not_ok "the secret never appears in the log"; else ok "the secret never appears in the log"; fi

done_testing
