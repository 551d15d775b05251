/* portal-listen.c: listening sockets of the portal groups (portal-listen.h). */
#include "config.h"

#include "target/portal-listen.h"

#include <errno.h>
#include <glib-unix.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
  char *host;
  guint16 port;
  guint16 bound_port;
  guint16 tpgt;
  int fd;
  guint source;
  TgtPortalSet *set;
  gboolean keep;              /* mark for apply() */
} Listener;

struct TgtPortalSet {
  TgtPortalAcceptFunc func;
  gpointer user_data;
  GPtrArray *listeners;       /* of Listener* */
};

static void
listener_free (Listener *l)
{
  if (l->source != 0)
    g_source_remove (l->source);
  if (l->fd >= 0)
    close (l->fd);
  g_free (l->host);
  g_free (l);
}

TgtPortalSet *
tgt_portal_set_new (TgtPortalAcceptFunc func, gpointer user_data)
{
  TgtPortalSet *set = g_new0 (TgtPortalSet, 1);
  set->func = func;
  set->user_data = user_data;
  set->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_free);
  return set;
}

void
tgt_portal_set_free (TgtPortalSet *set)
{
  if (set == NULL)
    return;
  g_ptr_array_unref (set->listeners);
  g_free (set);
}

static gboolean
on_accept (int fd, GIOCondition cond, gpointer data)
{
  Listener *l = data;
  /* Drain the backlog; stop at EAGAIN.  An error on one accept (e.g.
   * EMFILE) must not end the listener. */
  for (int i = 0; i < 64; i++)
    {
      int c = accept4 (fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (c < 0)
        {
          if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            g_warning ("accept on %s:%u: %s", l->host, l->port, g_strerror (errno));
          break;
        }
      int one = 1;
      setsockopt (c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      l->set->func (c, l->tpgt, l->set->user_data);
    }
  return G_SOURCE_CONTINUE;
}

static int
open_listener (const char *host, guint16 port, guint16 *bound, GError **error)
{
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
  struct addrinfo *res = NULL;
  char portstr[8];
  g_snprintf (portstr, sizeof portstr, "%u", port);
  int rc = getaddrinfo (host, portstr, &hints, &res);
  if (rc != 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "portal %s:%u: %s", host, port, gai_strerror (rc));
      return -1;
    }
  int fd = socket (res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0)
    {
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (res->ai_family == AF_INET6)
        setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
  if (fd < 0 || bind (fd, res->ai_addr, res->ai_addrlen) != 0 || listen (fd, 128) != 0)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "portal %s:%u: %s", host, port, g_strerror (errno));
      if (fd >= 0)
        close (fd);
      freeaddrinfo (res);
      return -1;
    }
  freeaddrinfo (res);
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  *bound = port;
  if (getsockname (fd, (struct sockaddr *) &ss, &len) == 0)
    *bound = ntohs (ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *) &ss)->sin6_port
                                             : ((struct sockaddr_in *) &ss)->sin_port);
  return fd;
}

static Listener *
find_listener (TgtPortalSet *set, const char *host, guint16 port, guint16 tpgt)
{
  for (guint i = 0; i < set->listeners->len; i++)
    {
      Listener *l = set->listeners->pdata[i];
      if (l->port == port && l->tpgt == tpgt && strcmp (l->host, host) == 0)
        return l;
    }
  return NULL;
}

gboolean
tgt_portal_set_apply (TgtPortalSet *set, const TgtConfig *cfg, GError **error)
{
  for (guint i = 0; i < set->listeners->len; i++)
    ((Listener *) set->listeners->pdata[i])->keep = FALSE;
  for (guint i = 0; i < cfg->portal_groups->len; i++)
    {
      const TgtConfigPortalGroup *pg = cfg->portal_groups->pdata[i];
      for (guint j = 0; j < pg->portals->len; j++)
        {
          const TgtConfigPortal *p = pg->portals->pdata[j];
          Listener *l = find_listener (set, p->host, p->port, pg->tpgt);
          if (l == NULL)
            {
              guint16 bound = 0;
              int fd = open_listener (p->host, p->port, &bound, error);
              if (fd < 0)
                return FALSE;
              l = g_new0 (Listener, 1);
              l->host = g_strdup (p->host);
              l->port = p->port;
              l->bound_port = bound;
              l->tpgt = pg->tpgt;
              l->fd = fd;
              l->set = set;
              l->source = g_unix_fd_add (fd, G_IO_IN, on_accept, l);
              g_ptr_array_add (set->listeners, l);
              g_info ("listening on %s:%u (portal group %u)", l->host, bound, l->tpgt);
            }
          l->keep = TRUE;
        }
    }
  for (guint i = set->listeners->len; i-- > 0;)
    if (!((Listener *) set->listeners->pdata[i])->keep)
      g_ptr_array_remove_index (set->listeners, i);
  return TRUE;
}

guint16
tgt_portal_set_first_port (const TgtPortalSet *set)
{
  return set->listeners->len > 0 ? ((Listener *) set->listeners->pdata[0])->bound_port : 0;
}
