/* The protocol core of itn-isnsd: configuration, the database, and the
 * handling of one reassembled request into one answer.  No sockets here, so
 * unit tests and the fuzz target drive it with an in-memory database. */
#pragma once
#include <glib.h>
#include "discovery/isns-pdu.h"
#include "discovery/isns-tlv.h"
#include "isnsd/isrv-db.h"

typedef struct {
	char **control_nodes;          /* normalized iSCSI names (sec. 5.6.1) */
	guint esi_misses;              /* ESIs without answer before a portal goes */
	guint registration_period;     /* seconds; 0 = never expire */
	guint esi_min_interval;        /* seconds; smaller requests are raised */
	gboolean default_dd;           /* nodes in no DD see each other */
	gsize max_pdu_payload;         /* PDUs we send (sec. 5.1: up to 65535) */
} IsrvConfig;

/* A state change notification waiting for the batch commit (sec. 5.6.5.8). */
typedef struct {
	char *dest;                    /* receiving node */
	guint32 bitmap;
	char *node;                    /* the node the event is about */
	guint32 dd_id;                 /* 0, or the DD of a membership event */
} IsrvScnEvent;

/* Things the network layer acts on after a commit. */
typedef struct {
	void (*portal_esi)(gpointer user, gint64 portal_id, gboolean present);
	void (*entity_gone)(gpointer user, gint64 entity_id);
	gpointer user;
} IsrvCoreHooks;

typedef struct {
	IsrvConfig cfg;
	IsrvDb *db;
	GHashTable *refresh;           /* entity id -> last contact (monotonic us) */
	GPtrArray *events;             /* IsrvScnEvent*, pending until commit */
	IsrvCoreHooks hooks;
} IsrvCore;

void isrv_config_init(IsrvConfig *cfg);
IsrvCore *isrv_core_new(const IsrvConfig *cfg, IsrvDb *db);
void isrv_core_free(IsrvCore *core);

/* Handle one request message inside the current batch (the caller began
 * it).  Returns the encoded answer PDUs, or NULL when the message gets no
 * answer (a response sent to us). */
GBytes *isrv_core_handle(IsrvCore *core, const IDiscMessage *msg);
/* The answer to a message the reassembler rejected: status only. */
GBytes *isrv_core_reject(IsrvCore *core, guint16 function, guint16 xid, guint32 status);
/* Encode a response (function | 0x8000) with STATUS and BODY. */
GBytes *isrv_core_encode_response(IsrvCore *core, guint16 function, guint16 xid, guint32 status,
				  const GByteArray *body);

/* Entity maintenance used by the timers: remove an entity and everything in
 * it, queueing "object removed" SCNs (inside a batch). */
void isrv_core_remove_entity(IsrvCore *core, gint64 entity_id);
/* Remove a portal (ESI gave up on it); the entity goes with its last
 * portal (sec. 5.6.5.13). */
void isrv_core_remove_portal(IsrvCore *core, gint64 portal_id);
/* Note contact from an entity (sec. 6.2.6: any message refreshes it). */
void isrv_core_touch(IsrvCore *core, gint64 entity_id);
/* Expire entities whose registration period ran out; returns how many. */
guint isrv_core_expire(IsrvCore *core, gint64 now_us);

void isrv_scn_event_free(IsrvScnEvent *e);
