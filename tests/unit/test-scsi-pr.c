/* Persistent reservations across two I_T nexuses (SPC-4 5.12). */
#include "config.h"
#include "test-scsi-harness.h"

typedef struct {
	TgtScsiTarget *t;
	TgtNexus *a, *b;
} Fx;

static void fx_setup(Fx *f, gconstpointer data)
{
	TgtLunSpec spec = { .backstore = "mem:1M" };

	f->t = tgt_scsi_target_new("iqn.2026-11.test.itnexus:pr");
	g_assert_true(tgt_scsi_target_add_lun(f->t, 0, &spec, NULL));
	f->a = scsi_nexus(f->t, "iqn.2026-11.test.itnexus:a", 1);
	f->b = scsi_nexus(f->t, "iqn.2026-11.test.itnexus:b", 2);
	scsi_clear_ua(f->t, f->a, 0);
	scsi_clear_ua(f->t, f->b, 0);
}

static void fx_teardown(Fx *f, gconstpointer data)
{
	tgt_scsi_nexus_free(f->a);
	tgt_scsi_nexus_free(f->b);
	tgt_scsi_target_unref(f->t);
}

static guint8 prout(Fx *f, TgtNexus *n, guint8 sa, guint8 type, guint64 key, guint64 sark)
{
	guint8 c[10] = { 0x5f, sa, type }, p[24] = { 0 };
	ScsiResult r = { 0 };

	c[8] = 24;
	iproto_put_be64(p, key);
	iproto_put_be64(p + 8, sark);
	scsi_run(f->t, n, 0, c, 10, 24, p, 24, &r);
	guint8 st = r.status;

	scsi_result_clear(&r);
	return st;
}

static void prin(Fx *f, TgtNexus *n, guint8 sa, ScsiResult *r)
{
	guint8 c[10] = { 0x5e, sa, 0, 0, 0, 0, 0, 0x04, 0x00, 0 };

	scsi_in(f->t, n, 0, c, 10, 1024, r);
	assert_good(r);
}

static guint8 run_status(Fx *f, TgtNexus *n, gboolean write)
{
	guint8 c[10] = { write ? 0x2a : 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 }, blk[512] = { 0 };
	ScsiResult r = { 0 };

	scsi_run(f->t, n, 0, c, 10, 512, write ? blk : NULL, write ? 512 : 0, &r);
	guint8 st = r.status;

	scsi_result_clear(&r);
	return st;
}

#define CONFLICT TGT_SCSI_RESERVATION_CONFLICT
#define GOOD TGT_SCSI_GOOD

static void test_register_read_keys(Fx *f, gconstpointer data)
{
	ScsiResult r = { 0 };

	g_assert_cmpuint(prout(f, f->a, 0, 0, 0, 0xaaaa), ==, GOOD);
	g_assert_cmpuint(prout(f, f->b, 0, 0, 0, 0xbbbb), ==, GOOD);
	/* wrong key: conflict; REGISTER AND IGNORE EXISTING KEY: fine */
	g_assert_cmpuint(prout(f, f->b, 0, 0, 0x1234, 0xbbbc), ==, CONFLICT);
	g_assert_cmpuint(prout(f, f->b, 6, 0, 0x1234, 0xbbbc), ==, GOOD);
	prin(f, f->a, 0, &r);
	g_assert_cmpuint(iproto_get_be32(r.in->data), ==, 3);
	g_assert_cmpuint(iproto_get_be32(r.in->data + 4), ==, 16);
	g_assert_cmphex(iproto_get_be64(r.in->data + 8), ==, 0xaaaa);
	g_assert_cmphex(iproto_get_be64(r.in->data + 16), ==, 0xbbbc);
	/* unregister */
	g_assert_cmpuint(prout(f, f->b, 0, 0, 0xbbbc, 0), ==, GOOD);
	prin(f, f->a, 0, &r);
	g_assert_cmpuint(iproto_get_be32(r.in->data + 4), ==, 8);
	/* capabilities */
	prin(f, f->a, 2, &r);
	g_assert_cmpuint(iproto_get_be16(r.in->data), ==, 8);
	g_assert_cmphex(r.in->data[3] & 0x80, ==, 0x80);
	g_assert_cmphex(r.in->data[4], ==, 0xea);
	g_assert_cmphex(r.in->data[5], ==, 0x01);
	/* parameter list of the wrong length */
	guint8 c[10] = { 0x5f, 0, 0, 0, 0, 0, 0, 0, 20, 0 }, p[24] = { 0 };
	scsi_run(f->t, f->a, 0, c, 10, 20, p, 20, &r);
	assert_sense(&r, IPROTO_SENSE_ILLEGAL_REQUEST, IPROTO_ASC_PARAMETER_LIST_LENGTH_ERROR);
	scsi_result_clear(&r);
}

/* SPC-4 table 63: who may read and write under each type. */
static void test_access_types(Fx *f, gconstpointer data)
{
	static const struct {
		guint8 type;
		gboolean reg_read, reg_write, other_read, other_write;
	} rows[] = {
		{ 1, TRUE, FALSE, TRUE, FALSE },  /* WRITE EXCLUSIVE */
		{ 3, FALSE, FALSE, FALSE, FALSE }, /* EXCLUSIVE ACCESS */
		{ 5, TRUE, TRUE, TRUE, FALSE },   /* WE, REGISTRANTS ONLY */
		{ 6, TRUE, TRUE, FALSE, FALSE },  /* EA, REGISTRANTS ONLY */
		{ 7, TRUE, TRUE, TRUE, FALSE },   /* WE, ALL REGISTRANTS */
		{ 8, TRUE, TRUE, FALSE, FALSE },  /* EA, ALL REGISTRANTS */
	};
	ScsiResult r = { 0 };

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		TgtNexus *c = scsi_nexus(f->t, "iqn.2026-11.test.itnexus:c", 9);

		scsi_clear_ua(f->t, c, 0);
		g_assert_cmpuint(prout(f, f->a, 0, 0, 0, 0xa), ==, GOOD);
		g_assert_cmpuint(prout(f, f->b, 0, 0, 0, 0xb), ==, GOOD);
		g_assert_cmpuint(prout(f, f->a, 1, rows[i].type, 0xa, 0), ==, GOOD);
		/* the holder can do everything */
		g_assert_cmpuint(run_status(f, f->a, FALSE), ==, GOOD);
		g_assert_cmpuint(run_status(f, f->a, TRUE), ==, GOOD);
		g_assert_cmpuint(run_status(f, f->b, FALSE), ==, rows[i].reg_read ? GOOD : CONFLICT);
		g_assert_cmpuint(run_status(f, f->b, TRUE), ==, rows[i].reg_write ? GOOD : CONFLICT);
		g_assert_cmpuint(run_status(f, c, FALSE), ==, rows[i].other_read ? GOOD : CONFLICT);
		g_assert_cmpuint(run_status(f, c, TRUE), ==, rows[i].other_write ? GOOD : CONFLICT);
		/* READ RESERVATION shows the type */
		prin(f, f->b, 1, &r);
		g_assert_cmpuint(iproto_get_be32(r.in->data + 4), ==, 16);
		g_assert_cmpuint(r.in->data[21] & 0x0f, ==, rows[i].type);
		/* another nexus cannot reserve; RESERVE(6) conflicts */
		g_assert_cmpuint(prout(f, f->b, 1, rows[i].type == 1 ? 3 : 1, 0xb, 0), ==, CONFLICT);
		guint8 res6[6] = { 0x16 };
		scsi_in(f->t, f->a, 0, res6, 6, 0, &r);
		g_assert_cmpuint(r.status, ==, CONFLICT);
		/* a wrong-type RELEASE by the holder is refused */
		g_assert_cmpuint(prout(f, f->a, 2, rows[i].type == 1 ? 3 : 1, 0xa, 0), ==, TGT_SCSI_CHECK_CONDITION);
		/* CLEAR: everything goes, b learns RESERVATIONS PREEMPTED */
		g_assert_cmpuint(prout(f, f->a, 3, 0, 0xa, 0), ==, GOOD);
		guint8 tur[6] = { 0 };
		scsi_in(f->t, f->b, 0, tur, 6, 0, &r);
		assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_RESERVATIONS_PREEMPTED);
		g_assert_cmpuint(run_status(f, c, TRUE), ==, GOOD);
		tgt_scsi_nexus_free(c);
	}
	scsi_result_clear(&r);
}

static void test_release_preempt(Fx *f, gconstpointer data)
{
	ScsiResult r = { 0 };
	guint8 tur[6] = { 0 };

	g_assert_cmpuint(prout(f, f->a, 0, 0, 0, 0xa), ==, GOOD);
	g_assert_cmpuint(prout(f, f->b, 0, 0, 0, 0xb), ==, GOOD);
	/* WE registrants only: RELEASE tells the other registrants */
	g_assert_cmpuint(prout(f, f->a, 1, 5, 0xa, 0), ==, GOOD);
	g_assert_cmpuint(prout(f, f->b, 2, 5, 0xb, 0), ==, GOOD); /* not the holder: no effect */
	g_assert_cmpuint(prout(f, f->a, 2, 5, 0xa, 0), ==, GOOD);
	scsi_in(f->t, f->b, 0, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_RESERVATIONS_RELEASED);
	/* b preempts a's EXCLUSIVE ACCESS reservation and a's registration */
	g_assert_cmpuint(prout(f, f->a, 1, 3, 0xa, 0), ==, GOOD);
	g_assert_cmpuint(run_status(f, f->b, FALSE), ==, CONFLICT);
	g_assert_cmpuint(prout(f, f->b, 4, 3, 0xb, 0xa), ==, GOOD);
	g_assert_cmpuint(run_status(f, f->b, TRUE), ==, GOOD);
	scsi_in(f->t, f->a, 0, tur, 6, 0, &r);
	assert_sense(&r, IPROTO_SENSE_UNIT_ATTENTION, IPROTO_ASC_REGISTRATIONS_PREEMPTED);
	g_assert_cmpuint(run_status(f, f->a, FALSE), ==, CONFLICT);
	prin(f, f->a, 0, &r);
	g_assert_cmpuint(iproto_get_be32(r.in->data + 4), ==, 8);
	g_assert_cmphex(iproto_get_be64(r.in->data + 8), ==, 0xb);
	/* preempting a key nobody has is a conflict */
	g_assert_cmpuint(prout(f, f->b, 4, 3, 0xb, 0x77), ==, CONFLICT);
	/* READ FULL STATUS names b's port and holder bit */
	prin(f, f->a, 3, &r);
	g_assert_cmphex(r.in->data[8 + 12], ==, 0x01);
	g_assert_cmphex(r.in->data[8 + 24], ==, 0x45);
	g_assert_true(g_str_has_prefix((const char *) r.in->data + 8 + 28, "iqn.2026-11.test.itnexus:b,i,0x"));
	/* registrations survive the loss of the nexus */
	tgt_scsi_nexus_free(f->b);
	f->b = scsi_nexus(f->t, "iqn.2026-11.test.itnexus:b", 2);
	scsi_clear_ua(f->t, f->b, 0);
	g_assert_cmpuint(run_status(f, f->b, TRUE), ==, GOOD);
	g_assert_cmpuint(run_status(f, f->a, TRUE), ==, CONFLICT);
	scsi_result_clear(&r);
}

/* REGISTER AND MOVE (SPC-4 5.12.8): a hands its reservation to b, named
 * by an iSCSI TransportID, and unregisters itself. */
static void test_register_and_move(Fx *f, gconstpointer data)
{
	guint8 c[10] = { 0x5f, 0x07, 0x01 }, p[24 + 64] = { 0 };
	ScsiResult r = { 0 };
	const char *port = tgt_scsi_nexus_initiator_port(f->b);
	gsize n = strlen(port) + 1, padded = (n + 3) & ~(gsize) 3;

	g_assert_cmpuint(prout(f, f->a, 0, 0, 0, 0xa), ==, GOOD);
	g_assert_cmpuint(prout(f, f->a, 1, 1, 0xa, 0), ==, GOOD);
	iproto_put_be64(p, 0xa);
	iproto_put_be64(p + 8, 0xbb);
	p[17] = 0x02;                       /* UNREG */
	iproto_put_be16(p + 18, 1);         /* relative target port of b */
	iproto_put_be32(p + 20, (guint32) (4 + padded));
	p[24] = 0x45;                       /* iSCSI, initiator port name with ISID */
	iproto_put_be16(p + 26, (guint16) padded);
	memcpy(p + 28, port, n - 1);
	gsize len = 24 + 4 + padded;

	c[8] = (guint8) len;
	scsi_run(f->t, f->a, 0, c, 10, (guint32) len, p, len, &r);
	assert_good(&r);
	g_assert_cmpuint(run_status(f, f->b, TRUE), ==, GOOD);
	g_assert_cmpuint(run_status(f, f->a, TRUE), ==, CONFLICT);
	prin(f, f->a, 1, &r);
	g_assert_cmphex(iproto_get_be64(r.in->data + 8), ==, 0xbb);
	prin(f, f->a, 0, &r);
	g_assert_cmpuint(iproto_get_be32(r.in->data + 4), ==, 8);
	/* a is no longer registered: it cannot move it back */
	scsi_run(f->t, f->a, 0, c, 10, (guint32) len, p, len, &r);
	g_assert_cmpuint(r.status, ==, CONFLICT);
	scsi_result_clear(&r);
}

/* Registrations are bounded: many nexuses cannot grow them without end. */
static void test_registration_limit(Fx *f, gconstpointer data)
{
	GPtrArray *ns = g_ptr_array_new();
	guint ok = 0;
	guint8 last = GOOD;

	for (guint i = 0; i < 1100 && last == GOOD; i++) {
		guint8 isid[6] = { 0x80, 0, 0, 0, (guint8) (i >> 8), (guint8) i };
		TgtNexus *n = tgt_scsi_nexus_new(f->t, "iqn.2026-11.test.itnexus:many", isid, 1);

		g_ptr_array_add(ns, n);
		scsi_clear_ua(f->t, n, 0);
		last = prout(f, n, 0, 0, 0, 0x1000 + i);
		if (last == GOOD)
			ok++;
	}
	g_assert_cmpuint(ok, ==, 1024);
	g_assert_cmpuint(last, ==, TGT_SCSI_CHECK_CONDITION);
	for (guint i = 0; i < ns->len; i++)
		tgt_scsi_nexus_free(ns->pdata[i]);
	g_ptr_array_unref(ns);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/scsi/pr/register-read-keys", Fx, NULL, fx_setup, test_register_read_keys, fx_teardown);
	g_test_add("/scsi/pr/access-types", Fx, NULL, fx_setup, test_access_types, fx_teardown);
	g_test_add("/scsi/pr/release-preempt", Fx, NULL, fx_setup, test_release_preempt, fx_teardown);
	g_test_add("/scsi/pr/registration-limit", Fx, NULL, fx_setup, test_registration_limit, fx_teardown);
	g_test_add("/scsi/pr/register-and-move", Fx, NULL, fx_setup, test_register_and_move, fx_teardown);
	return g_test_run();
}
