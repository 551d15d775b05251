/* The iSNS server core on an in-memory database: registration, queries,
 * DevGetNext, discovery domains and visibility, deregistration, status
 * codes for bad requests, rollback of a failed message, and answers split
 * over many PDUs.  With --write-corpus DIR it also writes the requests it
 * sends as the seed corpus of tests/fuzz/fuzz-isns. */
#include "config.h"
#include <string.h>
#include "discovery/isns-addr.h"
#include "discovery/isns-pdu.h"
#include "discovery/isns-tlv.h"
#include "isnsd/isrv-core.h"
#include "isnsd/isrv-request.h"
#include "libiscsi-proto/iproto-bytes.h"

#define CTL "iqn.2024-01.test.lab:admin"
#define TGT "iqn.2024-01.test.lab:tgt1"
#define INI "iqn.2024-01.test.lab:ini1"

static const char *corpus_dir;
static int corpus_n;

typedef struct {
	IsrvDb *db;
	IsrvCore *core;
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
	IsrvConfig cfg;
	isrv_config_init(&cfg);
	char *ctl[] = { (char *) CTL, NULL };
	cfg.control_nodes = ctl;
	cfg.default_dd = GPOINTER_TO_INT(data);
	f->db = isrv_db_open_memory(NULL);
	g_assert_nonnull(f->db);
	f->core = isrv_core_new(&cfg, f->db);
}

static void teardown(Fixture *f, gconstpointer data)
{
	isrv_core_free(f->core);
	isrv_db_close(f->db);
}

/* Send one request; return the decoded answer (status + TLVs). */
static IDiscTlvList *call(Fixture *f, guint16 function, guint16 flags, GByteArray *payload)
{
	static guint16 xid;
	IDiscMessage m = { function, flags, ++xid, g_bytes_new(payload->data, payload->len) };
	if (corpus_dir) {
		g_autoptr(GByteArray) wire = g_byte_array_new();
		idisc_message_encode(wire, function, flags | IDISC_ISNS_FLAG_CLIENT, m.xid, payload->data,
				     payload->len, 65532);
		g_autofree char *path = g_strdup_printf("%s/req-%03d", corpus_dir, corpus_n++);
		g_file_set_contents(path, (const char *) wire->data, wire->len, NULL);
	}
	g_assert_true(isrv_db_begin(f->db, NULL));
	g_autoptr(GBytes) answer = isrv_core_handle(f->core, &m);
	g_assert_true(isrv_db_commit(f->db, NULL));
	idisc_message_clear(&m);
	g_assert_nonnull(answer);
	/* The answer is well framed: reassemble it. */
	g_autoptr(IDiscReassembler) r = idisc_reassembler_new(64 << 20);
	gsize n;
	const guint8 *d = g_bytes_get_data(answer, &n);
	idisc_reassembler_feed(r, d, n);
	IDiscMessage a = { 0 };
	guint32 st;
	g_assert_cmpint(idisc_reassembler_next(r, &a, &st, NULL), ==, IDISC_REASM_MESSAGE);
	g_assert_cmpuint(a.function, ==, function | IDISC_ISNS_RESPONSE);
	g_assert_cmpuint(a.xid, ==, xid);
	g_autoptr(GError) error = NULL;
	IDiscTlvList *l = idisc_tlv_list_decode(a.payload, TRUE, &error);
	g_assert_no_error(error);
	idisc_message_clear(&a);
	return l;
}

static void put_addr(GByteArray *b, guint32 tag, const char *ip)
{
	guint8 a[16];
	g_assert_true(idisc_addr_parse(ip, a));
	idisc_put_tlv(b, tag, a, 16);
}

static guint32 reg_target(Fixture *f, const char *name, const char *eid, const char *ip, guint16 port)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
	idisc_put_string(b, IDISC_TAG_ENTITY_ID, eid);
	idisc_put_delimiter(b);
	idisc_put_string(b, IDISC_TAG_ENTITY_ID, eid);
	put_addr(b, IDISC_TAG_PORTAL_IP, ip);
	idisc_put_u32(b, IDISC_TAG_PORTAL_PORT, port);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
	idisc_put_u32(b, IDISC_TAG_NODE_TYPE, IDISC_NODE_TARGET);
	idisc_put_u32(b, IDISC_TAG_PG_TAG, 7);
	put_addr(b, IDISC_TAG_PG_PORTAL_IP, ip);
	idisc_put_u32(b, IDISC_TAG_PG_PORTAL_PORT, port);
	g_autoptr(IDiscTlvList) l = call(f, IDISC_ISNS_DEV_ATTR_REG, 0, b);
	return l->status;
}

static guint32 reg_initiator(Fixture *f, const char *name)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
	idisc_put_delimiter(b);
	idisc_put_nil(b, IDISC_TAG_ENTITY_ID);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
	idisc_put_u32(b, IDISC_TAG_NODE_TYPE, IDISC_NODE_INITIATOR);
	g_autoptr(IDiscTlvList) l = call(f, IDISC_ISNS_DEV_ATTR_REG, 0, b);
	return l->status;
}

/* Names of the nodes SOURCE sees with a query for targets. */
static guint count_targets(Fixture *f, const char *source, guint32 *status)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, source);
	idisc_put_u32(b, IDISC_TAG_NODE_TYPE, IDISC_NODE_TARGET);
	idisc_put_delimiter(b);
	idisc_put_nil(b, IDISC_TAG_ISCSI_NAME);
	idisc_put_nil(b, IDISC_TAG_PG_TAG);
	g_autoptr(IDiscTlvList) l = call(f, IDISC_ISNS_DEV_ATTR_QRY, 0, b);
	*status = l->status;
	guint n = 0;
	for (guint i = l->delim; i < idisc_tlv_list_count(l); i++)
		n += idisc_tlv_list_get(l, i)->tag == IDISC_TAG_ISCSI_NAME;
	return n;
}

static guint32 dd_reg(Fixture *f, const char *source, const char *member)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, source);
	idisc_put_delimiter(b);
	idisc_put_string(b, IDISC_TAG_DD_SYM_NAME, "dd-a");
	idisc_put_string(b, IDISC_TAG_DD_MEMBER_NAME, TGT);
	idisc_put_string(b, IDISC_TAG_DD_MEMBER_NAME, member);
	g_autoptr(IDiscTlvList) l = call(f, IDISC_ISNS_DD_REG, 0, b);
	return l->status;
}

static void test_register_query(Fixture *f, gconstpointer data)
{
	guint32 st;
	g_assert_cmpuint(reg_target(f, TGT, "ent-t", "127.0.0.1", 3260), ==, 0);
	g_assert_cmpuint(reg_initiator(f, INI), ==, 0);
	/* No DD, no default DD: the initiator sees nothing. */
	g_assert_cmpuint(count_targets(f, INI, &st), ==, 0);
	g_assert_cmpuint(st, ==, 0);
	/* Only a control node may make DDs (sec. 5.6.1). */
	g_assert_cmpuint(dd_reg(f, INI, INI), ==, IDISC_ISNS_SOURCE_UNAUTHORIZED);
	g_assert_cmpuint(dd_reg(f, CTL, INI), ==, 0);
	g_assert_cmpuint(count_targets(f, INI, &st), ==, 1);
	/* The control node sees everything. */
	g_assert_cmpuint(count_targets(f, CTL, &st), ==, 1);

	/* DevGetNext from the start lists the target with its PG tag 7. */
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, INI);
	idisc_put_nil(b, IDISC_TAG_PG_ISCSI_NAME);
	idisc_put_nil(b, IDISC_TAG_PG_PORTAL_IP);
	idisc_put_nil(b, IDISC_TAG_PG_PORTAL_PORT);
	idisc_put_delimiter(b);
	g_autoptr(IDiscTlvList) l = call(f, IDISC_ISNS_DEV_GET_NEXT, 0, b);
	g_assert_cmpuint(l->status, ==, 0);
	gboolean tag7 = FALSE;
	for (guint i = 0; i < idisc_tlv_list_count(l); i++)
		tag7 |= idisc_tlv_list_get(l, i)->tag == IDISC_TAG_PG_TAG &&
			idisc_tlv_u32(idisc_tlv_list_get(l, i)) == 7;
	g_assert_true(tag7);
}

static void test_default_dd(Fixture *f, gconstpointer data)
{
	guint32 st;
	g_assert_cmpuint(reg_target(f, TGT, "ent-t", "127.0.0.1", 3260), ==, 0);
	g_assert_cmpuint(reg_initiator(f, INI), ==, 0);
	g_assert_cmpuint(count_targets(f, INI, &st), ==, 1);
}

static void test_dereg_and_auth(Fixture *f, gconstpointer data)
{
	guint32 st;
	g_assert_cmpuint(reg_target(f, TGT, "ent-t", "127.0.0.1", 3260), ==, 0);
	g_assert_cmpuint(reg_initiator(f, INI), ==, 0);
	/* The initiator may not deregister the target's entity. */
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, INI);
	idisc_put_delimiter(b);
	idisc_put_string(b, IDISC_TAG_ENTITY_ID, "ent-t");
	g_autoptr(IDiscTlvList) l = call(f, IDISC_ISNS_DEV_DEREG, 0, b);
	g_assert_cmpuint(l->status, ==, IDISC_ISNS_SOURCE_UNAUTHORIZED);
	/* ... nor update it. */
	g_assert_cmpuint(reg_target(f, INI, "ent-t", "127.0.0.9", 3260), ==, IDISC_ISNS_SOURCE_UNAUTHORIZED);
	/* The target can. */
	g_byte_array_set_size(b, 0);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, TGT);
	idisc_put_delimiter(b);
	idisc_put_string(b, IDISC_TAG_ENTITY_ID, "ent-t");
	g_autoptr(IDiscTlvList) l2 = call(f, IDISC_ISNS_DEV_DEREG, 0, b);
	g_assert_cmpuint(l2->status, ==, 0);
	g_assert_cmpuint(count_targets(f, CTL, &st), ==, 0);
	g_assert_cmpint(isrv_db_count(f->db, IDISC_OBJ_PG), ==, 0);
	g_assert_cmpint(isrv_db_count(f->db, IDISC_OBJ_PORTAL), ==, 0);
}

static void test_rollback(Fixture *f, gconstpointer data)
{
	/* A registration whose second node lacks its Node Type fails with
	 * status 3, and the first node of the same message is not kept. */
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, TGT);
	idisc_put_delimiter(b);
	idisc_put_nil(b, IDISC_TAG_ENTITY_ID);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, TGT);
	idisc_put_u32(b, IDISC_TAG_NODE_TYPE, IDISC_NODE_TARGET);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, "iqn.2024-01.test.lab:other");
	g_autoptr(IDiscTlvList) l = call(f, IDISC_ISNS_DEV_ATTR_REG, 0, b);
	g_assert_cmpuint(l->status, ==, IDISC_ISNS_INVALID_REGISTRATION);
	g_assert_cmpint(isrv_db_count(f->db, IDISC_OBJ_NODE), ==, 0);
	g_assert_cmpint(isrv_db_count(f->db, IDISC_OBJ_ENTITY), ==, 0);
}

static void test_bad_requests(Fixture *f, gconstpointer data)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	/* no source at all */
	idisc_put_delimiter(b);
	g_autoptr(IDiscTlvList) l1 = call(f, IDISC_ISNS_DEV_ATTR_QRY, 0, b);
	g_assert_cmpuint(l1->status, ==, IDISC_ISNS_SOURCE_ABSENT);
	/* unknown source */
	g_byte_array_set_size(b, 0);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, "iqn.2024-01.test.lab:nobody");
	idisc_put_delimiter(b);
	g_autoptr(IDiscTlvList) l2 = call(f, IDISC_ISNS_DEV_ATTR_QRY, 0, b);
	g_assert_cmpuint(l2->status, ==, IDISC_ISNS_SOURCE_UNKNOWN);
	/* unknown function */
	g_autoptr(IDiscTlvList) l3 = call(f, 0x0077, 0, b);
	g_assert_cmpuint(l3->status, ==, IDISC_ISNS_MSG_NOT_SUPPORTED);
	/* unpadded TLV */
	static const guint8 bad[] = { 0, 0, 0, 32, 0, 0, 0, 3, 'a', 'b', 0, 0 };
	g_byte_array_set_size(b, 0);
	g_byte_array_append(b, bad, sizeof bad);
	g_autoptr(IDiscTlvList) l4 = call(f, IDISC_ISNS_DEV_ATTR_QRY, 0, b);
	g_assert_cmpuint(l4->status, ==, IDISC_ISNS_MSG_FORMAT_ERROR);
	/* registration keyed by a node that does not exist */
	g_byte_array_set_size(b, 0);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, CTL);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, "iqn.2024-01.test.lab:ghost");
	idisc_put_delimiter(b);
	g_autoptr(IDiscTlvList) l5 = call(f, IDISC_ISNS_DEV_ATTR_REG, 0, b);
	g_assert_cmpuint(l5->status, ==, IDISC_ISNS_INVALID_REGISTRATION);
	/* FC attributes: not implemented */
	g_byte_array_set_size(b, 0);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, CTL);
	idisc_put_delimiter(b);
	idisc_put_u64(b, IDISC_TAG_FC_PORT_WWPN, 1);
	g_autoptr(IDiscTlvList) l6 = call(f, IDISC_ISNS_DEV_ATTR_REG, 0, b);
	g_assert_cmpuint(l6->status, ==, IDISC_ISNS_ATTR_NOT_IMPLEMENTED);
	/* read-only index attribute in a registration */
	g_byte_array_set_size(b, 0);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, TGT);
	idisc_put_delimiter(b);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, TGT);
	idisc_put_u32(b, IDISC_TAG_NODE_TYPE, 1);
	idisc_put_u32(b, IDISC_TAG_NODE_INDEX, 99);
	g_autoptr(IDiscTlvList) l7 = call(f, IDISC_ISNS_DEV_ATTR_REG, 0, b);
	g_assert_cmpuint(l7->status, ==, IDISC_ISNS_INVALID_REGISTRATION);
}

static guint32 dds_reg(Fixture *f, guint32 status_bits)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, CTL);
	idisc_put_u32(b, IDISC_TAG_DDS_ID, 1);
	idisc_put_delimiter(b);
	idisc_put_string(b, IDISC_TAG_DDS_SYM_NAME, "set-a");
	idisc_put_u32(b, IDISC_TAG_DDS_STATUS, status_bits);
	idisc_put_u32(b, IDISC_TAG_DD_ID, 1);
	g_autoptr(IDiscTlvList) l = call(f, IDISC_ISNS_DDS_REG, 0, b);
	return l->status;
}

/* A DD in a disabled DD set is inactive; enabling the set activates it
 * (RFC 4171 sec. 6.11.1.3). */
static void test_dds_enable(Fixture *f, gconstpointer data)
{
	guint32 st;
	g_assert_cmpuint(reg_target(f, TGT, "ent-t", "127.0.0.1", 3260), ==, 0);
	g_assert_cmpuint(reg_initiator(f, INI), ==, 0);
	g_assert_cmpuint(dd_reg(f, CTL, INI), ==, 0);
	g_assert_cmpuint(count_targets(f, INI, &st), ==, 1);
	g_assert_cmpuint(dds_reg(f, 0), ==, 0);
	g_assert_cmpuint(count_targets(f, INI, &st), ==, 0);
	g_assert_cmpuint(dds_reg(f, IDISC_DDS_ENABLED), ==, 0);
	g_assert_cmpuint(count_targets(f, INI, &st), ==, 1);
	/* Removing the DD from the set makes it active again on its own. */
	g_assert_cmpuint(dds_reg(f, 0), ==, 0);
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, CTL);
	idisc_put_u32(b, IDISC_TAG_DDS_ID, 1);
	idisc_put_delimiter(b);
	idisc_put_u32(b, IDISC_TAG_DD_ID, 1);
	g_autoptr(IDiscTlvList) l = call(f, IDISC_ISNS_DDS_DEREG, 0, b);
	g_assert_cmpuint(l->status, ==, 0);
	g_assert_cmpuint(count_targets(f, INI, &st), ==, 1);
}

static guint32 scn_reg(Fixture *f, const char *name, guint32 bits)
{
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
	idisc_put_delimiter(b);
	idisc_put_u32(b, IDISC_TAG_SCN_BITMAP, bits);
	g_autoptr(IDiscTlvList) l = call(f, IDISC_ISNS_SCN_REG, 0, b);
	return l->status;
}

static gboolean has_event(Fixture *f, const char *dest, guint32 bits, const char *node)
{
	for (guint i = 0; i < f->core->events->len; i++) {
		IsrvScnEvent *e = f->core->events->pdata[i];
		if (g_str_equal(e->dest, dest) && e->bitmap == bits && g_str_equal(e->node, node))
			return TRUE;
	}
	return FALSE;
}

/* Sec. 6.4.4: SCNs go to registered nodes that can see the changed node,
 * for the kinds they asked for; management registrations only from
 * control nodes; SCNEvent passes a client's own event on. */
static void test_scn(Fixture *f, gconstpointer data)
{
	g_assert_cmpuint(reg_initiator(f, INI), ==, 0);
	g_assert_cmpuint(scn_reg(f, INI, IDISC_SCN_MGMT_REG), ==, IDISC_ISNS_SCN_REG_REJECTED);
	g_assert_cmpuint(scn_reg(f, INI, IDISC_SCN_OBJECT_ADDED | IDISC_SCN_OBJECT_REMOVED), ==, 0);
	g_ptr_array_set_size(f->core->events, 0);
	g_assert_cmpuint(reg_target(f, TGT, "ent-t", "127.0.0.1", 3260), ==, 0);
	g_assert_true(has_event(f, INI, IDISC_SCN_OBJECT_ADDED, TGT));
	/* SCNEvent from the target about itself. */
	g_ptr_array_set_size(f->core->events, 0);
	g_autoptr(GByteArray) b = g_byte_array_new();
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, TGT);
	idisc_put_delimiter(b);
	idisc_put_u32(b, IDISC_TAG_SCN_BITMAP, IDISC_SCN_OBJECT_REMOVED);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, TGT);
	g_autoptr(IDiscTlvList) l = call(f, IDISC_ISNS_SCN_EVENT, 0, b);
	g_assert_cmpuint(l->status, ==, 0);
	g_assert_true(has_event(f, INI, IDISC_SCN_OBJECT_REMOVED, TGT));
	/* ... but not about someone else's node. */
	g_byte_array_set_size(b, 0);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, TGT);
	idisc_put_delimiter(b);
	idisc_put_u32(b, IDISC_TAG_SCN_BITMAP, IDISC_SCN_OBJECT_REMOVED);
	idisc_put_string(b, IDISC_TAG_ISCSI_NAME, INI);
	g_autoptr(IDiscTlvList) l2 = call(f, IDISC_ISNS_SCN_EVENT, 0, b);
	g_assert_cmpuint(l2->status, ==, IDISC_ISNS_SOURCE_UNAUTHORIZED);
	/* The scn encodes as destination, timestamp, bitmap, node. */
	IsrvScnEvent e = { (char *) INI, IDISC_SCN_OBJECT_ADDED, (char *) TGT, 0 };
	g_autoptr(GBytes) msg = isrv_scn_encode(f->core, &e, 9);
	g_autoptr(GBytes) payload = g_bytes_new_from_bytes(msg, 12, g_bytes_get_size(msg) - 12);
	g_autoptr(IDiscTlvList) sl = idisc_tlv_list_decode(payload, FALSE, NULL);
	g_assert_nonnull(sl);
	g_assert_cmpuint(idisc_tlv_list_get(sl, 0)->tag, ==, IDISC_TAG_ISCSI_NAME);
	g_assert_cmpuint(idisc_tlv_list_get(sl, 1)->tag, ==, IDISC_TAG_TIMESTAMP);
	g_assert_cmpuint(idisc_tlv_u32(idisc_tlv_list_get(sl, 2)), ==, IDISC_SCN_OBJECT_ADDED);
	g_assert_cmpstr(idisc_tlv_string(idisc_tlv_list_get(sl, 3)), ==, TGT);
}

static void test_big_answer(Fixture *f, gconstpointer data)
{
	/* 2000 targets (more than 10x what fits open-isns's 8 KiB): one query
	 * returns them all, as a multi-PDU answer. */
	const guint N = 2000;
	g_assert_true(isrv_db_begin(f->db, NULL));
	for (guint i = 0; i < N; i++) {
		g_autofree char *name = g_strdup_printf("iqn.2024-01.test.lab:target-number-%05u", i);
		g_autofree char *eid = g_strdup_printf("entity-%05u", i);
		g_autoptr(GByteArray) b = g_byte_array_new();
		idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
		idisc_put_delimiter(b);
		idisc_put_string(b, IDISC_TAG_ENTITY_ID, eid);
		idisc_put_string(b, IDISC_TAG_ISCSI_NAME, name);
		idisc_put_u32(b, IDISC_TAG_NODE_TYPE, IDISC_NODE_TARGET);
		IDiscMessage m = { IDISC_ISNS_DEV_ATTR_REG, 0, (guint16) i, g_bytes_new(b->data, b->len) };
		g_autoptr(GBytes) a = isrv_core_handle(f->core, &m);
		idisc_message_clear(&m);
		g_assert_cmpuint(iproto_get_be32((const guint8 *) g_bytes_get_data(a, NULL) + 12), ==, 0);
	}
	g_assert_true(isrv_db_commit(f->db, NULL));
	guint32 st;
	g_assert_cmpuint(count_targets(f, CTL, &st), ==, N);
	g_assert_cmpuint(st, ==, 0);
}

int main(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--write-corpus") == 0)
			corpus_dir = argv[i + 1];
	g_test_init(&argc, &argv, NULL);
	g_test_add("/isns/server/register-query", Fixture, GINT_TO_POINTER(FALSE), setup, test_register_query, teardown);
	g_test_add("/isns/server/default-dd", Fixture, GINT_TO_POINTER(TRUE), setup, test_default_dd, teardown);
	g_test_add("/isns/server/dereg-auth", Fixture, GINT_TO_POINTER(FALSE), setup, test_dereg_and_auth, teardown);
	g_test_add("/isns/server/dds-enable", Fixture, GINT_TO_POINTER(FALSE), setup, test_dds_enable, teardown);
	g_test_add("/isns/server/scn", Fixture, GINT_TO_POINTER(TRUE), setup, test_scn, teardown);
	g_test_add("/isns/server/rollback", Fixture, GINT_TO_POINTER(FALSE), setup, test_rollback, teardown);
	g_test_add("/isns/server/bad-requests", Fixture, GINT_TO_POINTER(FALSE), setup, test_bad_requests, teardown);
	if (!corpus_dir)
		g_test_add("/isns/server/big-answer", Fixture, GINT_TO_POINTER(FALSE), setup, test_big_answer, teardown);
	return g_test_run();
}
