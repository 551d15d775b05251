/* fuzz-login: the login and text path of itn-targetd's engine.  Each input
 * is the byte stream an initiator sends on one connection (Login Requests,
 * then full feature phase PDUs such as Text/SendTargets, NOP-Out, SCSI
 * commands, Logout).  It goes through a socketpair into a real engine
 * (one worker, a target without CHAP, one with CHAP, discovery); the
 * harness then closes its side and waits for the engine to close the
 * connection: a crash, a sanitizer report or a hang is a finding. */
#include "config.h"

#include "target/tgt-engine.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static TgtEngine *engine;

static void
setup (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  TgtConfig *cfg = tgt_config_new ();
  TgtConfigPortalGroup *pg = tgt_config_portal_group_new (1);
  g_ptr_array_add (pg->portals, tgt_config_portal_new ("127.0.0.1", 0));
  g_ptr_array_add (cfg->portal_groups, pg);
  TgtConfigTarget *t = tgt_config_target_new ("iqn.2026-01.org.itnexus.fuzz:open");
  g_ptr_array_add (t->luns, tgt_config_lun_new (0, "mem:1M"));
  g_ptr_array_add (cfg->targets, t);
  TgtConfigTarget *c = tgt_config_target_new ("iqn.2026-01.org.itnexus.fuzz:chap");
  g_ptr_array_add (c->luns, tgt_config_lun_new (0, "mem:1M"));
  g_ptr_array_add (c->auth.accounts, tgt_config_chap_new ("fuzzer", "fuzzsecret1234"));
  c->auth.mutual = tgt_config_chap_new ("target", "targetsecret12");
  g_ptr_array_add (cfg->targets, c);
  cfg->limits.worker_threads = 1;
  cfg->limits.login_failure_delay_max_ms = 0; /* no throttling: inputs must finish fast */
  GError *error = NULL;
  engine = tgt_engine_new (cfg, &error);
  if (engine == NULL || !tgt_engine_start (engine, &error))
    {
      fprintf (stderr, "fuzz-login: %s\n", error->message);
      abort ();
    }
  tgt_config_free (cfg);
}

/* Read what the engine answers until it closes; abort after 10 s (hang). */
static void
drain (int fd)
{
  char buf[65536];
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      int left = (int) ((deadline - g_get_monotonic_time ()) / 1000);
      if (left <= 0)
        {
          fprintf (stderr, "fuzz-login: the engine did not close the connection\n");
          abort ();
        }
      if (poll (&p, 1, left) <= 0)
        continue;
      ssize_t n = read (fd, buf, sizeof buf);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
        return;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (engine == NULL)
    setup ();
  int sv[2];
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    abort ();
  tgt_engine_adopt (engine, sv[0], 1);
  /* Write while draining answers, so neither side blocks on a full
   * buffer. */
  size_t off = 0;
  while (off < size)
    {
      struct pollfd p[1] = { { .fd = sv[1], .events = POLLOUT | POLLIN } };
      if (poll (p, 1, 10000) <= 0)
        abort ();
      if (p[0].revents & POLLIN)
        {
          char buf[65536];
          if (read (sv[1], buf, sizeof buf) == 0)
            break; /* the engine closed: the rest is not read anyway */
        }
      if (p[0].revents & POLLOUT)
        {
          ssize_t n = send (sv[1], data + off, size - off, MSG_NOSIGNAL | MSG_DONTWAIT);
          if (n < 0 && errno != EAGAIN && errno != EINTR)
            break;
          if (n > 0)
            off += (size_t) n;
        }
      if (p[0].revents & (POLLHUP | POLLERR))
        break;
    }
  shutdown (sv[1], SHUT_WR);
  drain (sv[1]);
  close (sv[1]);
  return 0;
}
