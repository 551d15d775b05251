/* test-target-client.c: the raw initiator of test-target-client.h. */
#include "config.h"

#include "test-target-client.h"
#include "libiscsi-proto/iproto-digest.h"
#include "libiscsi-proto/iproto-login.h"
#include "libiscsi-proto/iproto-text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

TcConn *
tc_connect (guint16 port)
{
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (port) };
  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd < 0 || connect (fd, (struct sockaddr *) &sa, sizeof sa) != 0)
    {
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  struct timeval tv = { .tv_sec = 5 };
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  TcConn *c = g_new0 (TcConn, 1);
  c->fd = fd;
  /* A new ISID per connection: the same ISID would reinstate (end) the
   * previous session of this initiator (RFC 7143 sec. 6.3.5). */
  static gint seq;
  guint n = (guint) g_atomic_int_add (&seq, 1);
  const guint8 isid[6] = { 0x80, 0x12, 0x34, 0x56, (guint8) (n >> 8), (guint8) n };
  memcpy (c->isid, isid, 6);
  c->itt = 1;
  return c;
}

void
tc_free (TcConn *c)
{
  if (c == NULL)
    return;
  close (c->fd);
  g_free (c->data);
  g_free (c);
}

gboolean
tc_write (TcConn *c, const void *buf, gsize len)
{
  const guint8 *p = buf;
  while (len > 0)
    {
      ssize_t n = send (c->fd, p, len, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= n;
    }
  return TRUE;
}

gboolean
tc_send_corrupt (TcConn *c, const IProtoPdu *pdu, const void *data, gsize len, gboolean bad_hdigest,
                 gboolean bad_ddigest)
{
  IProtoPdu p = *pdu;
  p.data_len = (guint32) len;
  guint8 hdr[IPROTO_BHS_LEN + IPROTO_AHS_MAX_LEN + IPROTO_DIGEST_LEN];
  gsize n = iproto_pdu_encode (&p, hdr, sizeof hdr - IPROTO_DIGEST_LEN, NULL);
  if (n == 0)
    return FALSE;
  if (c->hdigest)
    {
      /* RFC 7143 sec. 11.1: the header digest covers BHS and AHS. */
      iproto_digest_put (hdr + n, iproto_crc32c (hdr, n) ^ (bad_hdigest ? 1u : 0u));
      n += IPROTO_DIGEST_LEN;
    }
  static const guint8 zero[4];
  unsigned pad = iproto_pad_len ((guint32) len);
  if (!tc_write (c, hdr, n) || (len > 0 && (!tc_write (c, data, len) || !tc_write (c, zero, pad))))
    return FALSE;
  if (c->ddigest && len > 0)
    {
      /* The data digest covers the data segment and its padding. */
      struct iovec v = { (void *) data, len };
      guint8 d[IPROTO_DIGEST_LEN];
      iproto_digest_put (d, iproto_crc32c_iov (&v, 1, pad) ^ (bad_ddigest ? 1u : 0u));
      return tc_write (c, d, sizeof d);
    }
  return TRUE;
}

gboolean
tc_send (TcConn *c, const IProtoPdu *pdu, const void *data, gsize len)
{
  return tc_send_corrupt (c, pdu, data, len, FALSE, FALSE);
}

static gboolean
read_full (TcConn *c, void *buf, gsize len)
{
  guint8 *p = buf;
  while (len > 0)
    {
      ssize_t n = recv (c->fd, p, len, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= n;
    }
  return TRUE;
}

gboolean
tc_recv (TcConn *c)
{
  guint8 hdr[IPROTO_BHS_LEN + IPROTO_AHS_MAX_LEN];
  guint8 dig[IPROTO_DIGEST_LEN];
  if (!read_full (c, hdr, IPROTO_BHS_LEN))
    return FALSE;
  gsize ahs = iproto_bhs_ahs_len (hdr);
  guint32 dlen = iproto_bhs_data_len (hdr);
  if (!read_full (c, hdr + IPROTO_BHS_LEN, ahs))
    return FALSE;
  if (c->hdigest && (!read_full (c, dig, sizeof dig)
                     || iproto_digest_get (dig) != iproto_crc32c (hdr, IPROTO_BHS_LEN + ahs)))
    return FALSE;
  if (!iproto_pdu_decode (&c->rsp, hdr, IPROTO_BHS_LEN + ahs, NULL))
    return FALSE;
  g_free (c->data);
  c->data = g_malloc (dlen + 4);
  c->data_len = dlen;
  gsize padded = dlen + iproto_pad_len (dlen);
  if (!read_full (c, c->data, padded))
    return FALSE;
  if (c->ddigest && dlen > 0
      && (!read_full (c, dig, sizeof dig) || iproto_digest_get (dig) != iproto_crc32c (c->data, padded)))
    return FALSE;
  return TRUE;
}

gboolean
tc_closed (TcConn *c)
{
  for (int i = 0; i < 64; i++)
    if (!tc_recv (c))
      {
        guint8 b;
        return recv (c->fd, &b, 1, 0) == 0;
      }
  return FALSE;
}

int
tc_login_step (TcConn *c, guint csg, guint nsg, gboolean transit, const char *const *keys)
{
  g_autoptr (IProtoTextList) l = iproto_text_list_new ();
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      const char *eq = strchr (keys[i], '=');
      g_autofree char *k = g_strndup (keys[i], eq - keys[i]);
      iproto_text_list_add (l, k, eq + 1);
    }
  GByteArray *text = iproto_text_list_encode (l);
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_LOGIN_REQ);
  p.itt = c->itt;
  IProtoLoginReq *r = &p.u.login_req;
  r->transit = transit;
  r->csg = csg;
  r->nsg = transit ? nsg : 0;
  memcpy (r->isid, c->isid, 6);
  r->tsih = c->tsih;
  r->cid = c->cid;
  r->cmdsn = c->cmdsn;
  r->expstatsn = c->expstatsn;
  gboolean ok = tc_send (c, &p, text->data, text->len);
  g_byte_array_unref (text);
  if (!ok || !tc_recv (c) || c->rsp.opcode != IPROTO_OP_LOGIN_RSP)
    return -1;
  c->expstatsn = c->rsp.u.login_rsp.statsn + 1;
  /* The target's answers, NUL-separated (sec. 6.1): note chosen digests. */
  for (gsize off = 0; off < c->data_len;)
    {
      const char *kv = (const char *) c->data + off;
      gsize kvlen = strnlen (kv, c->data_len - off);
      if (kvlen == strlen ("HeaderDigest=CRC32C") && memcmp (kv, "HeaderDigest=CRC32C", kvlen) == 0)
        c->offered_hdigest = TRUE;
      if (kvlen == strlen ("DataDigest=CRC32C") && memcmp (kv, "DataDigest=CRC32C", kvlen) == 0)
        c->offered_ddigest = TRUE;
      off += kvlen + 1;
    }
  return c->rsp.u.login_rsp.status_class << 8 | c->rsp.u.login_rsp.status_detail;
}

int
tc_login (TcConn *c, const char *target, const char *const *op_keys)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (keys, g_strdup ("InitiatorName=" TC_INITIATOR));
  if (c->tsih == 0)
    g_ptr_array_add (keys, g_strdup ("SessionType=Normal"));
  g_ptr_array_add (keys, g_strdup_printf ("TargetName=%s", target));
  for (guint i = 0; op_keys != NULL && op_keys[i] != NULL; i++)
    g_ptr_array_add (keys, g_strdup (op_keys[i]));
  g_ptr_array_add (keys, NULL);
  int st = tc_login_step (c, IPROTO_STAGE_OPERATIONAL, IPROTO_STAGE_FULL_FEATURE, TRUE,
                          (const char *const *) keys->pdata);
  if (st == 0 && !c->rsp.u.login_rsp.transit)
    st = tc_login_step (c, IPROTO_STAGE_OPERATIONAL, IPROTO_STAGE_FULL_FEATURE, TRUE, NULL);
  if (st == 0)
    {
      c->tsih = c->rsp.u.login_rsp.tsih;
      c->cmdsn = c->rsp.u.login_rsp.expcmdsn;
      /* Digests start with the first PDU after the final Login Response
       * (sec. 13.1). */
      c->hdigest = c->offered_hdigest;
      c->ddigest = c->offered_ddigest;
    }
  return st;
}

int
tc_scsi (TcConn *c, const guint8 *cdb, gsize cdb_len, const void *out, gsize out_len, gsize read_len)
{
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_SCSI_CMD);
  p.itt = ++c->itt;
  IProtoScsiCmd *s = &p.u.scsi_cmd;
  s->final = TRUE;
  s->read = read_len > 0;
  s->write = out_len > 0;
  s->attr = IPROTO_ATTR_SIMPLE;
  s->edtl = (guint32) (out_len > 0 ? out_len : read_len);
  s->cmdsn = c->cmdsn++;
  s->expstatsn = c->expstatsn;
  memcpy (s->cdb, cdb, MIN (cdb_len, 16));
  if (!tc_send (c, &p, out, out_len))
    return -1;
  GByteArray *in = g_byte_array_new ();
  int status = -1;
  while (tc_recv (c))
    {
      if (c->rsp.itt != p.itt)
        continue; /* NOP-In and the like */
      if (c->rsp.opcode == IPROTO_OP_DATA_IN)
        {
          g_byte_array_append (in, c->data, c->data_len);
          if (c->rsp.u.data_in.has_status)
            {
              c->expstatsn = c->rsp.u.data_in.statsn + 1;
              status = c->rsp.u.data_in.status;
              break;
            }
          continue;
        }
      if (c->rsp.opcode == IPROTO_OP_SCSI_RSP)
        {
          c->expstatsn = c->rsp.u.scsi_rsp.statsn + 1;
          status = c->rsp.u.scsi_rsp.status;
        }
      break;
    }
  g_free (c->data);
  c->data_len = in->len;
  c->data = g_byte_array_free (in, FALSE);
  return status;
}
