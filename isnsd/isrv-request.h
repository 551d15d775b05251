/* One request being handled (internal to the core and its handlers). */
#pragma once
#include "isnsd/isrv-core.h"

typedef struct {
	IsrvCore *core;
	IsrvDb *db;
	guint16 function, flags, xid;
	IDiscTlvList *tl;
	char *source;            /* normalized source name, NULL if absent */
	gint64 source_node;      /* its node object, 0 if not registered */
	gint64 source_entity;
	gboolean control;        /* a control node (sec. 5.6.1) */
	const IDiscTlv *keys;    /* message key attributes (after the source) */
	guint nkeys;
	const IDiscTlv *ops;     /* operating attributes (after the delimiter) */
	guint nops;
	GByteArray *body;        /* the answer after the status word */
} IsrvRequest;

/* Handlers return the iSNS status; on success they fill req->body. */
guint32 isrv_handle_dev_attr_reg(IsrvRequest *req);
guint32 isrv_handle_dev_attr_qry(IsrvRequest *req);
guint32 isrv_handle_dev_get_next(IsrvRequest *req);
guint32 isrv_handle_dev_dereg(IsrvRequest *req);
guint32 isrv_handle_scn_reg(IsrvRequest *req);
guint32 isrv_handle_scn_dereg(IsrvRequest *req);
guint32 isrv_handle_scn_event(IsrvRequest *req);
guint32 isrv_handle_dd_reg(IsrvRequest *req);
guint32 isrv_handle_dd_dereg(IsrvRequest *req);
guint32 isrv_handle_dds_reg(IsrvRequest *req);
guint32 isrv_handle_dds_dereg(IsrvRequest *req);

/* --- isrv-objects.c: shared object helpers --- */

/* RFC 3722 normalization of a received iSCSI name (lenient); NULL if
 * invalid. */
char *isrv_normalize_name(const char *name);
/* A string TLV with normalized iSCSI name: the padded wire value. */
GBytes *isrv_name_value(const char *name);
/* Append the wire value of a TLV to a key being built. */
void isrv_key_append(GByteArray *key, const IDiscTlv *t);
/* Look up the object of TYPE whose key attributes are the NKEYS TLVs T. */
gint64 isrv_find_by_tlvs(IsrvDb *db, IDiscObjectType type, const IDiscTlv *t);
gint64 isrv_find_node(IsrvDb *db, const char *name);
/* Output one object: its key attributes in template order, then the other
 * attributes (all, or only those in WANT, a set of tags; NULL = all).  DD
 * members come as (member index, member name) pairs. */
void isrv_put_object(IsrvDb *db, GByteArray *body, const IsrvObject *o, GHashTable *want);
/* The object type a tag belongs to. */
IDiscObjectType isrv_tag_object(guint32 tag);
gboolean isrv_tag_is_key(guint32 tag);

/* --- isrv-policy.c: who sees what (sec. 5.6.1, 2.2.2) --- */

/* The set of node ids VIEWER may see (NULL means everything: control). */
GHashTable *isrv_policy_visible_nodes(IsrvCore *core, const char *viewer, gint64 viewer_entity,
				      gboolean control);
gboolean isrv_policy_object_visible(IsrvCore *core, GHashTable *nodes, gint64 viewer_entity,
				    const IsrvObject *o);
/* One object, without computing the whole visible set (DevGetNext). */
gboolean isrv_policy_visible_to(IsrvCore *core, const char *viewer, gint64 viewer_entity,
				gboolean control, const IsrvObject *o);
/* Can node VIEWER see node NAME (both registered names)? */
gboolean isrv_policy_node_sees(IsrvCore *core, const char *viewer, const char *name);
/* The active DDs (object ids) that list NAME as member. */
void isrv_policy_active_dds(IsrvCore *core, const char *name, GArray *dd_ids);
gboolean isrv_is_control(IsrvCore *core, const char *name);

/* --- isrv-scn.c: queueing notifications --- */

/* Queue BITMAP about node NAME (and DD_ID for membership events) to every
 * node registered for SCN that may see NAME, as sec. 6.4.4 filters. */
void isrv_scn_queue(IsrvCore *core, guint32 bitmap, const char *name, guint32 dd_id);
/* Encode the SCN message for one event (sec. 5.6.5.8). */
GBytes *isrv_scn_encode(IsrvCore *core, const IsrvScnEvent *e, guint16 xid);

/* --- isrv-dereg.c: removing objects (with their SCNs) --- */

/* Remove a node, portal or portal group and what hangs on it. */
void isrv_core_remove_object_tree(IsrvCore *core, gint64 id);
/* Remove every child of an entity and its non-key attributes (REPLACE). */
void isrv_core_clear_entity(IsrvCore *core, gint64 entity);
/* Remove the entity when it has neither nodes nor portals left. */
void isrv_core_drop_if_empty(IsrvCore *core, gint64 entity);
