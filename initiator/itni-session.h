/* ItniSession: one iSCSI session (RFC 7143 sec. 4.4) to one target, with one
 * or more TCP connections (MC/S).
 *
 * A session logs in on its leading connection, then adds the others with the
 * TSIH the target assigned.  Commands are spread over the connections that
 * are in full feature phase.  When a connection or the target goes away the
 * session reconnects with exponential backoff (1 s .. 30 s), logs in again
 * with the same ISID (session reinstatement, sec. 6.3.5) and reissues every
 * outstanding command, so callers see a delay, not an error, until the
 * replacement timeout (itni_config_set_replacement_timeout) expires.
 * Login redirection (status 0x0101/0x0102, sec. 11.13.5) is followed; a
 * permanent one is remembered for the session's later logins, a temporary
 * one is not (see doc/initiator-api.md). */
#pragma once
#include <glib.h>

#include "itni-config.h"
#include "itni-context.h"

G_BEGIN_DECLS

typedef struct ItniSession ItniSession;

typedef enum {
	ITNI_SESSION_IDLE,        /* created, not logged in yet */
	ITNI_SESSION_LOGGING_IN,
	ITNI_SESSION_LOGGED_IN,   /* full feature phase */
	ITNI_SESSION_RECOVERING,  /* lost, reconnecting */
	ITNI_SESSION_FAILED,      /* replacement timeout expired or login refused */
	ITNI_SESSION_LOGGED_OUT,
} ItniSessionState;

typedef void (*ItniSessionFunc)(ItniSession *s, const GError *error, gpointer user_data);

/* The session keeps a reference to ctx's threads; free sessions before the
 * context. */
ItniSession *itni_session_new(ItniContext *ctx, const ItniConfig *config);
/* Logs out (if logged in, waiting at most 5 s) and frees. */
void itni_session_free(ItniSession *s);

/* Log in: the leading connection, then the other connections the config
 * asks for.  done gets NULL on success. */
void itni_session_login_async(ItniSession *s, ItniSessionFunc done, gpointer user_data);
gboolean itni_session_login_sync(ItniSession *s, GError **error);
void itni_session_logout_async(ItniSession *s, ItniSessionFunc done, gpointer user_data);
gboolean itni_session_logout_sync(ItniSession *s, GError **error);

/* Add one more connection to a logged-in session (a new CID, same TSIH), or
 * remove one (Logout with reason "close the connection", sec. 11.14.1);
 * commands outstanding on it are reissued on the others. */
void itni_session_add_connection_async(ItniSession *s, ItniSessionFunc done, gpointer user_data);
gboolean itni_session_add_connection_sync(ItniSession *s, GError **error);
gboolean itni_session_remove_connection_sync(ItniSession *s, guint16 cid, GError **error);

ItniSessionState itni_session_get_state(ItniSession *s);
const char *itni_session_state_name(ItniSessionState st);
const ItniConfig *itni_session_get_config(ItniSession *s);
guint16 itni_session_get_tsih(ItniSession *s);
/* The 6-byte ISID as 12 hex digits (static per session). */
const char *itni_session_get_isid(ItniSession *s);
guint itni_session_get_n_connections(ItniSession *s);

/* Per-connection counters, for `itnctl session list` and tests. */
typedef struct {
	guint16 cid;
	gboolean logged_in;
	char local[64], remote[64];
	guint64 commands;    /* SCSI commands sent on this connection */
	guint64 bytes_out, bytes_in;
} ItniConnectionInfo;
/* Fills up to max entries, returns how many connections exist. */
guint itni_session_get_connections(ItniSession *s, ItniConnectionInfo *out, guint max);

/* Negotiated values that callers size their I/O by. */
guint32 itni_session_get_max_burst(ItniSession *s);
guint32 itni_session_get_first_burst(ItniSession *s);
/* Number of times the session was reinstated after a failure. */
guint itni_session_get_recoveries(ItniSession *s);

/* Called (on an I/O thread or inside service) whenever the state changes. */
void itni_session_set_state_callback(ItniSession *s,
	void (*cb)(ItniSession *s, ItniSessionState st, gpointer user_data), gpointer user_data);

G_END_DECLS
