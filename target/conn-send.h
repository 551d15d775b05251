/* conn-send.h: the send side of a connection.
 *
 * Outgoing PDUs are appended to trains (IProtoIov, libiscsi-proto/iproto-iov.h:
 * header bytes + caller data iovecs + padding + digests, no data copy), and
 * each train goes out with one sendmsg(); partial writes advance.  A train
 * remembers completion callbacks so the owner of the data (a SCSI command's
 * read buffer, backstore RAM) is released only once its bytes are on the
 * socket.  Trains are recycled through a free list: the steady state
 * allocates nothing. */
#pragma once
#include <glib.h>
#include <sys/uio.h>
#include "libiscsi-proto/iproto-iov.h"

G_BEGIN_DECLS

/* Called when the train carrying a PDU is written (sent=TRUE) or dropped
 * because the connection closed (sent=FALSE). */
typedef void (*TgtTxDoneFunc) (gpointer data, gboolean sent);

typedef struct {
  GQueue trains;                 /* of TgtTxTrain, head is being sent */
  GQueue free;
  gboolean hdigest, ddigest;     /* for trains started from now on */
  guint64 bytes_sent;
} TgtTxQueue;

void tgt_tx_queue_init (TgtTxQueue *q);
/* Drops unsent trains (callbacks get sent=FALSE) and frees everything. */
void tgt_tx_queue_clear (TgtTxQueue *q);
/* Digests negotiated at the end of login apply to PDUs added after this. */
void tgt_tx_set_digests (TgtTxQueue *q, gboolean hdigest, gboolean ddigest);

/* Queue a PDU whose data stays where it is until done(data, sent) runs.
 * done may be NULL. */
void tgt_tx_add (TgtTxQueue *q, const IProtoPdu *pdu, const struct iovec *data, unsigned n_data,
                 TgtTxDoneFunc done, gpointer done_data);
/* Queue a PDU with a copy of a short data segment (text, sense, ping data). */
void tgt_tx_add_copy (TgtTxQueue *q, const IProtoPdu *pdu, const void *data, gsize len);

/* Writes as much as the socket takes.  Returns 1 when the queue is empty,
 * 0 when the socket would block (wait for EPOLLOUT), -1 on error (errno). */
int tgt_tx_flush (TgtTxQueue *q, int fd);
gboolean tgt_tx_pending (const TgtTxQueue *q);

G_END_DECLS
