/* conn-send.c: trains of PDUs written with one sendmsg each (conn-send.h). */
#include "config.h"

#include "target/conn-send.h"
#include "libiscsi-proto/iproto-opcode.h"

#include <errno.h>
#include <string.h>

typedef struct {
  TgtTxDoneFunc func;
  gpointer data;
} Done;

typedef struct {
  GList link;
  IProtoIov iov;
  GArray *dones;                 /* of Done */
  GPtrArray *copies;             /* owned data copies, freed on release */
  gboolean closed;               /* no more PDUs: digests changed */
} TgtTxTrain;

void
tgt_tx_queue_init (TgtTxQueue *q)
{
  memset (q, 0, sizeof *q);
  g_queue_init (&q->trains);
  g_queue_init (&q->free);
}

static void
train_release (TgtTxQueue *q, TgtTxTrain *t, gboolean sent)
{
  /* Callbacks may queue new PDUs (a completed task frees a slot that the
   * next command uses), so the train leaves the queue first. */
  for (guint i = 0; i < t->dones->len; i++)
    {
      Done *d = &g_array_index (t->dones, Done, i);
      d->func (d->data, sent);
    }
  g_array_set_size (t->dones, 0);
  g_ptr_array_set_size (t->copies, 0);
  iproto_iov_clear (&t->iov);
  g_queue_push_head_link (&q->free, &t->link);
}

static void
train_free (TgtTxTrain *t)
{
  g_array_unref (t->dones);
  g_ptr_array_unref (t->copies);
  g_free (t);
}

void
tgt_tx_queue_clear (TgtTxQueue *q)
{
  GList *l;
  while ((l = g_queue_pop_head_link (&q->trains)) != NULL)
    train_release (q, l->data, FALSE);
  while ((l = g_queue_pop_head_link (&q->free)) != NULL)
    train_free (l->data);
}

void
tgt_tx_set_digests (TgtTxQueue *q, gboolean hdigest, gboolean ddigest)
{
  q->hdigest = hdigest;
  q->ddigest = ddigest;
  if (q->trains.tail != NULL)
    ((TgtTxTrain *) q->trains.tail->data)->closed = TRUE;
}

/* The train the next PDU of n_data buffers goes into. */
static TgtTxTrain *
train_for (TgtTxQueue *q, unsigned n_data)
{
  TgtTxTrain *t = q->trains.tail != NULL ? q->trains.tail->data : NULL;
  /* The head train may be partly sent: appending to it is fine, IProtoIov
   * keeps its cursor. */
  if (t != NULL && !t->closed && iproto_iov_fits (&t->iov, n_data))
    return t;
  GList *l = g_queue_pop_head_link (&q->free);
  if (l != NULL)
    t = l->data;
  else
    {
      t = g_new0 (TgtTxTrain, 1);
      t->link.data = t;
      t->dones = g_array_new (FALSE, FALSE, sizeof (Done));
      t->copies = g_ptr_array_new_with_free_func (g_free);
    }
  t->closed = FALSE;
  iproto_iov_init (&t->iov, q->hdigest, q->ddigest);
  g_queue_push_tail_link (&q->trains, &t->link);
  return t;
}

void
tgt_tx_add (TgtTxQueue *q, const IProtoPdu *pdu, const struct iovec *data, unsigned n_data,
            TgtTxDoneFunc done, gpointer done_data)
{
  TgtTxTrain *t = train_for (q, n_data);
  g_autoptr (GError) error = NULL;
  /* Our own PDUs always encode (target opcodes, no AHS) and fit an empty
   * train; a failure here is a programming error. */
  if (!iproto_iov_add (&t->iov, pdu, data, n_data, &error))
    g_error ("cannot queue %s PDU: %s", iproto_opcode_name (pdu->opcode), error->message);
  if (done != NULL)
    {
      Done d = { done, done_data };
      g_array_append_val (t->dones, d);
    }
}

void
tgt_tx_add_copy (TgtTxQueue *q, const IProtoPdu *pdu, const void *data, gsize len)
{
  TgtTxTrain *t = train_for (q, 1);
  struct iovec v = { NULL, 0 };
  if (len > 0)
    {
      v.iov_base = g_memdup2 (data, len);
      v.iov_len = len;
      g_ptr_array_add (t->copies, v.iov_base);
    }
  g_autoptr (GError) error = NULL;
  if (!iproto_iov_add (&t->iov, pdu, &v, len > 0 ? 1 : 0, &error))
    g_error ("cannot queue %s PDU: %s", iproto_opcode_name (pdu->opcode), error->message);
}

gboolean
tgt_tx_pending (const TgtTxQueue *q)
{
  return q->trains.head != NULL;
}

int
tgt_tx_flush (TgtTxQueue *q, int fd)
{
  while (q->trains.head != NULL)
    {
      TgtTxTrain *t = q->trains.head->data;
      while (iproto_iov_pending_bytes (&t->iov) > 0)
        {
          ssize_t n = iproto_iov_send (&t->iov, fd);
          if (n == -EINTR)
            continue;
          if (n == -EAGAIN || n == -EWOULDBLOCK)
            return 0;
          if (n < 0)
            {
              errno = (int) -n;
              return -1;
            }
          q->bytes_sent += n;
        }
      g_queue_pop_head_link (&q->trains);
      train_release (q, t, TRUE);
    }
  return 1;
}
