/* Shared by the tests/unit/test-scsi-*.c programs: runs one CDB through
 * tgt_scsi_cmd_prepare/execute like the iSCSI layer would, and collects
 * status, sense and data-in. */
#pragma once
#include "target/scsi.h"
#include "libiscsi-proto/iproto-sense.h"
#include "libiscsi-proto/iproto-cdb.h"
#include "libiscsi-proto/iproto-bytes.h"
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	guint8 status;
	gboolean executed;
	guint32 out_len;      /* data-out the command asked for */
	IProtoSense sense;    /* parsed when CHECK CONDITION */
	GByteArray *in;       /* data-in (gathered from the iovecs) */
} ScsiResult;

static inline void scsi_result_clear(ScsiResult *r)
{
	if (r->in)
		g_byte_array_unref(r->in);
	memset(r, 0, sizeof *r);
}

/* edtl: expected transfer length; out/out_len: data-out (W bit when set). */
static inline void scsi_run(TgtScsiTarget *t, TgtNexus *n, guint lun, const guint8 *cdb, gsize cdb_len,
			    guint32 edtl, const void *out, gsize out_len, ScsiResult *r)
{
	TgtScsiCmd *cmd = g_new(TgtScsiCmd, 1);

	scsi_result_clear(r);
	tgt_scsi_cmd_init(cmd);
	cmd->nexus = n;
	cmd->lun = lun < 256 ? (guint64) lun << 48 : (guint64) (0x4000 | lun) << 48;
	memcpy(cmd->cdb, cdb, cdb_len);
	cmd->cdb_len = (guint16) MAX(cdb_len, (gsize) 16);
	cmd->task_attr = 1;
	cmd->flags = out ? 2 : 1;
	cmd->edtl = edtl;
	if (tgt_scsi_cmd_prepare(t, cmd) == TGT_SCSI_PREP_EXECUTE) {
		r->executed = TRUE;
		r->out_len = cmd->out_len;
		/* the iSCSI layer solicits min(out_len, EDTL) bytes */
		gsize want = MIN((gsize) cmd->out_len, (gsize) cmd->edtl);

		g_assert_cmpuint(want, <=, out_len);
		if (want)
			memcpy(cmd->out_buf, out, want);
		tgt_scsi_cmd_execute(cmd);
	} else {
		r->out_len = cmd->out_len;
	}
	r->status = cmd->status;
	r->in = g_byte_array_new();
	for (int i = 0; i < cmd->in_iovcnt; i++)
		g_byte_array_append(r->in, cmd->in_iov[i].iov_base, (guint) cmd->in_iov[i].iov_len);
	g_assert_cmpuint(r->in->len, ==, cmd->in_len);
	if (cmd->status == TGT_SCSI_CHECK_CONDITION)
		g_assert_true(iproto_sense_parse(cmd->sense, cmd->sense_len, &r->sense, NULL));
	tgt_scsi_cmd_done(cmd);
	g_free(cmd);
}

/* Runs a data-in or no-data CDB. */
static inline void scsi_in(TgtScsiTarget *t, TgtNexus *n, guint lun, const guint8 *cdb, gsize len, guint32 edtl,
			   ScsiResult *r)
{
	scsi_run(t, n, lun, cdb, len, edtl, NULL, 0, r);
}

#define assert_good(r) g_assert_cmpuint((r)->status, ==, TGT_SCSI_GOOD)
#define assert_sense(r, key_, asc_) do { \
	g_assert_cmpuint((r)->status, ==, TGT_SCSI_CHECK_CONDITION); \
	g_assert_cmphex((r)->sense.key, ==, (key_)); \
	g_assert_cmphex((r)->sense.asc, ==, (asc_)); \
} while (0)

/* Clears the power-on unit attention of a fresh nexus on a LUN. */
static inline void scsi_clear_ua(TgtScsiTarget *t, TgtNexus *n, guint lun)
{
	guint8 tur[6] = { 0 };
	ScsiResult r = { 0 };

	for (int i = 0; i < 10; i++) {
		scsi_in(t, n, lun, tur, 6, 0, &r);
		if (r.status == TGT_SCSI_GOOD)
			break;
	}
	assert_good(&r);
	scsi_result_clear(&r);
}

static inline TgtNexus *scsi_nexus(TgtScsiTarget *t, const char *iname, guint8 isid_last)
{
	guint8 isid[6] = { 0x80, 0x12, 0x34, 0x56, 0x00, isid_last };

	return tgt_scsi_nexus_new(t, iname, isid, 1);
}

/* A sparse temp file of `size` bytes; returns its path (g_free + unlink). */
static inline char *scsi_sparse_file(guint64 size)
{
	char *path = NULL;
	int fd = g_file_open_tmp("itn-scsi-XXXXXX", &path, NULL);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, (off_t) size), ==, 0);
	close(fd);
	return path;
}
