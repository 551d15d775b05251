/* itn-initiatord internals: the daemon's nodes (one per target it keeps
 * sessions to) and its FUSE export.  Prefix itnd_. */
#pragma once
#include <glib.h>

#include "itni.h"
#include "fuse-export.h"
#include "initiatord-records.h"

/* design brief: control sockets live under /run/itnexus/. */
#define ITND_DEFAULT_CONTROL "/run/itnexus/initiatord.sock"

typedef struct {
	ItniContext *ctx;
	ItndFuse *fuse;          /* NULL without --mount */
	GPtrArray *nodes;        /* ItndNode* */
	ItndRecords *records;    /* initiator.xml (guarded by lock) */
	char *initiator_flag;    /* --initiator-name, or NULL */
	GMutex lock;
	gint stopping;
} ItndDaemon;

/* A node record: where a target is and how to log in (from --connect or
 * initiator.xml). */
typedef struct {
	ItndDaemon *d;
	guint id;                /* unique for the daemon's life: a pointer
				  * could be reused by a later node */
	ItniConfig *cfg;
	guint sessions;          /* sessions per target (distinct ISIDs) */
	gboolean auto_connect;
	char *record;            /* target of its initiator.xml record, or NULL
				  * (--connect, control API Login) */
	const char *origin;      /* how it came: "connect", "config", "control"
				  * or "mdns" (shown by ListSessions) */
	gint stop;               /* atomic: give up logging in */
	GPtrArray *live;         /* ItniSession* logged in */
	GThread *thread;
} ItndNode;

ItndNode *itnd_node_new(ItndDaemon *d, ItniConfig *cfg, guint sessions, gboolean auto_connect);
/* The login settings of a target URL as --connect and mDNS discovery make
 * them: CHAP from the secrets file (may be NULL), then the environment;
 * N connections; our name if given.  NULL with error if the URL or the
 * secrets file is refused. */
ItniConfig *itnd_node_config_new(const char *url, const char *secrets, const char *initiator, guint connections,
				 GError **error);
/* Add to d->nodes (under d->lock) and start logging in. */
void itnd_node_add(ItndDaemon *d, ItndNode *n);
/* Take out of d->nodes (under d->lock), then unpublish, log out, free;
 * FALSE (and nothing done) if n is no longer there (the control API's
 * Logout already took it). */
gboolean itnd_node_remove(ItndDaemon *d, ItndNode *n);
/* The same for the node with this id: what holds on to a node it does not
 * own (mDNS discovery) keeps its id, not its address. */
gboolean itnd_node_remove_id(ItndDaemon *d, guint id);
/* Log in (retrying with backoff in a thread) and publish the LUNs. */
void itnd_node_start(ItndNode *n);
/* Unpublish, log out, free. */
void itnd_node_free(ItndNode *n);
/* A node from a record of initiator.xml (NULL with error if its secrets
 * file is refused); our name is --initiator-name, else the file's. */
ItndNode *itnd_node_from_record(ItndDaemon *d, const ItndRecords *records, const ItndRecord *rec,
				GError **error);
/* Log in every auto-connect record of d->records (at start). */
void itnd_nodes_start_records(ItndDaemon *d);

/* initiatord-reload.c: SIGHUP.  Re-read initiator.xml and apply the
 * difference; FALSE with file:line (old records kept) if it is refused. */
gboolean itnd_reload(ItndDaemon *d, GError **error);
/* One login attempt (no retry) of session 0, published on success;
 * the session is owned by the node. */
ItniSession *itnd_node_login_once(ItndNode *n, GError **error);

/* initiatord-mdns.c: --discover mdns.  Browse _iscsi._tcp on the main
 * context and keep one node per announced target (IQN) whose name matches
 * one of the globs (all when match is NULL); a node goes GRACE seconds
 * after its last announcement is withdrawn unless it comes back. */
typedef struct ItndMdns ItndMdns;
ItndMdns *itnd_mdns_new(ItndDaemon *d, const char *const *match, const char *secrets, const char *initiator,
			guint connections, guint sessions);
void itnd_mdns_free(ItndMdns *m);

/* initiatord-control.c: the D-Bus control API on a Unix socket. */
typedef struct ItndControl ItndControl;
ItndControl *itnd_control_new(ItndDaemon *d, const char *path, GError **error);
void itnd_control_free(ItndControl *c);
