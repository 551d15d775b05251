/* test-target-wire.c: the iSCSI engine of itn-targetd on the wire, in
 * process: a real engine on a loopback port, a raw initiator
 * (test-target-client.h) that sends good and hostile PDUs.  Each hostile
 * input must get the answer RFC 7143 asks for (a Login Response with the
 * right status, a Reject, or a close), and a session opened beforehand
 * must keep working. */
#include "config.h"

#include "target/tgt-engine.h"
#include "test-target-client.h"
#include "libiscsi-proto/iproto-login.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TARGET "iqn.2026-01.org.itnexus.test:wire"
#define CHAP_TARGET "iqn.2026-01.org.itnexus.test:chap"
#define HIDDEN_TARGET "iqn.2026-01.org.itnexus.test:hidden"

static TgtEngine *engine;
static guint16 port;
static GMainLoop *loop;
static TcConn *bystander; /* a session that must survive everything */

static gpointer
loop_thread (gpointer data)
{
  g_main_loop_run (loop);
  return NULL;
}

static void
start_engine (void)
{
  TgtConfig *cfg = tgt_config_new ();
  TgtConfigPortalGroup *pg = tgt_config_portal_group_new (1);
  g_ptr_array_add (pg->portals, tgt_config_portal_new ("127.0.0.1", 0));
  g_ptr_array_add (cfg->portal_groups, pg);
  TgtConfigTarget *t = tgt_config_target_new (TARGET);
  g_ptr_array_add (t->luns, tgt_config_lun_new (0, "mem:16M"));
  g_ptr_array_add (cfg->targets, t);
  TgtConfigTarget *ct = tgt_config_target_new (CHAP_TARGET);
  g_ptr_array_add (ct->luns, tgt_config_lun_new (0, "mem:1M"));
  g_ptr_array_add (ct->auth.accounts, tgt_config_chap_new ("alice", "secretsecret12"));
  g_ptr_array_add (cfg->targets, ct);
  TgtConfigTarget *ht = tgt_config_target_new (HIDDEN_TARGET);
  g_ptr_array_add (ht->luns, tgt_config_lun_new (0, "mem:1M"));
  g_ptr_array_add (ht->acl, g_strdup ("iqn.2026-01.org.itnexus.test:someone-else"));
  g_ptr_array_add (cfg->targets, ht);
  cfg->limits.worker_threads = 2;
  g_autoptr (GError) error = NULL;
  engine = tgt_engine_new (cfg, &error);
  g_assert_no_error (error);
  g_assert_true (tgt_engine_start (engine, &error));
  tgt_config_free (cfg);
  port = tgt_engine_port (engine);
  g_assert_cmpuint (port, !=, 0);
  loop = g_main_loop_new (NULL, FALSE);
  g_thread_unref (g_thread_new ("accept", loop_thread, NULL));
}

static const guint8 cdb_tur[6] = { 0x00 };

/* TEST UNIT READY until GOOD (the first command reports POWER ON). */
static void
assert_works (TcConn *c)
{
  int st = -1;
  for (int i = 0; i < 4 && st != 0; i++)
    st = tc_scsi (c, cdb_tur, sizeof cdb_tur, NULL, 0, 0);
  g_assert_cmpint (st, ==, 0);
}

static TcConn *
logged_in (void)
{
  TcConn *c = tc_connect (port);
  g_assert_nonnull (c);
  g_assert_cmpint (tc_login (c, TARGET, NULL), ==, 0);
  g_assert_cmpuint (c->tsih, !=, 0);
  return c;
}

static void
test_login_and_io (void)
{
  bystander = logged_in ();
  assert_works (bystander);
  /* WRITE(10) of 8 blocks with immediate data, READ(10) back. */
  guint8 data[4096];
  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) (i * 7);
  const guint8 wr[10] = { 0x2a, 0, 0, 0, 0, 16, 0, 0, 8, 0 };
  const guint8 rd[10] = { 0x28, 0, 0, 0, 0, 16, 0, 0, 8, 0 };
  g_assert_cmpint (tc_scsi (bystander, wr, 10, data, sizeof data, 0), ==, 0);
  g_assert_cmpint (tc_scsi (bystander, rd, 10, NULL, 0, sizeof data), ==, 0);
  g_assert_cmpuint (bystander->data_len, ==, sizeof data);
  g_assert_cmpmem (bystander->data, sizeof data, data, sizeof data);
}

static void
expect_status (const char *const *keys, guint csg, int status)
{
  TcConn *c = tc_connect (port);
  g_assert_cmpint (tc_login_step (c, csg, 3, TRUE, keys), ==, status);
  g_assert_true (tc_closed (c));
  tc_free (c);
}

static void
test_missing_keys (void)
{
  /* RFC 7143 sec. 13.5 / 13.4: 0x0207 missing parameter. */
  const char *no_iname[] = { "TargetName=" TARGET, NULL };
  expect_status (no_iname, 1, IPROTO_LOGIN_MISSING_PARAMETER);
  const char *no_tname[] = { "InitiatorName=" TC_INITIATOR, "SessionType=Normal", NULL };
  expect_status (no_tname, 1, IPROTO_LOGIN_MISSING_PARAMETER);
}

static void
test_not_found (void)
{
  const char *keys[] = { "InitiatorName=" TC_INITIATOR, "TargetName=iqn.2026-01.org.itnexus.test:nope", NULL };
  expect_status (keys, 1, IPROTO_LOGIN_NOT_FOUND);
}

static void
test_bad_keys (void)
{
  /* sec. 6.2: a key twice is an initiator error (0x0200). */
  const char *dup[] = { "InitiatorName=" TC_INITIATOR, "TargetName=" TARGET, "MaxBurstLength=65536",
                        "MaxBurstLength=65536", NULL };
  expect_status (dup, 1, IPROTO_LOGIN_INITIATOR_ERROR);
  /* A pair without '=' is malformed text (sec. 6.1). */
  TcConn *c = tc_connect (port);
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_LOGIN_REQ);
  p.u.login_req.csg = 1;
  p.u.login_req.nsg = 3;
  p.u.login_req.transit = TRUE;
  static const char broken[] = "InitiatorName=" TC_INITIATOR "\0NoEqualSign\0";
  g_assert_true (tc_send (c, &p, broken, sizeof broken - 1));
  g_assert_true (tc_recv (c));
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_LOGIN_RSP);
  g_assert_cmpuint (c->rsp.u.login_rsp.status_class, ==, 2);
  g_assert_true (tc_closed (c));
  tc_free (c);
}

static void
test_version (void)
{
  TcConn *c = tc_connect (port);
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_LOGIN_REQ);
  p.u.login_req.csg = 1;
  p.u.login_req.version_max = 5;
  p.u.login_req.version_min = 3;
  static const char keys[] = "InitiatorName=" TC_INITIATOR "\0TargetName=" TARGET "\0";
  g_assert_true (tc_send (c, &p, keys, sizeof keys - 1));
  g_assert_true (tc_recv (c));
  g_assert_cmpuint (c->rsp.u.login_rsp.status_class << 8 | c->rsp.u.login_rsp.status_detail, ==,
                    IPROTO_LOGIN_UNSUPPORTED_VERSION);
  g_assert_true (tc_closed (c));
  tc_free (c);
}

static void
test_no_session (void)
{
  /* sec. 6.3.1: a TSIH we never gave out: 0x020a. */
  TcConn *c = tc_connect (port);
  c->tsih = 0x7777;
  g_assert_cmpint (tc_login (c, TARGET, NULL), ==, IPROTO_LOGIN_SESSION_DOES_NOT_EXIST);
  g_assert_true (tc_closed (c));
  tc_free (c);
}

static void
test_command_before_login (void)
{
  TcConn *c = tc_connect (port);
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_SCSI_CMD);
  p.itt = 9;
  p.u.scsi_cmd.final = TRUE;
  g_assert_true (tc_send (c, &p, NULL, 0));
  g_assert_true (tc_recv (c));
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_LOGIN_RSP);
  g_assert_cmpuint (c->rsp.u.login_rsp.status_class << 8 | c->rsp.u.login_rsp.status_detail, ==,
                    IPROTO_LOGIN_INVALID_DURING_LOGIN);
  g_assert_true (tc_closed (c));
  tc_free (c);
}

static void
test_oversize_segment (void)
{
  /* 16 MiB announced during login, where 8192 is the limit: closed before
   * anything is allocated. */
  TcConn *c = tc_connect (port);
  guint8 bhs[48] = { 0x43, 0x87 };
  bhs[5] = 0xff;
  bhs[6] = 0xff;
  bhs[7] = 0xf0;
  g_assert_true (tc_write (c, bhs, sizeof bhs));
  g_assert_true (tc_closed (c));
  tc_free (c);
}

static void
test_endless_continuation (void)
{
  /* C=1 forever: the text limit (64 KiB) ends it with 0x0200. */
  TcConn *c = tc_connect (port);
  guint8 chunk[4096];
  memset (chunk, 'A', sizeof chunk);
  memcpy (chunk, "X-a=", 4);
  int status = -1;
  for (int i = 0; i < 40 && status <= 0; i++)
    {
      IProtoPdu p;
      iproto_pdu_init (&p, IPROTO_OP_LOGIN_REQ);
      p.u.login_req.csg = 1;
      p.u.login_req.cont = TRUE;
      if (!tc_send (c, &p, chunk, sizeof chunk) || !tc_recv (c))
        break;
      status = c->rsp.u.login_rsp.status_class << 8 | c->rsp.u.login_rsp.status_detail;
    }
  g_assert_cmpint (status, ==, IPROTO_LOGIN_INITIATOR_ERROR);
  g_assert_true (tc_closed (c));
  tc_free (c);
}

static void
test_bad_chap (void)
{
  TcConn *c = tc_connect (port);
  const char *k1[] = { "InitiatorName=" TC_INITIATOR, "TargetName=" CHAP_TARGET, "SessionType=Normal",
                       "AuthMethod=CHAP", NULL };
  g_assert_cmpint (tc_login_step (c, 0, 1, FALSE, k1), ==, 0);
  const char *k2[] = { "CHAP_A=5", NULL };
  g_assert_cmpint (tc_login_step (c, 0, 1, FALSE, k2), ==, 0);
  const char *k3[] = { "CHAP_N=alice", "CHAP_R=0xzz", NULL };
  g_assert_cmpint (tc_login_step (c, 0, 1, TRUE, k3), ==, IPROTO_LOGIN_AUTH_FAILURE);
  g_assert_true (tc_closed (c));
  tc_free (c);
  /* Skipping the security stage of a CHAP target is refused too. */
  const char *skip[] = { "InitiatorName=" TC_INITIATOR, "TargetName=" CHAP_TARGET, NULL };
  expect_status (skip, 1, IPROTO_LOGIN_AUTH_FAILURE);
}

static void
test_unknown_opcode (void)
{
  TcConn *c = logged_in ();
  guint8 bhs[48] = { 0x1b, 0x80 };
  g_assert_true (tc_write (c, bhs, sizeof bhs));
  g_assert_true (tc_recv (c));
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_REJECT);
  g_assert_cmpuint (c->rsp.u.reject.reason, ==, IPROTO_REJECT_COMMAND_NOT_SUPPORTED);
  g_assert_cmpuint (c->data_len, ==, 48);
  g_assert_cmpmem (c->data, 48, bhs, 48);
  tc_free (c);
}

static void
test_garbage (void)
{
  /* Truncated header then EOF; then random bytes. */
  TcConn *c = tc_connect (port);
  g_assert_true (tc_write (c, "\x03\x87\x00\x00", 4));
  shutdown (c->fd, SHUT_WR);
  g_assert_true (tc_closed (c));
  tc_free (c);
  for (int round = 0; round < 20; round++)
    {
      c = tc_connect (port);
      guint8 junk[200];
      for (guint i = 0; i < sizeof junk; i++)
        junk[i] = (guint8) g_random_int ();
      tc_write (c, junk, sizeof junk);
      shutdown (c->fd, SHUT_WR);
      g_assert_true (tc_closed (c));
      tc_free (c);
    }
}

/* A second connection (CID cid) joining a's session by its TSIH. */
static TcConn *
join_session (TcConn *a, guint16 cid)
{
  TcConn *b = tc_connect (port);
  memcpy (b->isid, a->isid, 6);
  b->tsih = a->tsih;
  b->cid = cid;
  b->cmdsn = a->cmdsn;
  g_assert_cmpint (tc_login (b, TARGET, NULL), ==, 0);
  g_assert_cmpuint (b->tsih, ==, a->tsih);
  return b;
}

static void
test_second_connection (void)
{
  /* sec. 6.3.1: a second connection joins a live session by its TSIH;
   * commands on both share one CmdSN sequence (sec. 4.2.2.1). */
  const char *mc[] = { "MaxConnections=4", NULL };
  TcConn *a = tc_connect (port);
  g_assert_cmpint (tc_login (a, TARGET, mc), ==, 0);
  TcConn *b = join_session (a, 1);
  b->cmdsn = a->cmdsn;
  assert_works (a);
  b->cmdsn = a->cmdsn;
  guint8 data[2048];
  memset (data, 0x5a, sizeof data);
  const guint8 wr[10] = { 0x2a, 0, 0, 0, 1, 0, 0, 0, 4, 0 };
  const guint8 rd[10] = { 0x28, 0, 0, 0, 1, 0, 0, 0, 4, 0 };
  g_assert_cmpint (tc_scsi (b, wr, 10, data, sizeof data, 0), ==, 0);
  a->cmdsn = b->cmdsn;
  g_assert_cmpint (tc_scsi (a, rd, 10, NULL, 0, sizeof data), ==, 0);
  g_assert_cmpmem (a->data, a->data_len, data, sizeof data);
  /* A command that arrives ahead of its turn on one connection waits for
   * the gap to close on the other. */
  guint32 base = a->cmdsn;
  b->cmdsn = base + 1;
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_SCSI_CMD);
  p.itt = 0x4242;
  p.u.scsi_cmd.final = TRUE;
  p.u.scsi_cmd.attr = IPROTO_ATTR_SIMPLE;
  p.u.scsi_cmd.cmdsn = base + 1;
  g_assert_true (tc_send (b, &p, NULL, 0)); /* TUR with CmdSN base+1 */
  a->cmdsn = base;
  g_assert_cmpint (tc_scsi (a, cdb_tur, 6, NULL, 0, 0), ==, 0);
  g_assert_true (tc_recv (b));
  g_assert_cmpuint (b->rsp.opcode, ==, IPROTO_OP_SCSI_RSP);
  g_assert_cmpuint (b->rsp.itt, ==, 0x4242);
  /* Too many: a fifth connection is refused with 0x0206. */
  TcConn *extra[3];
  for (int i = 0; i < 3; i++)
    {
      extra[i] = tc_connect (port);
      memcpy (extra[i]->isid, a->isid, 6);
      extra[i]->tsih = a->tsih;
      extra[i]->cid = 2 + i;
      int st = tc_login (extra[i], TARGET, NULL);
      g_assert_cmpint (st, ==, i < 2 ? 0 : IPROTO_LOGIN_TOO_MANY_CONNECTIONS);
    }
  for (int i = 0; i < 3; i++)
    tc_free (extra[i]);
  tc_free (a);
  tc_free (b);
}

static void
test_reinstatement (void)
{
  /* sec. 6.3.5: a new session with the same ISID replaces the old one. */
  TcConn *old = logged_in ();
  TcConn *new = tc_connect (port);
  memcpy (new->isid, old->isid, 6);
  g_assert_cmpint (tc_login (new, TARGET, NULL), ==, 0);
  g_assert_cmpuint (new->tsih, !=, old->tsih);
  g_assert_true (tc_closed (old));
  assert_works (new);
  tc_free (old);
  tc_free (new);
}

static void
test_discovery (void)
{
  /* SendTargets=All lists the targets this initiator may reach, with a
   * TargetAddress per portal (RFC 7143 sec. 13.3); the ACL'd one is not
   * shown, and logging in to it is refused with 0x0202. */
  TcConn *c = tc_connect (port);
  const char *keys[] = { "InitiatorName=" TC_INITIATOR, "SessionType=Discovery", NULL };
  g_assert_cmpint (tc_login_step (c, 1, 3, TRUE, keys), ==, 0);
  c->cmdsn = c->rsp.u.login_rsp.expcmdsn;
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_TEXT_REQ);
  p.itt = 77;
  p.u.text_req.final = TRUE;
  p.u.text_req.ttt = IPROTO_RESERVED_TAG;
  p.u.text_req.cmdsn = c->cmdsn++;
  static const char st[] = "SendTargets=All";
  g_assert_true (tc_send (c, &p, st, sizeof st));
  g_assert_true (tc_recv (c));
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_TEXT_RSP);
  /* The answer is NUL-separated key=value pairs: one per line here. */
  g_autofree char *text = g_malloc0 (c->data_len + 1);
  memcpy (text, c->data, c->data_len);
  for (gsize i = 0; i + 1 < c->data_len; i++)
    if (text[i] == '\0')
      text[i] = '\n';
  g_autofree char *addr = g_strdup_printf ("TargetAddress=127.0.0.1:%u,1", port);
  g_assert_nonnull (strstr (text, "TargetName=" TARGET "\n"));
  g_assert_nonnull (strstr (text, addr));
  g_assert_null (strstr (text, HIDDEN_TARGET));
  /* A SCSI command is not allowed in a discovery session (sec. 4.3). */
  const guint8 cdb[6] = { 0 };
  g_assert_cmpint (tc_scsi (c, cdb, 6, NULL, 0, 0), ==, -1);
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_REJECT);
  tc_free (c);
  const char *hidden[] = { "InitiatorName=" TC_INITIATOR, "TargetName=" HIDDEN_TARGET, NULL };
  expect_status (hidden, 1, IPROTO_LOGIN_AUTHORIZATION_FAILURE);
}

static void
test_logout (void)
{
  /* sec. 11.14: Logout closing the session is answered, then closed. */
  TcConn *c = logged_in ();
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_LOGOUT_REQ);
  p.itt = 99;
  p.immediate = TRUE;
  p.u.logout_req.reason = IPROTO_LOGOUT_CLOSE_SESSION;
  p.u.logout_req.cmdsn = c->cmdsn;
  g_assert_true (tc_send (c, &p, NULL, 0));
  g_assert_true (tc_recv (c));
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_LOGOUT_RSP);
  g_assert_cmpuint (c->rsp.u.logout_rsp.response, ==, IPROTO_LOGOUT_RSP_OK);
  g_assert_true (tc_closed (c));
  tc_free (c);
}

static void
test_keepalive (void)
{
  /* A second engine that pings idle connections every second and gives
   * 1 s for the answer (sec. 11.19): an initiator that answers stays, one
   * that does not is dropped. */
  TgtConfig *cfg = tgt_config_new ();
  TgtConfigPortalGroup *pg = tgt_config_portal_group_new (1);
  g_ptr_array_add (pg->portals, tgt_config_portal_new ("127.0.0.1", 0));
  g_ptr_array_add (cfg->portal_groups, pg);
  TgtConfigTarget *t = tgt_config_target_new (TARGET);
  g_ptr_array_add (t->luns, tgt_config_lun_new (0, "mem:1M"));
  g_ptr_array_add (cfg->targets, t);
  cfg->limits.worker_threads = 1;
  cfg->limits.nop_in_interval = 1;
  cfg->limits.nop_in_timeout = 1;
  g_autoptr (GError) error = NULL;
  TgtEngine *e = tgt_engine_new (cfg, &error);
  g_assert_no_error (error);
  g_assert_true (tgt_engine_start (e, &error));
  tgt_config_free (cfg);
  guint16 kport = tgt_engine_port (e);
  TcConn *silent = tc_connect (kport);
  g_assert_cmpint (tc_login (silent, TARGET, NULL), ==, 0);
  TcConn *polite = tc_connect (kport);
  g_assert_cmpint (tc_login (polite, TARGET, NULL), ==, 0);
  for (int i = 0; i < 3; i++)
    {
      g_assert_true (tc_recv (polite));
      g_assert_cmpuint (polite->rsp.opcode, ==, IPROTO_OP_NOP_IN);
      g_assert_cmpuint (polite->rsp.itt, ==, IPROTO_RESERVED_TAG);
      g_assert_cmpuint (polite->rsp.u.nop_in.ttt, !=, IPROTO_RESERVED_TAG);
      IProtoPdu p;
      iproto_pdu_init (&p, IPROTO_OP_NOP_OUT);
      p.itt = IPROTO_RESERVED_TAG;
      p.immediate = TRUE;
      p.u.nop_out.ttt = polite->rsp.u.nop_in.ttt;
      p.u.nop_out.cmdsn = polite->cmdsn;
      g_assert_true (tc_send (polite, &p, NULL, 0));
    }
  g_assert_true (tc_closed (silent));
  assert_works (polite);
  tc_free (silent);
  tc_free (polite);
  tgt_engine_shutdown (e, 100);
  tgt_engine_free (e);
}

static const char *const digest_keys[] = { "HeaderDigest=CRC32C", "DataDigest=CRC32C", "InitialR2T=Yes",
                                            "ImmediateData=Yes", NULL };

static TcConn *
logged_in_digests (void)
{
  TcConn *c = tc_connect (port);
  g_assert_nonnull (c);
  g_assert_cmpint (tc_login (c, TARGET, digest_keys), ==, 0);
  g_assert_true (c->hdigest);
  g_assert_true (c->ddigest);
  assert_works (c);
  return c;
}

/* A WRITE(10) of 8 blocks at lba, CmdSN c->cmdsn (not advanced). */
static void
write10_pdu (IProtoPdu *p, TcConn *c, guint32 itt, guint32 lba)
{
  iproto_pdu_init (p, IPROTO_OP_SCSI_CMD);
  p->itt = itt;
  IProtoScsiCmd *s = &p->u.scsi_cmd;
  s->final = TRUE;
  s->write = TRUE;
  s->attr = IPROTO_ATTR_SIMPLE;
  s->edtl = 4096;
  s->cmdsn = c->cmdsn;
  s->expstatsn = c->expstatsn;
  const guint8 cdb[10] = { 0x2a, 0, (guint8) (lba >> 24), (guint8) (lba >> 16), (guint8) (lba >> 8), (guint8) lba,
                           0, 0, 8, 0 };
  memcpy (s->cdb, cdb, sizeof cdb);
}

static void
write_blocks (TcConn *c, guint32 lba, guint8 fill)
{
  guint8 buf[4096];
  memset (buf, fill, sizeof buf);
  const guint8 wr[10] = { 0x2a, 0, (guint8) (lba >> 24), (guint8) (lba >> 16), (guint8) (lba >> 8), (guint8) lba,
                          0, 0, 8, 0 };
  g_assert_cmpint (tc_scsi (c, wr, 10, buf, sizeof buf, 0), ==, 0);
}

static void
assert_blocks (TcConn *c, guint32 lba, guint8 fill)
{
  const guint8 rd[10] = { 0x28, 0, (guint8) (lba >> 24), (guint8) (lba >> 16), (guint8) (lba >> 8), (guint8) lba,
                          0, 0, 8, 0 };
  g_assert_cmpint (tc_scsi (c, rd, 10, NULL, 0, 4096), ==, 0);
  g_assert_cmpuint (c->data_len, ==, 4096);
  for (guint i = 0; i < 4096; i++)
    g_assert_cmpuint (c->data[i], ==, fill);
}

/* Next PDU, NOP-Ins (keepalive) skipped. */
static void
recv_skip_nop (TcConn *c)
{
  do
    g_assert_true (tc_recv (c));
  while (c->rsp.opcode == IPROTO_OP_NOP_IN);
}

static void
assert_digest_reject (TcConn *c, guint32 itt)
{
  recv_skip_nop (c);
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_REJECT);
  g_assert_cmpuint (c->rsp.u.reject.reason, ==, IPROTO_REJECT_DATA_DIGEST);
  /* sec. 11.17.3: the data segment is the rejected header (ITT at 16). */
  g_assert_cmpuint (c->data_len, ==, 48);
  g_assert_cmpuint ((guint32) c->data[16] << 24 | c->data[17] << 16 | c->data[18] << 8 | c->data[19], ==, itt);
}

static void
test_data_digest_immediate (void)
{
  /* RFC 7143 sec. 7.8: a command whose immediate data fails the data
   * digest is rejected (0x02) and discarded: not executed, its CmdSN not
   * consumed (the next command may take it), the connection goes on. */
  TcConn *c = logged_in_digests ();
  write_blocks (c, 64, 0x11);
  guint8 new[4096];
  memset (new, 0x22, sizeof new);
  IProtoPdu p;
  guint32 itt = ++c->itt;
  write10_pdu (&p, c, itt, 64);
  g_assert_true (tc_send_corrupt (c, &p, new, sizeof new, FALSE, TRUE));
  assert_digest_reject (c, itt);
  /* This READ carries the CmdSN of the discarded WRITE: it runs only if
   * that CmdSN was not consumed, and it sees the old data. */
  assert_blocks (c, 64, 0x11);
  /* The retry with a good digest is executed. */
  write10_pdu (&p, c, itt, 64);
  c->cmdsn++;
  g_assert_true (tc_send (c, &p, new, sizeof new));
  recv_skip_nop (c);
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_SCSI_RSP);
  g_assert_cmpuint (c->rsp.itt, ==, itt);
  g_assert_cmpuint (c->rsp.u.scsi_rsp.status, ==, 0);
  c->expstatsn = c->rsp.u.scsi_rsp.statsn + 1;
  assert_blocks (c, 64, 0x22);
  tc_free (c);
}

static void
test_data_digest_data_out (void)
{
  /* sec. 7.8: a Data-Out that fails its data digest is rejected (0x02);
   * at ErrorRecoveryLevel 0 (no recovery R2T) the task ends with CHECK
   * CONDITION, "protocol service CRC error" (sec. 11.4.7.2: ABORTED
   * COMMAND 47h/05h) once all its data arrived; it is not executed and
   * the connection keeps working. */
  TcConn *c = logged_in_digests ();
  write_blocks (c, 80, 0x44);
  guint8 new[4096];
  memset (new, 0x55, sizeof new);
  IProtoPdu p;
  guint32 itt = ++c->itt;
  write10_pdu (&p, c, itt, 80);
  c->cmdsn++;
  g_assert_true (tc_send (c, &p, NULL, 0));
  recv_skip_nop (c);
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_R2T);
  g_assert_cmpuint (c->rsp.u.r2t.desired_len, ==, 4096);
  guint32 ttt = c->rsp.u.r2t.ttt;
  /* Two Data-Out PDUs: the first with a bad digest, the last good. */
  for (guint i = 0; i < 2; i++)
    {
      IProtoPdu d;
      iproto_pdu_init (&d, IPROTO_OP_DATA_OUT);
      d.itt = itt;
      d.u.data_out.ttt = ttt;
      d.u.data_out.final = i == 1;
      d.u.data_out.datasn = i;
      d.u.data_out.buffer_offset = i * 2048;
      d.u.data_out.expstatsn = c->expstatsn;
      g_assert_true (tc_send_corrupt (c, &d, new + i * 2048, 2048, FALSE, i == 0));
      if (i == 0)
        assert_digest_reject (c, itt);
    }
  recv_skip_nop (c);
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_SCSI_RSP);
  g_assert_cmpuint (c->rsp.itt, ==, itt);
  g_assert_cmpuint (c->rsp.u.scsi_rsp.status, ==, 2);
  c->expstatsn = c->rsp.u.scsi_rsp.statsn + 1;
  /* SenseLength, then fixed format sense: key at 2, ASC/ASCQ at 12/13. */
  g_assert_cmpuint (c->data_len, >=, 2 + 14);
  g_assert_cmpuint (c->data[2 + 2] & 0x0f, ==, 0x0b);
  g_assert_cmpuint (c->data[2 + 12], ==, 0x47);
  g_assert_cmpuint (c->data[2 + 13], ==, 0x05);
  assert_blocks (c, 80, 0x44);
  assert_works (c);
  tc_free (c);
}

static void
test_header_digest (void)
{
  /* sec. 7.8: after a header digest error no field of the header can be
   * trusted, its length included: the target drops the connection.  The
   * other sessions are not disturbed (bystander-survived checks one). */
  TcConn *c = logged_in_digests ();
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_SCSI_CMD);
  p.itt = ++c->itt;
  p.u.scsi_cmd.final = TRUE;
  p.u.scsi_cmd.attr = IPROTO_ATTR_SIMPLE;
  p.u.scsi_cmd.cmdsn = c->cmdsn;
  g_assert_true (tc_send_corrupt (c, &p, NULL, 0, TRUE, FALSE));
  g_assert_true (tc_closed (c));
  tc_free (c);
  TcConn *other = logged_in_digests ();
  tc_free (other);
}

/* WRITE(10) of 8 blocks at lba without data: with InitialR2T=Yes and no
 * immediate data the target asks for it with an R2T and holds the task
 * until it comes.  Returns the R2T's transfer tag. */
static guint32
hold_write (TcConn *c, guint32 itt, guint32 lba)
{
  IProtoPdu p;
  write10_pdu (&p, c, itt, lba);
  c->cmdsn++;
  g_assert_true (tc_send (c, &p, NULL, 0));
  recv_skip_nop (c);
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_R2T);
  g_assert_cmpuint (c->rsp.itt, ==, itt);
  return c->rsp.u.r2t.ttt;
}

/* The Data-Out an R2T asked for (all 4096 bytes, F=1). */
static void
send_data_out (TcConn *c, guint32 itt, guint32 ttt, guint8 fill)
{
  guint8 buf[4096];
  memset (buf, fill, sizeof buf);
  IProtoPdu d;
  iproto_pdu_init (&d, IPROTO_OP_DATA_OUT);
  d.itt = itt;
  d.u.data_out.ttt = ttt;
  d.u.data_out.final = TRUE;
  d.u.data_out.expstatsn = c->expstatsn;
  g_assert_true (tc_send (c, &d, buf, sizeof buf));
}

/* The next PDU is the GOOD answer to itt. */
static void
expect_good (TcConn *c, guint32 itt)
{
  recv_skip_nop (c);
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_SCSI_RSP);
  g_assert_cmpuint (c->rsp.itt, ==, itt);
  g_assert_cmpuint (c->rsp.u.scsi_rsp.status, ==, 0);
  c->expstatsn = c->rsp.u.scsi_rsp.statsn + 1;
}

/* An immediate TMF; returns its response code. */
static guint8
send_tmf (TcConn *c, guint8 function, guint32 rtt, guint32 refcmdsn)
{
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_TMF_REQ);
  p.itt = ++c->itt;
  p.immediate = TRUE;
  p.u.tmf_req.function = function;
  p.u.tmf_req.lun = 0;
  p.u.tmf_req.rtt = rtt;
  p.u.tmf_req.refcmdsn = refcmdsn;
  p.u.tmf_req.cmdsn = c->cmdsn;
  p.u.tmf_req.expstatsn = c->expstatsn;
  g_assert_true (tc_send (c, &p, NULL, 0));
  recv_skip_nop (c);
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_TMF_RSP);
  g_assert_cmpuint (c->rsp.itt, ==, p.itt);
  c->expstatsn = c->rsp.u.tmf_rsp.statsn + 1;
  return c->rsp.u.tmf_rsp.response;
}

/* TEST UNIT READY whose answer must be the very next PDU (no response of
 * an aborted task before it); returns the status, sense in c->data. */
static int
next_tur (TcConn *c)
{
  IProtoPdu p;
  iproto_pdu_init (&p, IPROTO_OP_SCSI_CMD);
  p.itt = ++c->itt;
  p.u.scsi_cmd.final = TRUE;
  p.u.scsi_cmd.attr = IPROTO_ATTR_SIMPLE;
  p.u.scsi_cmd.cmdsn = c->cmdsn++;
  p.u.scsi_cmd.expstatsn = c->expstatsn;
  g_assert_true (tc_send (c, &p, NULL, 0));
  recv_skip_nop (c);
  g_assert_cmpuint (c->rsp.opcode, ==, IPROTO_OP_SCSI_RSP);
  g_assert_cmpuint (c->rsp.itt, ==, p.itt);
  c->expstatsn = c->rsp.u.scsi_rsp.statsn + 1;
  return c->rsp.u.scsi_rsp.status;
}

static void
assert_reset_ua (TcConn *c)
{
  /* CHECK CONDITION, UNIT ATTENTION, BUS DEVICE RESET FUNCTION OCCURRED
   * (29h/03h), fixed format after the 2-byte SenseLength. */
  g_assert_cmpint (next_tur (c), ==, 2);
  g_assert_cmpuint (c->data_len, >=, 2 + 14);
  g_assert_cmpuint (c->data[2 + 2] & 0x0f, ==, 0x06);
  g_assert_cmpuint (c->data[2 + 12], ==, 0x29);
  g_assert_cmpuint (c->data[2 + 13], ==, 0x03);
}

static void
test_tmf_across_connections (void)
{
  /* RFC 7143 sec. 4.2, 11.5.1: a task has allegiance to its connection,
   * a TMF may come on any connection of the session.  With two workers,
   * consecutively accepted connections live on different threads (round
   * robin), so A's tasks are touched from B's TMF through a post. */
  const char *keys[] = { "MaxConnections=2", "InitialR2T=Yes", "ImmediateData=No", NULL };
  TcConn *a = tc_connect (port);
  g_assert_cmpint (tc_login (a, TARGET, keys), ==, 0);
  TcConn *b = join_session (a, 1);
  assert_works (a);
  send_data_out (a, 0x1000, hold_write (a, 0x1000, 96), 0x77);
  expect_good (a, 0x1000);
  /* ABORT TASK on B for a WRITE that A holds: Function complete. */
  guint32 w1 = 0x1001, w1_cmdsn = a->cmdsn;
  guint32 ttt = hold_write (a, w1, 96);
  b->cmdsn = a->cmdsn;
  g_assert_cmpuint (send_tmf (b, IPROTO_TMF_ABORT_TASK, w1, w1_cmdsn), ==, IPROTO_TMF_RSP_COMPLETE);
  /* The task is gone: its late data is dropped, it is never answered
   * (the next answer on A is for the next command), nothing was written. */
  send_data_out (a, w1, ttt, 0x66);
  g_assert_cmpint (next_tur (a), ==, 0);
  assert_blocks (a, 96, 0x77);
  b->cmdsn = a->cmdsn;
  g_assert_cmpuint (send_tmf (b, IPROTO_TMF_ABORT_TASK, w1, w1_cmdsn), ==, IPROTO_TMF_RSP_NO_TASK);
  g_assert_cmpuint (send_tmf (b, IPROTO_TMF_ABORT_TASK, 0xdead, w1_cmdsn), ==, IPROTO_TMF_RSP_NO_TASK);
  /* LOGICAL UNIT RESET from B ends the task A holds and the one another
   * session (another I_T nexus) holds; both nexuses see the reset's unit
   * attention next (SAM-5 7.7). */
  TcConn *o = tc_connect (port);
  g_assert_cmpint (tc_login (o, TARGET, keys), ==, 0);
  assert_works (o);
  guint32 ttt_a = hold_write (a, 0x1002, 104);
  guint32 ttt_o = hold_write (o, 0x2002, 112);
  b->cmdsn = a->cmdsn;
  g_assert_cmpuint (send_tmf (b, IPROTO_TMF_LOGICAL_UNIT_RESET, IPROTO_RESERVED_TAG, 0), ==,
                    IPROTO_TMF_RSP_COMPLETE);
  send_data_out (a, 0x1002, ttt_a, 0x88);
  send_data_out (o, 0x2002, ttt_o, 0x99);
  assert_reset_ua (a);
  assert_reset_ua (o);
  assert_blocks (a, 104, 0);
  assert_blocks (o, 112, 0);
  /* ABORT TASK SET from B: A's held task goes, the other session's stays
   * (it is another nexus's task set) and completes. */
  guint32 ttt_a2 = hold_write (a, 0x1003, 104);
  guint32 ttt_o2 = hold_write (o, 0x2003, 112);
  b->cmdsn = a->cmdsn;
  g_assert_cmpuint (send_tmf (b, IPROTO_TMF_ABORT_TASK_SET, IPROTO_RESERVED_TAG, 0), ==, IPROTO_TMF_RSP_COMPLETE);
  send_data_out (a, 0x1003, ttt_a2, 0x88);
  g_assert_cmpint (next_tur (a), ==, 0);
  send_data_out (o, 0x2003, ttt_o2, 0x99);
  expect_good (o, 0x2003);
  assert_blocks (a, 104, 0);
  assert_blocks (o, 112, 0x99);
  tc_free (o);
  tc_free (b);
  tc_free (a);
}

static void
test_bystander_survived (void)
{
  assert_works (bystander);
  tc_free (bystander);
  bystander = NULL;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  start_engine ();
  g_test_add_func ("/target/wire/login-and-io", test_login_and_io);
  g_test_add_func ("/target/wire/missing-keys", test_missing_keys);
  g_test_add_func ("/target/wire/not-found", test_not_found);
  g_test_add_func ("/target/wire/bad-keys", test_bad_keys);
  g_test_add_func ("/target/wire/version", test_version);
  g_test_add_func ("/target/wire/no-session", test_no_session);
  g_test_add_func ("/target/wire/command-before-login", test_command_before_login);
  g_test_add_func ("/target/wire/oversize-segment", test_oversize_segment);
  g_test_add_func ("/target/wire/endless-continuation", test_endless_continuation);
  g_test_add_func ("/target/wire/bad-chap", test_bad_chap);
  g_test_add_func ("/target/wire/unknown-opcode", test_unknown_opcode);
  g_test_add_func ("/target/wire/garbage", test_garbage);
  g_test_add_func ("/target/wire/second-connection", test_second_connection);
  g_test_add_func ("/target/wire/reinstatement", test_reinstatement);
  g_test_add_func ("/target/wire/discovery", test_discovery);
  g_test_add_func ("/target/wire/logout", test_logout);
  g_test_add_func ("/target/wire/keepalive", test_keepalive);
  g_test_add_func ("/target/wire/data-digest-immediate", test_data_digest_immediate);
  g_test_add_func ("/target/wire/data-digest-data-out", test_data_digest_data_out);
  g_test_add_func ("/target/wire/header-digest", test_header_digest);
  g_test_add_func ("/target/wire/tmf-across-connections", test_tmf_across_connections);
  g_test_add_func ("/target/wire/bystander-survived", test_bystander_survived);
  int rc = g_test_run ();
  tgt_engine_shutdown (engine, 100);
  tgt_engine_free (engine);
  return rc;
}
