/* What the analyzer prints for one decoded iSCSI PDU: its name, tags,
 * sequence numbers, LUN, CDB (name, LBA and length for block transfers),
 * status and sense, login stages and status, Reject reason.  Decoding is
 * libiscsi-proto's; this file only chooses and names fields. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "analyzer/ana-record.h"
#include "libiscsi-proto/iproto-pdu.h"
#include "libiscsi-proto/iproto-text.h"

G_BEGIN_DECLS

/* data: the first data_kept bytes of the data segment (sense, Reject). */
void ana_pdu_fields(AnaRecord *r, const IProtoPdu *pdu, const uint8_t *data, size_t data_kept);

/* "key=value" strings for printing, secrets replaced by a placeholder. */
GPtrArray *ana_text_display(const IProtoTextList *list);
/* Does this key carry a secret or a value derived from one (CHAP_R, CHAP_C,
 * SRP and Kerberos items: the large-binary-value keys of RFC 7143 sec. 12)? */
gboolean ana_text_key_secret(const char *key);

G_END_DECLS
