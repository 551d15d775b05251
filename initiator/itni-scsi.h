/* SCSI commands over an ItniSession, asynchronously with completion
 * callbacks, or synchronously through thin wrappers.
 *
 * Data buffers are given as iovecs (scatter-gather).  Write data is handed to
 * sendmsg() straight from the caller's buffers (never copied on the way to
 * the socket when data digests are off); read data is received into the
 * caller's buffers.  The buffers and the iovec array itself must stay valid
 * until the callback has returned.
 *
 * A task is owned by the library: it is valid inside its callback and freed
 * when the callback returns.  Transport failures (the session was lost for
 * longer than the replacement timeout, logout, abort) arrive as a GError;
 * otherwise the SCSI status and sense data tell how the command ended. */
#pragma once
#include <glib.h>
#include <sys/uio.h>

#include "itni-session.h"

G_BEGIN_DECLS

typedef struct ItniTask ItniTask;
typedef void (*ItniTaskFunc)(ItniTask *task, gpointer user_data);

typedef enum {
	ITNI_DIR_NONE = 0,
	ITNI_DIR_READ,  /* data-in: target to initiator */
	ITNI_DIR_WRITE, /* data-out: initiator to target */
} ItniDirection;

/* SAM status codes the callers test most often. */
enum {
	ITNI_STATUS_GOOD = 0x00,
	ITNI_STATUS_CHECK_CONDITION = 0x02,
	ITNI_STATUS_BUSY = 0x08,
	ITNI_STATUS_RESERVATION_CONFLICT = 0x18,
	ITNI_STATUS_TASK_SET_FULL = 0x28,
};

/* Submit a command.  cdb_len <= 16.  iov/iovcnt describe the data buffer
 * (NULL/0 for none); the expected transfer length is their total size. */
void itni_scsi_submit(ItniSession *s, guint64 lun, const guint8 *cdb, gsize cdb_len,
	ItniDirection dir, const struct iovec *iov, guint iovcnt,
	ItniTaskFunc done, gpointer user_data);

/* Inside a callback: how the task ended. */
const GError *itni_task_get_error(ItniTask *t);   /* NULL unless transport failure */
guint8 itni_task_get_status(ItniTask *t);          /* SAM status */
const guint8 *itni_task_get_sense(ItniTask *t, gsize *len);
/* Bytes the target did not transfer (underflow > 0) or would have
 * transferred beyond the buffer (overflow < 0), RFC 7143 sec. 11.4.5. */
gint64 itni_task_get_residual(ItniTask *t);
/* The sense key / ASC / ASCQ of a CHECK CONDITION, 0 otherwise. */
guint8 itni_task_get_sense_key(ItniTask *t);
guint16 itni_task_get_asc_ascq(ItniTask *t);
/* A GError for a failed task (transport error or non-GOOD status with the
 * sense decoded in the message), or NULL for GOOD. */
GError *itni_task_to_error(ItniTask *t);

/* Block I/O conveniences: READ (16) / WRITE (16) of nblocks logical blocks
 * of block_size bytes, the data in iov. */
void itni_read_async(ItniSession *s, guint64 lun, guint64 lba, guint32 nblocks,
	const struct iovec *iov, guint iovcnt, ItniTaskFunc done, gpointer user_data);
void itni_write_async(ItniSession *s, guint64 lun, guint64 lba, guint32 nblocks, gboolean fua,
	const struct iovec *iov, guint iovcnt, ItniTaskFunc done, gpointer user_data);

/* Synchronous wrappers: submit, wait, turn non-GOOD status into a GError.
 * Each returns FALSE with error set on failure. */
gboolean itni_scsi_sync(ItniSession *s, guint64 lun, const guint8 *cdb, gsize cdb_len,
	ItniDirection dir, const struct iovec *iov, guint iovcnt, gsize *transferred, GError **error);
gboolean itni_test_unit_ready_sync(ItniSession *s, guint64 lun, GError **error);

typedef struct {
	guint8 peripheral_type;   /* 0 disk, 0x0c controller, ... */
	guint8 peripheral_qualifier;
	char vendor[9], product[17], revision[5];
	char serial[64];          /* VPD 0x80, empty if absent */
	gboolean removable;
	guint8 version;
} ItniInquiry;
gboolean itni_inquiry_sync(ItniSession *s, guint64 lun, ItniInquiry *out, GError **error);
/* Any INQUIRY page raw (evpd page when evpd is TRUE). */
gboolean itni_inquiry_page_sync(ItniSession *s, guint64 lun, gboolean evpd, guint8 page,
	guint8 *buf, gsize len, gsize *got, GError **error);

typedef struct {
	guint64 n_blocks;      /* last LBA + 1 */
	guint32 block_size;
	gboolean thin;         /* LBPME: UNMAP supported */
	gboolean zeroes;       /* LBPRZ: unmapped blocks read as zeros */
} ItniCapacity;
gboolean itni_read_capacity_sync(ItniSession *s, guint64 lun, ItniCapacity *out, GError **error);
/* REPORT LUNS: the LUN numbers (flat/peripheral addressing decoded). */
gboolean itni_report_luns_sync(ItniSession *s, GArray **luns_out /* guint64 */, GError **error);
gboolean itni_read_sync(ItniSession *s, guint64 lun, guint64 lba, guint32 nblocks,
	const struct iovec *iov, guint iovcnt, GError **error);
gboolean itni_write_sync(ItniSession *s, guint64 lun, guint64 lba, guint32 nblocks,
	const struct iovec *iov, guint iovcnt, GError **error);
gboolean itni_sync_cache_sync(ItniSession *s, guint64 lun, GError **error);
/* UNMAP one extent (SBC-3 sec. 5.28). */
gboolean itni_unmap_sync(ItniSession *s, guint64 lun, guint64 lba, guint32 nblocks, GError **error);

/* Task management (RFC 7143 sec. 11.5): LOGICAL UNIT RESET and ABORT TASK SET
 * on a LUN.  Aborted commands complete with ITNI_ERROR_ABORTED. */
typedef enum {
	ITNI_TMF_ABORT_TASK_SET = 2,
	ITNI_TMF_CLEAR_TASK_SET = 4,
	ITNI_TMF_LUN_RESET = 5,
	ITNI_TMF_TARGET_WARM_RESET = 6,
} ItniTmf;
gboolean itni_task_mgmt_sync(ItniSession *s, ItniTmf function, guint64 lun, GError **error);

G_END_DECLS
