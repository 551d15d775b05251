/* The interface between the iSCSI layer of itn-targetd and its SCSI
 * emulation (SPC-4 / SBC-3 direct-access block device).
 *
 * Objects:
 *   TgtScsiTarget  the SCSI target device of one iSCSI target: its LUN table.
 *   TgtNexus       one I_T nexus: an iSCSI session (initiator port
 *                  "InitiatorName,i,0xISID" and target port
 *                  "TargetName,t,0xTPGT", RFC 7143 sec. 4.4.1 / SPC-4 7.6.4).
 *                  Reservations, registrations and unit attentions hang off it.
 *   TgtScsiCmd     one SCSI command; a struct the iSCSI layer embeds in its own
 *                  task object (no allocation per command).
 *
 * Life of a command (see doc/scsi.md for the whole story):
 *   tgt_scsi_cmd_init(cmd)             once per task slot, or after _done()
 *   fill cmd->nexus, lun, cdb, cdb_len, task_attr, edtl, flags
 *   tgt_scsi_cmd_prepare(target, cmd)  parses the CDB, checks LUN, unit
 *        attentions, reservations, ranges.  Returns TGT_SCSI_PREP_EXECUTE with
 *        cmd->out_len = data-out bytes to receive into cmd->out_buf (a pooled
 *        buffer, possibly 0 bytes), or TGT_SCSI_PREP_DONE when the response
 *        (status, sense, maybe data-in) is already final: then receive and
 *        discard whatever data-out the initiator sends unsolicited, send the
 *        response, and do not call execute.
 *   receive cmd->out_len bytes into cmd->out_buf (R2T / immediate / unsolicited)
 *   tgt_scsi_cmd_execute(cmd)           runs it (blocking I/O: call it from a
 *        worker thread; many threads may execute commands at once)
 *   send cmd->in_iov[0..in_iovcnt) (in_len bytes, truncated to EDTL by the
 *        iSCSI layer), then status/sense; residuals from edtl vs in_len/out_len
 *   tgt_scsi_cmd_done(cmd)             returns pooled buffers and the LUN ref
 *
 * Zero copy: for mem: backstores in_iov points straight into the LUN's RAM;
 * for file: backstores it points into a pooled buffer filled with preadv.
 * Either stays valid until tgt_scsi_cmd_done().
 *
 * Thread safety: every function here may be called from any thread.
 * Commands on the same or different LUNs run concurrently; the SCSI layer
 * locks internally (per LUN) only where SPC-4/SBC-3 need atomicity.
 */
#pragma once
#include <glib.h>
#include <stdint.h>
#include <sys/uio.h>

G_BEGIN_DECLS

/* SAM-5 sec. 5.3.1 status codes. */
enum {
	TGT_SCSI_GOOD = 0x00,
	TGT_SCSI_CHECK_CONDITION = 0x02,
	TGT_SCSI_CONDITION_MET = 0x04,
	TGT_SCSI_BUSY = 0x08,
	TGT_SCSI_RESERVATION_CONFLICT = 0x18,
	TGT_SCSI_TASK_SET_FULL = 0x28,
	TGT_SCSI_TASK_ABORTED = 0x40,
};

/* RFC 7143 sec. 11.3.1 ATTR field. */
typedef enum {
	TGT_TASK_UNTAGGED = 0,
	TGT_TASK_SIMPLE = 1,
	TGT_TASK_ORDERED = 2,
	TGT_TASK_HEAD_OF_QUEUE = 3,
	TGT_TASK_ACA = 4,
} TgtTaskAttr;

/* cmd->flags, from the SCSI Command PDU. */
enum {
	TGT_CMD_F_READ = 1 << 0,  /* R bit */
	TGT_CMD_F_WRITE = 1 << 1, /* W bit */
};

#define TGT_SCSI_CDB_MAX 260   /* 16 + Extended CDB AHS (RFC 7143 sec. 11.2.2.3) */
#define TGT_SCSI_SENSE_MAX 252 /* SPC-4 4.5.1: sense data is at most 252 bytes */
#define TGT_SCSI_IN_IOV_MAX 4
/* Largest data transfer of one command (reported in the Block Limits VPD page,
 * so initiators split larger I/O). */
#define TGT_SCSI_MAX_XFER (8u * 1024 * 1024)
#define TGT_SCSI_MAX_LUN 16383 /* flat space addressing, SAM-5 4.7.7 */

/* Errors of the configuration calls (adding LUNs, opening backstores). */
#define TGT_SCSI_ERROR (tgt_scsi_error_quark())
GQuark tgt_scsi_error_quark(void);
typedef enum {
	TGT_SCSI_ERROR_INVALID,   /* bad backstore spec, size, block size, LUN number */
	TGT_SCSI_ERROR_EXISTS,    /* LUN number already used */
	TGT_SCSI_ERROR_NOT_FOUND, /* no such LUN */
	TGT_SCSI_ERROR_IO,        /* the backing file could not be opened or sized */
} TgtScsiError;

typedef struct TgtScsiTarget TgtScsiTarget;
typedef struct TgtNexus TgtNexus;
typedef struct TgtLun TgtLun;

typedef enum {
	TGT_SCSI_PREP_EXECUTE, /* receive out_len bytes into out_buf, then execute */
	TGT_SCSI_PREP_DONE,    /* response is final; do not execute */
} TgtScsiPrep;

typedef struct {
	/* in: set by the iSCSI layer before tgt_scsi_cmd_prepare() */
	TgtNexus *nexus;
	guint64 lun;               /* the 8-byte LUN field of the BHS, big-endian decoded */
	guint8 cdb[TGT_SCSI_CDB_MAX];
	guint16 cdb_len;           /* 16, or 16 + extended CDB length */
	guint8 task_attr;          /* TgtTaskAttr */
	guint8 flags;              /* TGT_CMD_F_* */
	guint32 edtl;              /* Expected Data Transfer Length */

	/* out of prepare: data-out the command needs (SPDTL for writes).  When
	 * edtl < out_len SBC/FCP-4 rules apply: prepare already answers CHECK
	 * CONDITION, ILLEGAL REQUEST, INVALID FIELD IN COMMAND INFORMATION UNIT
	 * (0E/03) and returns DONE; residual overflow = out_len - edtl.  When
	 * edtl > out_len only out_len bytes are solicited, residual underflow. */
	guint32 out_len;
	guint8 *out_buf;           /* out_len bytes, pooled, 8-byte aligned */

	/* out of prepare (DONE) or execute: the response */
	guint8 status;             /* TGT_SCSI_GOOD, ... */
	guint8 sense_len;          /* 0 unless CHECK CONDITION */
	guint8 sense[TGT_SCSI_SENSE_MAX];
	guint32 in_len;            /* data-in bytes produced (sum of in_iov) */
	int in_iovcnt;
	struct iovec in_iov[TGT_SCSI_IN_IOV_MAX];

	/* private to the SCSI layer */
	struct {
		TgtLun *lun;
		const void *op;        /* opcode table entry */
		gpointer bufs[2];      /* pooled buffers to give back */
		gsize buf_sizes[2];
		guint64 lba;
		guint32 nblocks;
		guint8 small[64];      /* short data-in (TEST/MODE/READ CAP...) */
	} priv;
} TgtScsiCmd;

/* Backstore and identity of one LUN. */
typedef struct {
	const char *backstore;     /* "file:PATH" (regular file or block device) or "mem:SIZE" (64M, 1G, ...) */
	guint32 block_size;        /* 512 (when 0) or 4096 */
	gboolean read_only;
	const char *product;       /* INQUIRY product id, NULL: "itnexus disk" */
	const char *serial;        /* unit serial number, NULL: derived from target name + LUN */
} TgtLunSpec;

/* ---- targets and LUNs ---- */

TgtScsiTarget *tgt_scsi_target_new(const char *target_name);
TgtScsiTarget *tgt_scsi_target_ref(TgtScsiTarget *t);
void tgt_scsi_target_unref(TgtScsiTarget *t);
const char *tgt_scsi_target_name(const TgtScsiTarget *t);

/* Adds LUN number `lun` (0..TGT_SCSI_MAX_LUN).  Existing nexuses get REPORTED
 * LUNS DATA HAS CHANGED (3F/0E) on their next command. */
gboolean tgt_scsi_target_add_lun(TgtScsiTarget *t, guint lun, const TgtLunSpec *spec, GError **error);
/* Removes a LUN; commands in flight keep their reference until done. */
gboolean tgt_scsi_target_remove_lun(TgtScsiTarget *t, guint lun, GError **error);
/* Re-reads the backstore size (file grown or shrunk); raises CAPACITY DATA HAS
 * CHANGED (2A/09) when it changed. */
gboolean tgt_scsi_target_rescan_lun(TgtScsiTarget *t, guint lun, GError **error);
/* Number of LUNs, and their numbers in ascending order (caller frees). */
guint *tgt_scsi_target_list_luns(TgtScsiTarget *t, guint *n_luns);
/* Size in bytes and block size of a LUN, FALSE if there is no such LUN. */
gboolean tgt_scsi_target_lun_info(TgtScsiTarget *t, guint lun, guint64 *size_bytes, guint32 *block_size);

/* ---- I_T nexuses ---- */

/* A session was established (login of the leading connection).  isid is the
 * 6-byte ISID; the relative target port identifier is the TPGT (1 when the
 * TPGT is 0).  A nexus with the same initiator port and TPGT as an earlier one
 * (session reinstatement) inherits its registrations and pending unit
 * attentions: SPC-4 ties them to the I_T nexus identity, not to the session. */
TgtNexus *tgt_scsi_nexus_new(TgtScsiTarget *t, const char *initiator_name, const guint8 isid[6], guint16 tpgt);
/* I_T nexus loss (session closed or dropped): releases RESERVE(6/10)
 * reservations and PREVENT ALLOW state of this nexus (SPC-4 5.8.2 / 6.13),
 * queues I_T NEXUS LOSS OCCURRED (29/07) for it.  Call after every command of
 * the session is done. */
void tgt_scsi_nexus_free(TgtNexus *n);
/* "iqn...,i,0x00023d000001" */
const char *tgt_scsi_nexus_initiator_port(const TgtNexus *n);

/* ---- commands ---- */

void tgt_scsi_cmd_init(TgtScsiCmd *cmd);
TgtScsiPrep tgt_scsi_cmd_prepare(TgtScsiTarget *t, TgtScsiCmd *cmd);
void tgt_scsi_cmd_execute(TgtScsiCmd *cmd);
/* Gives back buffers and references; cmd can then be reused after _init(). */
void tgt_scsi_cmd_done(TgtScsiCmd *cmd);

/* ---- task management effects (RFC 7143 sec. 11.5, SAM-5 7) ----
 * The iSCSI layer tracks and aborts its tasks itself (a command already in
 * tgt_scsi_cmd_execute() runs to completion; its response is dropped).  These
 * apply what SPC-4 says the reset or abort does to the logical unit. */

/* ABORT TASK SET / CLEAR TASK SET issued by `from`: with CLEAR TASK SET the
 * other nexuses in `others_with_tasks` whose tasks were aborted get COMMANDS
 * CLEARED BY ANOTHER INITIATOR (2F/00) (SAM-5 7.4, TAS=0). */
void tgt_scsi_task_set_cleared(TgtScsiTarget *t, guint64 lun, TgtNexus *from,
			       TgtNexus *const *others_with_tasks, guint n_others);
/* LOGICAL UNIT RESET: RESERVE(6/10) reservation released, PREVENT state
 * cleared, mode pages back to saved values; every nexus but `from` gets BUS
 * DEVICE RESET FUNCTION OCCURRED (29/03).  Persistent reservations survive
 * (SPC-4 5.12.11). */
gboolean tgt_scsi_lun_reset(TgtScsiTarget *t, guint64 lun, TgtNexus *from);
/* TARGET WARM RESET (29/03 for other nexuses) / TARGET COLD RESET (29/01 for
 * all): the LU reset applied to every LUN of the target. */
void tgt_scsi_target_reset(TgtScsiTarget *t, gboolean cold, TgtNexus *from);

/* ---- buffer pool, shared by all targets ---- */

/* Returns a buffer of at least `size` bytes from the pool (sizes up to
 * TGT_SCSI_MAX_XFER are recycled, never freed in steady state). */
gpointer tgt_scsi_buf_get(gsize size, gsize *real_size);
void tgt_scsi_buf_put(gpointer buf, gsize real_size);

G_END_DECLS
