/* Private structures of the SCSI emulation, shared by the target/scsi-*.c
 * files.  The iSCSI layer sees only target/scsi.h. */
#pragma once
#include "target/scsi.h"
#include <errno.h>
#include <string.h>
#include "target/backstore.h"
#include "libiscsi-proto/iproto-bytes.h"
#include "libiscsi-proto/iproto-cdb.h"
#include "libiscsi-proto/iproto-sense.h"

#define TGT_VENDOR "ITNEXUS "      /* T10 vendor id: 8 bytes, space padded */
#define TGT_PRODUCT "itnexus disk"
#define TGT_REVISION "0001"
#define TGT_MAX_UA 8               /* unit attentions queued per nexus and LUN */
/* WRITE SAME / UNMAP per command: below 65536, for libiscsi's WriteSame16
 * Unmap test writes that many blocks in one WRITE(16) first, beyond our
 * MAXIMUM TRANSFER LENGTH */
#define TGT_MAX_WS_BLOCKS 32768
#define TGT_MAX_CAW_BLOCKS 255     /* COMPARE AND WRITE (one byte NUMBER OF LOGICAL BLOCKS) */
#define TGT_MAX_UNMAP_DESCRIPTORS 256
/* Bounds on state a hostile initiator could grow by logging in with ever
 * new ISIDs: registrations per LUN (then INSUFFICIENT REGISTRATION
 * RESOURCES), and remembered nexus identities per LUN (beyond it, a lost
 * nexus is forgotten instead of keeping its I_T NEXUS LOSS attention). */
#define TGT_MAX_PR_REGS 1024
#define TGT_MAX_NEXUS_STATE 4096
/* One GET LBA STATUS descriptor covers at most this many blocks, which
 * bounds the work of one command. */
#define TGT_MAX_LBA_STATUS_RUN (1u << 24)

struct TgtScsiTarget {
	gint ref;
	char *name;
	GRWLock lock;             /* luns and nexus_keys */
	GHashTable *luns;         /* GUINT_TO_POINTER(lun) -> TgtLun* */
	GHashTable *nexus_keys;   /* nexus key -> count of live TgtNexus */
	gint next_copy_id;
};

/* Result of an EXTENDED COPY held for RECEIVE COPY RESULTS. */
typedef struct {
	gboolean held;
	guint8 status;            /* COPY MANAGER STATUS */
	guint16 segments;
	guint64 bytes;
} TgtCopyResult;

struct TgtNexus {
	TgtScsiTarget *target;
	GMutex lock;              /* copy_results */
	TgtCopyResult copy_results[256]; /* by LIST IDENTIFIER (scsi-xcopy.c) */
	char *initiator_name;
	char *port_name;          /* "iqn...,i,0x<isid>" (RFC 7143 sec. 4.4.1) */
	char *key;                /* port_name + "|" + rtpi: the I_T nexus identity */
	guint8 isid[6];
	guint16 tpgt;
	guint16 rtpi;             /* relative target port identifier */
};

/* Per LUN and per I_T nexus identity (by key): survives session loss. */
typedef struct {
	guint16 ua[TGT_MAX_UA];   /* IPROTO_ASC codes, oldest first */
	guint n_ua;
	gboolean prevent;         /* PREVENT ALLOW MEDIUM REMOVAL */
} TgtLunNexusState;

/* One persistent reservation registration (SPC-4 5.12.6). */
typedef struct {
	char *key;                /* nexus key (port + rtpi) */
	char *port_name;          /* initiator port name, for TransportIDs */
	guint16 rtpi;
	guint64 res_key;
} TgtPrReg;

/* Mode pages a client may change (SPC-4 7.5, SBC-3 6.4). */
typedef struct {
	gboolean wce;             /* caching page: write cache enable */
	gboolean rcd;             /* read cache disable */
	gboolean d_sense;         /* control page: descriptor format sense */
	gboolean swp;             /* software write protect */
	guint8 mrie;              /* informational exceptions: method of reporting */
	gboolean dexcpt;
} TgtModeState;

struct TgtLun {
	gint ref;
	guint lun;
	TgtScsiTarget *target;    /* not a reference: the target outlives its LUNs' use */
	TgtBackstore *bs;
	guint32 block_size;
	guint block_shift;
	guint64 nblocks;
	gboolean read_only;
	char *product;
	char *serial;
	guint8 naa[16];           /* NAA IEEE Registered Extended designator */

	/* ordinary writes hold it shared; COMPARE AND WRITE holds it exclusive
	 * so the compare and the write are atomic (SBC-3 5.2) */
	GRWLock io_lock;

	GMutex lock;              /* everything below */
	gint ua_pending;          /* atomic: nonzero when any nexus has a UA queued */
	gint reserved;            /* atomic: nonzero when an SPC-2 or persistent reservation exists */
	GHashTable *nexus_state;  /* nexus key -> TgtLunNexusState* */
	TgtModeState mode, mode_saved;
	gint stopped;             /* atomic: START STOP UNIT with START=0 */
	/* SPC-2 RESERVE(6/10) */
	char *spc2_holder;        /* nexus key or NULL */
	/* persistent reservations */
	guint32 pr_generation;
	GPtrArray *pr_regs;       /* of TgtPrReg* */
	TgtPrReg *pr_holder;      /* NULL, or the holder (for all-registrants types: any registrant) */
	guint8 pr_type;           /* 0 when not reserved */
	gboolean pr_all_regs;     /* type 7/8: every registrant holds it */
};

/* REPORT SUPPORTED OPERATION CODES / dispatch table row (scsi-opcodes.c). */
typedef enum {
	TGT_PR_ALLOWED,           /* allowed under any reservation */
	TGT_PR_READ,              /* conflicts under exclusive access types */
	TGT_PR_WRITE,             /* conflicts under every type */
	TGT_PR_OWN,               /* checked by the command itself (PR OUT, RESERVE, RELEASE) */
} TgtPrClass;

enum {
	TGT_OP_NO_LUN = 1 << 0,     /* served even when the LUN does not exist */
	TGT_OP_UA_EXEMPT = 1 << 1,  /* neither reports nor clears unit attentions (SAM-5 5.14) */
	TGT_OP_MEDIUM_WRITE = 1 << 2, /* refused on a write-protected LUN */
	TGT_OP_NEED_READY = 1 << 3, /* NOT READY when stopped */
	TGT_OP_SPC2_ALLOWED = 1 << 4, /* allowed under an SPC-2 reservation of another nexus */
	TGT_OP_TRUNCATE = 1 << 5,   /* EDTL < transfer length: write the first EDTL bytes (FCP-4 9.4.2 a) */
	TGT_OP_EXACT_OUT = 1 << 6,  /* data-out must be exactly the size the CDB implies */
};

typedef struct TgtScsiOp {
	guint8 opcode;
	gint16 sa;                  /* service action, -1 when none */
	guint8 cdb_len;
	guint8 flags;               /* TGT_OP_* */
	guint8 pr_class;            /* TgtPrClass */
	const char *name;
	/* Checks the CDB and sets cmd->out_len; FALSE with sense set on error.
	 * NULL: no data-out, no checks before execution. */
	gboolean (*prepare)(TgtScsiCmd *cmd);
	void (*execute)(TgtScsiCmd *cmd);
} TgtScsiOp;

/* scsi-opcodes.c */
const TgtScsiOp *tgt_scsi_op_find(guint8 opcode, guint8 sa, gboolean *sa_invalid);
const TgtScsiOp *tgt_scsi_op_at(gsize i);
gboolean tgt_scsi_op_has_sa(guint8 opcode);

/* scsi-cmd.c: results */
void tgt_scsi_cmd_sense(TgtScsiCmd *cmd, guint8 key, guint16 asc);
void tgt_scsi_cmd_sense_info(TgtScsiCmd *cmd, guint8 key, guint16 asc, guint64 info);
/* ILLEGAL REQUEST, INVALID FIELD IN CDB with the field pointer (bit -1: none) */
void tgt_scsi_cmd_bad_cdb(TgtScsiCmd *cmd, guint16 byte, int bit);
/* ILLEGAL REQUEST, INVALID FIELD IN PARAMETER LIST with the field pointer */
void tgt_scsi_cmd_bad_param(TgtScsiCmd *cmd, guint16 byte, int bit);
void tgt_scsi_cmd_conflict(TgtScsiCmd *cmd);
/* A pooled buffer owned by the command until done (at most two). */
gpointer tgt_scsi_cmd_buf(TgtScsiCmd *cmd, gsize len);
/* A data-in buffer of len bytes (zeroed), truncated later by alloc_len. */
guint8 *tgt_scsi_cmd_data_in(TgtScsiCmd *cmd, gsize len);
/* Sets the produced length to min(len, alloc_len). */
void tgt_scsi_cmd_data_in_len(TgtScsiCmd *cmd, gsize len, gsize alloc_len);
/* Applies a failed backstore call (-errno) as a sense. */
void tgt_scsi_cmd_io_error(TgtScsiCmd *cmd, int err, gboolean write);
static inline TgtLun *tgt_scsi_cmd_lun(TgtScsiCmd *cmd)
{
	return cmd->priv.lun;
}
/* Builds sense in the LUN's current format into buf; returns its length. */
gsize tgt_scsi_lun_build_sense(TgtLun *lun, guint8 *buf, const IProtoSense *s);

/* Block command helpers (scsi-sbc.c): LBA range check -> LBA OUT OF RANGE. */
gboolean tgt_scsi_check_range(TgtScsiCmd *cmd, guint64 lba, guint64 blocks);
/* Write protection (read-only LUN or SWP) -> DATA PROTECT, WRITE PROTECTED. */
gboolean tgt_scsi_check_writable(TgtScsiCmd *cmd);

/* scsi-ua.c: unit attentions */
void tgt_scsi_ua_queue(TgtLun *lun, const char *nexus_key, guint16 asc);
void tgt_scsi_ua_queue_all(TgtLun *lun, const char *except_key, guint16 asc);
/* Pops the oldest UA for this nexus (0 when none). */
guint16 tgt_scsi_ua_pop(TgtLun *lun, const char *nexus_key);
/* Removes queued UAs equal to asc (REPORT LUNS clears 3F/0E). */
void tgt_scsi_ua_clear(TgtLun *lun, const char *nexus_key, guint16 asc);
/* With lun->lock held. */
TgtLunNexusState *tgt_scsi_lun_nexus_state(TgtLun *lun, const char *nexus_key, gboolean create);

/* scsi-target.c */
TgtLun *tgt_scsi_target_get_lun(TgtScsiTarget *t, guint lun);
TgtLun *tgt_scsi_lun_ref(TgtLun *lun);
void tgt_scsi_lun_unref(TgtLun *lun);
/* Decodes the 8-byte LUN field (SAM-5 4.7): peripheral or flat addressing.
 * Returns FALSE for other methods or nonzero levels below the first. */
gboolean tgt_scsi_lun_decode(guint64 field, guint *lun);
guint64 tgt_scsi_lun_encode(guint lun);
/* Resets what a logical unit reset resets (SAM-5 6.3.3) */
void tgt_scsi_lun_reset_state(TgtLun *lun);

/* scsi-pr.c: access check of one command against reservations (SPC-4 5.12.3
 * tables); FALSE means RESERVATION CONFLICT. */
gboolean tgt_scsi_pr_check(TgtScsiCmd *cmd, const TgtScsiOp *op);
void tgt_scsi_pr_nexus_lost(TgtLun *lun, const char *nexus_key);
void tgt_scsi_pr_free(TgtLun *lun);

/* scsi-mode.c */
void tgt_scsi_mode_init(TgtLun *lun);


/* Command handlers, one file per family. */
/* scsi-xcopy.c */
gboolean tgt_scsi_prep_xcopy(TgtScsiCmd *cmd);
void tgt_scsi_exec_xcopy(TgtScsiCmd *cmd);
void tgt_scsi_exec_receive_copy_results(TgtScsiCmd *cmd);
/* scsi-spc.c */
void tgt_scsi_exec_test_unit_ready(TgtScsiCmd *cmd);
void tgt_scsi_exec_request_sense(TgtScsiCmd *cmd);
void tgt_scsi_exec_report_luns(TgtScsiCmd *cmd);
void tgt_scsi_exec_start_stop(TgtScsiCmd *cmd);
void tgt_scsi_exec_prevent_allow(TgtScsiCmd *cmd);
void tgt_scsi_exec_reserve(TgtScsiCmd *cmd);
void tgt_scsi_exec_release(TgtScsiCmd *cmd);
void tgt_scsi_exec_report_opcodes(TgtScsiCmd *cmd);
void tgt_scsi_exec_report_tmfs(TgtScsiCmd *cmd);
/* scsi-inquiry.c */
void tgt_scsi_exec_inquiry(TgtScsiCmd *cmd);
/* scsi-mode.c */
void tgt_scsi_exec_mode_sense(TgtScsiCmd *cmd);
gboolean tgt_scsi_prep_mode_select(TgtScsiCmd *cmd);
void tgt_scsi_exec_mode_select(TgtScsiCmd *cmd);
/* scsi-sbc.c */
void tgt_scsi_exec_read_capacity10(TgtScsiCmd *cmd);
void tgt_scsi_exec_read_capacity16(TgtScsiCmd *cmd);
gboolean tgt_scsi_prep_read(TgtScsiCmd *cmd);
void tgt_scsi_exec_read(TgtScsiCmd *cmd);
gboolean tgt_scsi_prep_write(TgtScsiCmd *cmd);
void tgt_scsi_exec_write(TgtScsiCmd *cmd);
gboolean tgt_scsi_prep_verify(TgtScsiCmd *cmd);
void tgt_scsi_exec_verify(TgtScsiCmd *cmd);
void tgt_scsi_exec_write_verify(TgtScsiCmd *cmd);
gboolean tgt_scsi_prep_sync(TgtScsiCmd *cmd);
void tgt_scsi_exec_sync(TgtScsiCmd *cmd);
void tgt_scsi_exec_prefetch(TgtScsiCmd *cmd);
void tgt_scsi_exec_orwrite(TgtScsiCmd *cmd);
/* scsi-sbc-lbp.c */
gboolean tgt_scsi_prep_write_same(TgtScsiCmd *cmd);
void tgt_scsi_exec_write_same(TgtScsiCmd *cmd);
gboolean tgt_scsi_prep_unmap(TgtScsiCmd *cmd);
void tgt_scsi_exec_unmap(TgtScsiCmd *cmd);
void tgt_scsi_exec_get_lba_status(TgtScsiCmd *cmd);
/* scsi-caw.c */
gboolean tgt_scsi_prep_caw(TgtScsiCmd *cmd);
void tgt_scsi_exec_caw(TgtScsiCmd *cmd);
/* scsi-pr.c */
void tgt_scsi_exec_pr_in(TgtScsiCmd *cmd);
gboolean tgt_scsi_prep_pr_out(TgtScsiCmd *cmd);
void tgt_scsi_exec_pr_out(TgtScsiCmd *cmd);

/* A generic "parameter list of N bytes from CDB" prepare: sets out_len
 * from the allocation/parameter list length at cdb[off..off+width). */
gboolean tgt_scsi_prep_param_list(TgtScsiCmd *cmd, guint off, guint width, guint32 max);
