/* control-server.c: the control API on a Unix socket and on the system bus
 * (control-server.h). */
#include "config.h"

#include "target/control-server.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "target/control-service.h"

struct TgtControl {
  TgtControlService *service;
  GDBusServer *server;
  char *socket_path;
  GPtrArray *peers;          /* of GDBusConnection*, peer-to-peer clients */
  GDBusAuthObserver *observer;
  guint bus_owner_id;
  GDBusConnection *bus;      /* system bus, when reached */
  struct BusClaimS *claim;   /* pending g_bus_get, or NULL */
};

TgtControl *
tgt_control_new (TgtEngine *engine, const TgtConfigSource *src)
{
  TgtControl *c = g_new0 (TgtControl, 1);
  c->service = tgt_control_service_new (engine, src);
  c->peers = g_ptr_array_new_with_free_func (g_object_unref);
  return c;
}

gboolean
tgt_control_reload (TgtControl *c, GError **error)
{
  return tgt_control_service_reload (c->service, error);
}

static void
on_peer_closed (GDBusConnection *conn, gboolean remote_peer_vanished, GError *error, gpointer data)
{
  TgtControl *c = data;
  /* The skeleton keeps every connection it is exported on: let go of
   * this one, or each itnctl call would cost a connection for good. */
  GDBusInterfaceSkeleton *sk = tgt_control_service_skeleton (c->service);
  if (g_dbus_interface_skeleton_has_connection (sk, conn))
    g_dbus_interface_skeleton_unexport_from_connection (sk, conn);
  g_ptr_array_remove (c->peers, conn);
}

static gboolean
on_new_connection (GDBusServer *server, GDBusConnection *conn, gpointer data)
{
  TgtControl *c = data;
  GCredentials *cred = g_dbus_connection_get_peer_credentials (conn);
  g_debug ("control: client connected (uid %ld)", cred != NULL ? (long) g_credentials_get_unix_user (cred, NULL) : -1L);
  g_autoptr (GError) error = NULL;
  if (!g_dbus_interface_skeleton_export (tgt_control_service_skeleton (c->service), conn, TGT_CONTROL_OBJECT_PATH,
                                         &error))
    {
      g_warning ("control: cannot serve a client: %s", error->message);
      return FALSE;
    }
  g_ptr_array_add (c->peers, g_object_ref (conn));
  g_signal_connect (conn, "closed", G_CALLBACK (on_peer_closed), c);
  return TRUE;
}

/* Only EXTERNAL (the kernel's SO_PEERCRED), never ANONYMOUS or a cookie:
 * who may connect is decided by the socket's mode and group. */
static gboolean
on_allow_mechanism (GDBusAuthObserver *observer, const char *mechanism, gpointer data)
{
  return g_strcmp0 (mechanism, "EXTERNAL") == 0;
}

/* A socket file that nobody answers on is what a killed daemon leaves
 * behind; anything else at that path is not ours to remove. */
static gboolean
remove_stale_socket (const char *path, GError **error)
{
  struct stat st;
  if (lstat (path, &st) != 0)
    return TRUE;
  if (!S_ISSOCK (st.st_mode))
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_EXISTS, "control socket %s: exists and is not a socket", path);
      return FALSE;
    }
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof sa.sun_path)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_INVALID, "control socket %s: path too long", path);
      return FALSE;
    }
  g_strlcpy (sa.sun_path, path, sizeof sa.sun_path);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean live = fd >= 0 && connect (fd, (struct sockaddr *) &sa, sizeof sa) == 0;
  if (fd >= 0)
    close (fd);
  if (live)
    {
      g_set_error (error, TGT_ERROR, TGT_ERROR_BUSY, "control socket %s: another daemon answers there", path);
      return FALSE;
    }
  g_unlink (path);
  return TRUE;
}

static void
on_bus_acquired (GDBusConnection *bus, const char *name, gpointer data)
{
  TgtControl *c = data;
  g_autoptr (GError) error = NULL;
  if (!g_dbus_interface_skeleton_export (tgt_control_service_skeleton (c->service), bus, TGT_CONTROL_OBJECT_PATH,
                                         &error))
    g_debug ("control: cannot export on the system bus: %s", error->message);
}

static void
on_name_lost (GDBusConnection *bus, const char *name, gpointer data)
{
  /* No bus, or the bus policy does not let us own the name: the socket
   * serves alone, as it does on a box without a bus daemon. */
  g_debug ("control: %s not owned on the system bus", name);
}

/* The system bus is reached asynchronously: the main loop also accepts
 * iSCSI connections, and a bus that answers slowly must not hold them up.
 * The claim outlives a TgtControl freed meanwhile: it then only cleans
 * up. */
typedef struct BusClaimS {
  TgtControl *c;             /* NULL once the control is freed */
} BusClaim;

static void
on_system_bus (GObject *source, GAsyncResult *res, gpointer data)
{
  BusClaim *claim = data;
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (res, &error);
  TgtControl *c = claim->c;
  g_free (claim);
  if (c == NULL)
    {
      g_clear_object (&bus);
      return;
    }
  c->claim = NULL;
  if (bus == NULL)
    {
      g_debug ("control: no system bus: %s", error->message);
      return;
    }
  c->bus = bus;
  on_bus_acquired (bus, TGT_CONTROL_BUS_NAME, c);
  c->bus_owner_id = g_bus_own_name_on_connection (bus, TGT_CONTROL_BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE, NULL,
                                                  on_name_lost, c, NULL);
}

static void
claim_system_bus (TgtControl *c)
{
  c->claim = g_new0 (BusClaim, 1);
  c->claim->c = c;
  g_bus_get (G_BUS_TYPE_SYSTEM, NULL, on_system_bus, c->claim);
}

gboolean
tgt_control_listen (TgtControl *c, const char *socket_path, GError **error)
{
  const char *path = socket_path != NULL ? socket_path : TGT_CONTROL_DEFAULT_SOCKET;
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int errsv = errno;
      g_set_error (error, TGT_ERROR, TGT_ERROR_IO, "control socket directory %s: %s", dir, g_strerror (errsv));
      return FALSE;
    }
  if (!remove_stale_socket (path, error))
    return FALSE;
  g_autofree char *escaped = g_dbus_address_escape_value (path);
  g_autofree char *address = g_strdup_printf ("unix:path=%s", escaped);
  g_autofree char *guid = g_dbus_generate_guid ();
  c->observer = g_dbus_auth_observer_new ();
  g_signal_connect (c->observer, "allow-mechanism", G_CALLBACK (on_allow_mechanism), c);
  /* Create the socket with no access for others from the first instant;
   * the mode is set exactly below. */
  mode_t old_umask = umask (0117);
  c->server = g_dbus_server_new_sync (address, G_DBUS_SERVER_FLAGS_NONE, guid, c->observer, NULL, error);
  umask (old_umask);
  if (c->server == NULL)
    {
      g_prefix_error (error, "control socket %s: ", path);
      return FALSE;
    }
  c->socket_path = g_strdup (path);
  if (chmod (path, 0660) != 0)
    g_debug ("control: chmod %s: %s", path, g_strerror (errno));
  g_signal_connect (c->server, "new-connection", G_CALLBACK (on_new_connection), c);
  g_dbus_server_start (c->server);
  g_message ("control API on %s", path);
  claim_system_bus (c);
  return TRUE;
}

void
tgt_control_free (TgtControl *c)
{
  if (c == NULL)
    return;
  if (c->claim != NULL)
    c->claim->c = NULL;
  if (c->bus_owner_id != 0)
    g_bus_unown_name (c->bus_owner_id);
  if (c->server != NULL)
    {
      g_dbus_server_stop (c->server);
      g_object_unref (c->server);
      g_unlink (c->socket_path);
    }
  for (guint i = 0; i < c->peers->len; i++)
    {
      g_signal_handlers_disconnect_by_data (c->peers->pdata[i], c);
      g_dbus_connection_close (c->peers->pdata[i], NULL, NULL, NULL);
    }
  g_ptr_array_unref (c->peers);
  tgt_control_service_free (c->service);
  g_clear_object (&c->bus);
  g_clear_object (&c->observer);
  g_free (c->socket_path);
  g_free (c);
}
