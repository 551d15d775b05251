/* test-target-client.h: a minimal raw iSCSI initiator for the target's
 * wire tests: blocking socket, explicit PDUs, CRC32C digests when the
 * login negotiated them.  It exists to send what a well-behaved initiator
 * never would. */
#pragma once
#include <glib.h>
#include "libiscsi-proto/iproto-pdu.h"

#define TC_INITIATOR "iqn.2026-01.org.itnexus.test:client"

typedef struct {
  int fd;
  guint8 isid[6];
  guint16 tsih;
  guint16 cid;
  guint32 cmdsn;
  guint32 expstatsn;
  guint32 itt;
  /* Digests in use (after a login that negotiated them); offered_* are
   * what the target answered during login. */
  gboolean hdigest, ddigest;
  gboolean offered_hdigest, offered_ddigest;
  /* last received PDU */
  IProtoPdu rsp;
  guint8 *data;
  gsize data_len;
} TcConn;

/* Connects to 127.0.0.1:port with a 5 s receive timeout. */
TcConn *tc_connect (guint16 port);
void tc_free (TcConn *c);
/* Raw bytes. */
gboolean tc_write (TcConn *c, const void *buf, gsize len);
/* Encodes and sends a PDU with its data (padding and digests added). */
gboolean tc_send (TcConn *c, const IProtoPdu *pdu, const void *data, gsize len);
/* The same with a deliberately wrong header and/or data digest. */
gboolean tc_send_corrupt (TcConn *c, const IProtoPdu *pdu, const void *data, gsize len, gboolean bad_hdigest,
                          gboolean bad_ddigest);
/* Receives one PDU into c->rsp / c->data.  FALSE on EOF, error, timeout or
 * a wrong digest from the target. */
gboolean tc_recv (TcConn *c);
/* TRUE when the target closed the connection (EOF within 5 s, PDUs before
 * it are skipped). */
gboolean tc_closed (TcConn *c);

/* One Login Request with the given "k=v" keys (NULL-terminated), CSG/NSG
 * and T bit; returns the response's status (class << 8 | detail), or -1
 * when no Login Response came. */
int tc_login_step (TcConn *c, guint csg, guint nsg, gboolean transit, const char *const *keys);
/* Full login to a normal session (security stage skipped, operational
 * keys given), to full feature phase.  Returns the status. */
int tc_login (TcConn *c, const char *target, const char *const *op_keys);

/* SCSI command with optional immediate data (write) or a read of
 * read_len bytes; collects Data-In into c->data.  Returns the SCSI status,
 * or -1 on a protocol problem. */
int tc_scsi (TcConn *c, const guint8 *cdb, gsize cdb_len, const void *out, gsize out_len, gsize read_len);
